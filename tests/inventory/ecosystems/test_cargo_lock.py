from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.cargo_lock import CargoLockParser

from ._util import keys, parse_fixture

P = CargoLockParser()


def test_claims() -> None:
    assert P.claims("Cargo.lock", b"")
    assert not P.claims("Cargo.toml", b"")
    assert not P.claims("cargo.lock", b"")


def test_empty() -> None:
    result = parse_fixture(P, "cargo_lock", "empty.lock")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "cargo_lock", "one-package.lock")
    [itoa] = result.components
    assert (itoa.ecosystem, itoa.name, itoa.version) == ("crates.io", "itoa", "1.0.11")
    assert itoa.line == 5
    assert itoa.direct is None  # no workspace crate in the file to tell from
    assert result.skipped == ()


def test_many_packages_workspace_git_and_other_registry() -> None:
    result = parse_fixture(P, "cargo_lock", "many-packages.lock")
    assert keys(result) == [
        ("serde", "1.0.196"),
        ("syn", "1.0.109"),
        ("syn", "2.0.48"),
        ("tokio", "1.36.0"),  # the sparse crates.io index is crates.io too
        ("mio", "0.8.10"),
    ]
    lines = {(c.name, c.version): c.line for c in result.components}
    assert lines[("serde", "1.0.196")] == 35
    assert lines[("mio", "0.8.10")] == 63
    direct = {(c.name, c.version): c.direct for c in result.components}
    # "app" and "helper" have no source: workspace crates, not components; their
    # dependencies ("syn 2.0.48" from app, "syn 1.0.109" from helper) are direct.
    assert direct == {
        ("serde", "1.0.196"): True,
        ("syn", "1.0.109"): True,
        ("syn", "2.0.48"): True,
        ("tokio", "1.36.0"): True,
        ("mio", "0.8.10"): False,
    }
    assert [(s.name, s.line) for s in result.skipped] == [("patched", 24), ("private-crate", 29)]
    assert "git dependency" in result.skipped[0].reason
    assert "not crates.io" in result.skipped[1].reason


def test_lockfile_v1_root_and_metadata() -> None:
    result = parse_fixture(P, "cargo_lock", "v1-root-and-metadata.lock")
    assert keys(result) == [("libc", "0.2.20"), ("rand", "0.3.15")]
    assert [c.direct for c in result.components] == [True, False]
    assert [c.line for c in result.components] == [8, 13]


def test_hand_edited_file_goes_through_full_toml_parser() -> None:
    result = parse_fixture(P, "cargo_lock", "hand-edited.lock")
    assert keys(result) == [("regex", "1.10.3"), ("memchr", "2.7.1")]
    assert [c.line for c in result.components] == [4, 10]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-toml.lock", 5, "not valid TOML"),
        ("malformed-missing-version.lock", 8, "'memchr' has no 'version'"),
        ("malformed-duplicate-key.lock", 6, "not valid TOML"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "cargo_lock", name)
    assert info.value.line == line
    assert message in info.value.message


def test_package_must_be_array_of_tables() -> None:
    with pytest.raises(ParseError, match="array of tables"):
        P.parse("Cargo.lock", b'version = 3\npackage = "nope"\n')
