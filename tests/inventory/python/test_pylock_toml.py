from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.pylock_toml import PylockTomlParser

from .helpers import names_versions, parse_fixture

PARSER = PylockTomlParser()


def parse(name: str) -> ParseResult:
    return parse_fixture(PARSER, "pylock", name)


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [
        ("pylock.toml", True),
        ("pylock.dev.toml", True),
        ("deploy/pylock.prod.toml", True),
        ("pylock.a.b.toml", False),
        ("pylock..toml", False),
        ("Pylock.toml", False),
        ("pyproject.toml", False),
        ("pylock.toml.bak", False),
    ],
)
def test_claims(filename: str, claimed: bool) -> None:
    assert PARSER.claims(filename, b"") is claimed


@pytest.mark.parametrize("name", ["empty-file.toml", "no-packages.toml"])
def test_empty(name: str) -> None:
    result = parse(name)
    assert result.components == ()
    assert result.skipped == ()


def test_one_package() -> None:
    result = parse("one-package.toml")
    assert names_versions(result) == [("idna", "3.6")]
    comp = result.components[0]
    assert (comp.line, comp.direct, comp.scope, comp.path) == (5, None, None, ())


def test_many_packages_and_sources() -> None:
    result = parse("many-packages.toml")
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ("flask", "3.0.0", 9),
        ("werkzeug", "3.0.1", 20),
        ("cryptography", "41.0.5", 32),
        ("from-vcs", "0.2.0", 38),
        ("from-archive", "1.1.0", 47),
        ("local-dir", "0.5.0", 52),
        ("pytest", "8.0.0", 61),
    ]
    # "this-project" (an editable directory) is the project itself.
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("vcs-unknown-version", "no version recorded (vcs source)", 43)
    ]


def test_inline_array_of_packages_finds_lines_by_name() -> None:
    result = parse("inline-packages.toml")
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ("six", "1.16.0", 4),
        ("idna", "3.6", 6),
    ]
    assert result.skipped == ()


def test_syntax_error_has_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed.toml")
    assert info.value.line == 5


def test_unsupported_major_lock_version() -> None:
    with pytest.raises(ParseError) as info:
        parse("unsupported-version.toml")
    assert info.value.line == 2
    assert info.value.message == "unsupported lock-version '2.0' (expected 1.x)"


def test_newer_minor_lock_version_is_read() -> None:
    result = PARSER.parse(
        "pylock.toml", b'lock-version = "1.7"\n[[packages]]\nname = "a"\nversion = "1"\n'
    )
    assert names_versions(result) == [("a", "1")]
