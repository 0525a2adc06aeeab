from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.go_mod import GoModParser, go_release_to_semver

from ._util import by_name, keys, parse_fixture

P = GoModParser()


def test_claims_only_go_mod() -> None:
    assert P.claims("go.mod", b"module x")
    assert not P.claims("go.sum", b"")
    assert not P.claims("go.mod.bak", b"")


def test_empty_file_has_no_components() -> None:
    result = parse_fixture(P, "go_mod", "empty.mod")
    assert result.components == () and result.skipped == ()


def test_one_package_and_stdlib_from_go_directive() -> None:
    result = parse_fixture(P, "go_mod", "one-package.mod")
    assert keys(result) == [("github.com/google/uuid", "v1.6.0"), ("stdlib", "1.22.4")]
    uuid = result.components[0]
    assert uuid.ecosystem == "Go"
    assert uuid.line == 5 and uuid.direct is True and uuid.scope is None
    assert uuid.source == "fixtures/go_mod/one-package.mod"
    stdlib = result.components[1]
    assert stdlib.line == 3 and stdlib.scope == "toolchain" and stdlib.direct is None


def test_many_packages() -> None:
    result = parse_fixture(P, "go_mod", "many-packages.mod")
    comps = by_name(result)
    assert keys(result) == [
        ("github.com/BurntSushi/toml", "v1.3.2"),
        ("github.com/quoted/path", "v0.4.0"),
        ("golang.org/x/text", "v0.14.0"),
        ("golang.org/x/sys", "v0.0.0-20231030173426-1a0b4e3ad3b2"),
        ("github.com/docker/docker", "v24.0.7+incompatible"),
        ("github.com/ourfork/lib", "v1.0.1-patched"),
        ("github.com/any/version", "v1.1.1"),
        ("github.com/single/line", "v2.0.0-beta.1"),
        ("stdlib", "1.22.5"),  # the toolchain line wins over "go 1.22"
    ]
    assert comps["github.com/BurntSushi/toml"].direct is True
    assert comps["golang.org/x/text"].direct is False
    assert comps["golang.org/x/sys"].direct is False  # "// indirect; explained"
    assert comps["github.com/single/line"].direct is False
    assert comps["github.com/single/line"].line == 24
    # A replaced requirement keeps the line of its require entry.
    assert comps["github.com/ourfork/lib"].line == 19
    assert comps["stdlib"].line == 6
    [skip] = result.skipped
    assert skip.name == "github.com/vendored/lib" and skip.line == 20
    assert "local directory './third_party/lib'" in skip.reason


def test_versioned_replace_beats_wildcard_and_other_versions_do_not_apply() -> None:
    result = parse_fixture(P, "go_mod", "replace-precedence.mod")
    assert keys(result) == [
        ("example.com/a-exact", "v1.2.1"),
        ("example.com/b", "v1.0.0"),
        ("stdlib", "1.21.0"),
    ]


def test_excluded_version_is_skipped() -> None:
    result = parse_fixture(P, "go_mod", "exclude.mod")
    assert keys(result) == [("example.com/kept", "v1.0.0"), ("stdlib", "1.20.0")]
    [skip] = result.skipped
    assert skip.name == "example.com/dropped" and skip.line == 7
    assert "excluded" in skip.reason


def test_non_canonical_versions_are_skipped() -> None:
    result = parse_fixture(P, "go_mod", "non-canonical-version.mod")
    assert keys(result) == [("example.com/good", "v1.2.3")]
    assert [(s.name, s.line) for s in result.skipped] == [
        ("example.com/branch", 4),
        ("example.com/short", 5),
    ]


def test_replacement_without_version_is_skipped() -> None:
    result = parse_fixture(P, "go_mod", "replace-without-version.mod")
    assert result.components == ()
    assert [(s.name, s.line) for s in result.skipped] == [("example.com/lib", 3)]


def test_release_candidate_go_directive() -> None:
    result = parse_fixture(P, "go_mod", "go-release-candidate.mod")
    assert keys(result) == [("stdlib", "1.21.0-rc.2")]


def test_toolchain_default_falls_back_to_go_directive() -> None:
    result = parse_fixture(P, "go_mod", "toolchain-default.mod")
    assert keys(result) == [("stdlib", "1.23.1")]
    assert result.components[0].line == 3


def test_crlf_line_endings() -> None:
    result = parse_fixture(P, "go_mod", "crlf.mod")
    assert keys(result) == [("example.com/crlf", "v1.0.0"), ("stdlib", "1.22.1")]
    assert result.components[0].direct is False and result.components[0].line == 6


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-unclosed-block.mod", 5, "never closed"),
        ("malformed-require-arity.mod", 5, "require needs"),
        ("malformed-unknown-directive.mod", 4, "unknown directive 'requires'"),
        ("malformed-unterminated-string.mod", 3, "unterminated"),
        ("malformed-replace.mod", 5, "replace needs"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "go_mod", name)
    assert info.value.line == line
    assert message in info.value.message
    assert str(info.value).startswith(f"fixtures/go_mod/{name}:{line}: ")


def test_undecodable_bytes() -> None:
    with pytest.raises(ParseError) as info:
        P.parse("go.mod", b"module x\n\nrequire a.b/c v1.0.0 // \xff\n")
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ("1.16", "1.16.0"),
        ("1.21.0", "1.21.0"),
        ("1.22.10", "1.22.10"),
        ("1.21rc1", "1.21.0-rc.1"),
        ("1.19beta2", "1.19.0-beta.2"),
        ("go1.23.6", "1.23.6"),
        ("go1.23.6-custom", "1.23.6"),
        ("go1.23.6+auto", "1.23.6"),
        ("1.21.1rc1", None),
        ("latest", None),
        ("1", None),
    ],
)
def test_go_release_to_semver(release: str, expected: str | None) -> None:
    assert go_release_to_semver(release) == expected
