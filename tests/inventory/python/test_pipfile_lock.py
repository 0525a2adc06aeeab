from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.pipfile_lock import PipfileLockParser

from .helpers import by_key, names_versions, parse_fixture

PARSER = PipfileLockParser()


def parse(name: str) -> ParseResult:
    return parse_fixture(PARSER, "pipfile", name)


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [("Pipfile.lock", True), ("a/Pipfile.lock", True), ("Pipfile", False), ("pipfile.lock", False)],
)
def test_claims(filename: str, claimed: bool) -> None:
    assert PARSER.claims(filename, b"") is claimed


def test_empty_categories() -> None:
    result = parse("empty.json")
    assert result.components == ()
    assert result.skipped == ()


def test_zero_byte_file_is_not_json() -> None:
    with pytest.raises(ParseError) as info:
        parse("empty-file.json")
    assert info.value.line == 1
    assert info.value.message.startswith("invalid JSON: ")


def test_one_package() -> None:
    result = parse("one-package.json")
    assert names_versions(result) == [("requests", "2.31.0")]
    comp = result.components[0]
    assert (comp.line, comp.direct, comp.scope, comp.path) == (9, None, "runtime", ())


def test_many_packages() -> None:
    result = parse("many-packages.json")
    comps = by_key(result)
    actual = {k: (c.scope, c.line) for k, c in comps.items()}
    assert actual == {
        ("django", "4.2.7"): ("runtime", 9),  # also in develop: runtime wins, first line kept
        ("zope-interface", "6.1"): ("runtime", 15),  # "===" pin
        ("celery", "5.3.6"): ("runtime", 19),
        ("sqlparse", "0.4.4"): ("runtime", 24),
        ("pytest", "7.4.3"): ("dev", 40),
        ("sphinx", "7.2.6"): ("dev", 52),  # a custom category is installed on request only
    }
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("my-fork", "no version recorded (git source)", 27),
        ("local-lib", "no version recorded (path source)", 31),
        ("star", "version '*' is not pinned to one version", 35),
    ]


def test_minified() -> None:
    result = parse("minified.json")
    actual = [(c.name, c.version, c.scope, c.line) for c in result.components]
    assert actual == [
        ("six", "1.16.0", "runtime", 1),
        ("idna", "3.6", "runtime", 1),
        ("mock", "5.1.0", "dev", 1),
    ]


def test_escaped_keys_and_invalid_names() -> None:
    result = parse("escaped-keys.json")
    assert [(c.name, c.line) for c in result.components] == [("zope-event", 4)]
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ('quote"d', "not a valid Python package name", 5)
    ]


def test_entry_that_is_not_an_object_is_skipped() -> None:
    result = parse("entry-not-object.json")
    assert names_versions(result) == [("idna", "3.6")]
    assert [(s.name, s.line) for s in result.skipped] == [("six", 4)]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed.json", 4, "invalid JSON: trailing comma is not allowed"),
        ("malformed-top-level.json", 1, "not a Pipfile.lock: the top level is not a JSON object"),
        ("malformed-category.json", 3, "default: a package category must be a JSON object"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(name)
    assert info.value.line == line
    assert info.value.message == message
