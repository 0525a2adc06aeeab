"""Absurdly deep nesting ends as a ParseError, never as a crash or a RecursionError."""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser
from runink.inventory.cargo_lock import CargoLockParser
from runink.inventory.composer_lock import ComposerLockParser
from runink.inventory.mix_lock import MixLockParser
from runink.inventory.nuget_lock import NugetLockParser
from runink.inventory.pom_xml import PomXmlParser
from runink.inventory.pubspec_lock import PubspecLockParser
from runink.inventory.terraform_lock import TerraformLockParser

N = 50_000

CASES: list[tuple[Parser, bytes]] = [
    (CargoLockParser(), b"version = 3\nx = " + b"[" * N + b"]" * N),
    (ComposerLockParser(), b'{"packages": ' + b"[" * N + b"]" * N + b"}"),
    (NugetLockParser(), b'{"dependencies": {"a": ' + b'{"x":' * N + b"1" + b"}" * N + b"}}"),
    (TerraformLockParser(), b'provider "a" {\n hashes = ' + b"[" * N + b"]" * N + b"\n}\n"),
    (MixLockParser(), b'%{"a": ' + b"{" * N + b"}" * N + b"}"),
    (PubspecLockParser(), b"packages: " + b"[" * N + b"]" * N),
    (PubspecLockParser(), b"packages:\n" + b"- " * N + b"x\n"),
    (PomXmlParser(), b"<project>" + b"<a>" * N + b"</a>" * N + b"</project>"),
]


@pytest.mark.parametrize(("parser", "data"), CASES, ids=lambda v: getattr(v, "format", "data"))
def test_deep_nesting_is_a_parse_error(parser: Parser, data: bytes) -> None:
    with pytest.raises(ParseError):
        parser.parse("hostile", data)
