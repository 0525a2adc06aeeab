from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.base import ParseResult
from runink.inventory.uv_lock import UvLockParser

from .helpers import FIXTURES, by_key, names_versions, parse_fixture

PARSER = UvLockParser()


def parse(name: str) -> ParseResult:
    return parse_fixture(PARSER, "uv", name)


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [("uv.lock", True), ("sub/uv.lock", True), ("uv.lock.bak", False), ("poetry.lock", False)],
)
def test_claims(filename: str, claimed: bool) -> None:
    assert PARSER.claims(filename, b"") is claimed


@pytest.mark.parametrize("name", ["empty-file.lock", "no-packages.lock"])
def test_empty(name: str) -> None:
    result = parse(name)
    assert result.components == ()
    assert result.skipped == ()


def test_one_package_and_the_project_root() -> None:
    result = parse("one-package.lock")
    # The editable root "app" is the project itself, not a component.
    assert names_versions(result) == [("idna", "3.6")]
    comp = result.components[0]
    assert comp.line == 16
    assert (comp.direct, comp.scope, comp.path) == (True, "runtime", ("idna",))
    assert comp.source == "fixtures/uv/one-package.lock"
    assert result.skipped == ()


def test_many_packages_graph_scopes_and_paths() -> None:
    result = parse("many-packages.lock")
    comps = by_key(result)
    assert len(comps) == 10
    expected = {
        # name, version: direct, scope, path, line
        # direct in the "lint" group, and at runtime through httpx: the path explains the scope
        ("anyio", "4.2.0"): (True, "runtime", ("httpx", "anyio"), 9),
        ("httpx", "0.26.0"): (True, "runtime", ("httpx",), 21),
        ("idna", "3.6"): (False, "runtime", ("httpx", "idna"), 38),
        ("numpy", "1.26.4"): (True, "runtime", ("numpy",), 78),
        ("numpy", "2.0.0"): (True, "runtime", ("numpy",), 86),
        ("orjson", "3.9.10"): (True, "optional", ("orjson",), 94),
        ("pluggy", "1.4.0"): (False, "dev", ("pytest", "pluggy"), 99),
        ("pytest", "8.0.0"): (True, "dev", ("pytest",), 104),
        ("sniffio", "1.3.0"): (False, "runtime", ("httpx", "anyio", "sniffio"), 112),
        # httpx[socks] pulls httpx's optional dependency.
        ("socksio", "1.0.0"): (False, "runtime", ("httpx", "socksio"), 117),
    }
    actual = {k: (c.direct, c.scope, c.path, c.line) for k, c in comps.items()}
    assert actual == expected


def test_workspace_members_manifest_and_extras_of_members() -> None:
    result = parse("workspace.lock")
    comps = by_key(result)
    actual = {k: (c.direct, c.scope, c.path) for k, c in comps.items()}
    assert actual == {
        # plugin depends on core[cli]: core's "cli" extra is plugin's own dependency.
        ("click", "8.1.7"): (True, "runtime", ("click",)),
        ("pydantic", "2.5.3"): (True, "runtime", ("pydantic",)),
        ("typing-extensions", "4.9.0"): (False, "runtime", ("pydantic", "typing-extensions")),
        ("rich", "13.7.0"): (True, "runtime", ("rich",)),  # [manifest] requirements
        ("ruff", "0.5.0"): (True, "dev", ("ruff",)),  # [manifest.dependency-groups]
        ("types-tools", "1.0"): (True, "dev", ("types-tools",)),
        ("types-extra", "2.0"): (False, "dev", ("types-tools", "types-extra")),
        # Nothing reaches it: kept, with what is unknown left unknown.
        ("orphan", "0.1"): (None, None, ()),
    }
    # Members ("core" without a version, "plugin") are roots, never components or skips.
    assert result.skipped == ()


def test_sources_are_kept_with_their_version_and_duplicates_merged() -> None:
    result = parse("sources.lock")
    assert names_versions(result) == [
        ("from-directory", "0.0.1"),
        ("from-git", "0.2.0"),
        ("from-path", "1.2.3"),
        ("from-url", "4.5.6"),
        ("psycopg-c", "3.1.0"),  # registry and URL wheel: one component
    ]
    assert by_key(result)[("psycopg-c", "3.1.0")].line == 43
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("no-version", "no version recorded for this package", 39)
    ]
    assert all(c.direct is True and c.scope == "runtime" for c in result.components)


def test_without_a_root_sources_are_direct() -> None:
    result = parse("no-root.lock")
    actual = [(c.name, c.direct, c.scope, c.path) for c in result.components]
    assert actual == [
        ("top", True, None, ("top",)),
        ("middle", None, None, ("top", "middle")),
        ("bottom", None, None, ("top", "middle", "bottom")),
    ]


def test_syntax_error_inside_a_hash_list_keeps_its_line() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed.lock")
    assert info.value.line == 10
    assert info.value.message.startswith("invalid TOML: ")


def test_duplicate_key_is_still_an_error() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed-duplicate.lock")
    assert info.value.line == 12


def test_version_of_wrong_type() -> None:
    with pytest.raises(ParseError) as info:
        parse("malformed-version.lock")
    assert info.value.line == 1
    assert "'version' must be an integer" in info.value.message


def test_package_not_an_array() -> None:
    with pytest.raises(ParseError) as info:
        PARSER.parse("uv.lock", b'version = 1\npackage = "x"\n')
    assert info.value.line == 2


def test_entry_without_a_valid_name_is_skipped() -> None:
    body = (
        b'version = 1\n\n[[package]]\nversion = "1.0"\n\n'
        b'[[package]]\nname = "bad name"\nversion = "2.0"\n\n'
        b'[[package]]\nname = "good"\nversion = "3.0"\n'
    )
    result = PARSER.parse("uv.lock", body)
    assert names_versions(result) == [("good", "3.0")]
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("", "package entry without a name", 3),
        ("bad name", "not a valid Python package name", 6),
    ]


def test_crlf_line_endings() -> None:
    data = (FIXTURES / "uv" / "many-packages.lock").read_bytes().replace(b"\n", b"\r\n")
    crlf = PARSER.parse("uv.lock", data)
    lf = parse("many-packages.lock")
    assert [(c.name, c.version, c.line, c.path) for c in crlf.components] == [
        (c.name, c.version, c.line, c.path) for c in lf.components
    ]
