from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.poetry_lock import PoetryLockParser

from .helpers import by_key, names_versions, parse_fixture

PARSER = PoetryLockParser()


def parse(name: str) -> ParseResult:
    return parse_fixture(PARSER, "poetry", name)


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [("poetry.lock", True), ("app/poetry.lock", True), ("Poetry.lock", False), ("uv.lock", False)],
)
def test_claims(filename: str, claimed: bool) -> None:
    assert PARSER.claims(filename, b"") is claimed


@pytest.mark.parametrize("name", ["empty-file.lock", "no-packages.lock"])
def test_empty(name: str) -> None:
    result = parse(name)
    assert result.components == ()
    assert result.skipped == ()


def test_one_package() -> None:
    result = parse("one-package.lock")
    assert names_versions(result) == [("jinja2", "3.1.2")]
    comp = result.components[0]
    assert (comp.line, comp.direct, comp.scope, comp.path) == (3, True, "runtime", ("jinja2",))


def test_many_packages_lock_version_2_1_groups() -> None:
    result = parse("many-packages.v2.lock")
    comps = by_key(result)
    actual = {k: (c.direct, c.scope, c.path, c.line) for k, c in comps.items()}
    assert actual == {
        ("certifi", "2024.2.2"): (None, "runtime", ("requests", "certifi"), 3),
        # in "main" and "dev": main wins
        ("colorama", "0.4.6"): (None, "runtime", ("click", "colorama"), 15),
        ("click", "8.1.7"): (True, "runtime", ("click",), 27),
        ("pytest", "8.0.0"): (True, "dev", ("pytest",), 41),
        ("pluggy", "1.4.0"): (None, "dev", ("pytest", "pluggy"), 59),
        # optional = true in main: only with one of the project's extras
        ("redis", "5.0.1"): (True, "optional", ("redis",), 68),
        ("async-timeout", "4.0.3"): (None, "optional", ("redis", "async-timeout"), 83),
        ("requests", "2.31.0"): (True, "runtime", ("requests",), 93),
        # Two versions of one name, each required under a marker: both reported.
        ("urllib3", "1.26.18"): (None, "runtime", ("requests", "urllib3"), 114),
        ("urllib3", "2.2.0"): (None, "runtime", ("requests", "urllib3"), 124),
    }
    assert result.skipped == ()


def test_lock_version_1_categories() -> None:
    result = parse("many-packages.v1.lock")
    actual = [(c.name, c.version, c.direct, c.scope, c.path) for c in result.components]
    assert actual == [
        ("flask", "2.0.3", True, "runtime", ("flask",)),
        # "Werkzeug" in [package.dependencies] names the same package as werkzeug
        ("werkzeug", "2.0.3", None, "runtime", ("flask", "werkzeug")),
        ("black", "22.3.0", True, "dev", ("black",)),
    ]


def test_lock_version_2_0_records_no_groups() -> None:
    result = parse("lock-v2.0.lock")
    assert [(c.name, c.scope) for c in result.components] == [("six", None), ("tomli", "optional")]


def test_sources_and_missing_version() -> None:
    result = parse("sources.lock")
    assert names_versions(result) == [
        ("from-git", "0.2.0"),
        ("from-private-index", "1.4.0"),
        ("from-directory", "0.0.1"),
    ]
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("no-version", "no version recorded for this package", 45)
    ]


def test_cycle_nothing_enters_has_no_path() -> None:
    result = parse("cycle.lock")
    actual = [(c.name, c.direct, c.path) for c in result.components]
    assert actual == [("entry", True, ("entry",)), ("loop-a", None, ()), ("loop-b", None, ())]


def test_syntax_error_has_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed.lock")
    assert info.value.line == 6
    assert str(info.value).startswith("fixtures/poetry/malformed.lock:6: invalid TOML")


def test_package_of_the_wrong_type() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed-package-type.lock")
    assert info.value.line == 1
    assert "'package' must be an array of tables" in info.value.message
