from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.pdm_lock import PdmLockParser

from .helpers import by_key, names_versions, parse_fixture

PARSER = PdmLockParser()


def parse(name: str) -> ParseResult:
    return parse_fixture(PARSER, "pdm", name)


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [("pdm.lock", True), ("x/pdm.lock", True), ("pdm.toml", False), ("uv.lock", False)],
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
    assert names_versions(result) == [("packaging", "23.2")]
    comp = result.components[0]
    assert (comp.line, comp.direct, comp.scope, comp.path) == (13, True, "runtime", ("packaging",))


def test_many_packages() -> None:
    result = parse("many-packages.lock")
    comps = by_key(result)
    actual = {k: (c.direct, c.scope, c.path, c.line) for k, c in comps.items()}
    assert actual == {
        ("certifi", "2024.2.2"): (None, "runtime", ("requests", "certifi"), 13),
        # the requests[socks] entry is the same component; its edges still count
        ("requests", "2.31.0"): (True, "runtime", ("requests",), 23),
        ("pysocks", "1.7.1"): (None, "optional", ("requests", "pysocks"), 52),
        ("urllib3", "2.2.0"): (None, "runtime", ("requests", "urllib3"), 59),
        ("pytest", "8.0.0"): (True, "optional", ("pytest",), 68),
        ("colorama", "0.4.6"): (None, "runtime", ("pytest", "colorama"), 80),
        ("pluggy", "1.4.0"): (None, "optional", ("pytest", "pluggy"), 88),
        ("toml", "0.10.2"): (True, "runtime", ("toml",), 95),  # git
        ("vendored", "1.0.0"): (True, "runtime", ("vendored",), 103),  # non-editable path
    }
    # The editable workspace package is the project's own code: neither kept nor skipped.
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("numpy", "conda-managed package, not a PyPI distribution", 118),
        ("no-version", "no version recorded for this package", 126),
    ]


def test_without_groups_scope_is_unknown() -> None:
    result = parse("no-groups.lock")
    actual = [(c.name, c.direct, c.scope, c.path) for c in result.components]
    assert actual == [
        ("mypy", True, None, ("mypy",)),
        ("mypy-extensions", None, None, ("mypy", "mypy-extensions")),
    ]


def test_syntax_error_has_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed.lock")
    assert info.value.line == 8
    assert info.value.message.startswith("invalid TOML: ")
