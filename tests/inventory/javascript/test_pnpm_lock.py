"""pnpm's pnpm-lock.yaml (lockfileVersion 5.x, 6.x, 9.x)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser, ParseResult
from runink.inventory.pnpm_lock import PnpmLockParser, parse_package_key
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "pnpm"
PARSER = PnpmLockParser()


def parse(name: str) -> ParseResult:
    return PARSER.parse(name, (FIXTURES / name).read_bytes())


def rows(result: ParseResult) -> list[tuple[object, ...]]:
    return [(c.name, c.version, c.line, c.direct, c.scope, c.path) for c in result.components]


def test_protocol_and_claims() -> None:
    parser: Parser = PARSER
    assert parser.format == "pnpm-lock.yaml"
    assert PARSER.claims("pnpm-lock.yaml", b"")
    assert PARSER.claims("a/b/pnpm-lock.yaml", b"")
    assert not PARSER.claims("pnpm-workspace.yaml", b"")
    assert not PARSER.claims("pnpm-lock.yml", b"")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("/lodash/4.17.21", ("lodash", "4.17.21")),
        ("/@babel/core/7.24.0", ("@babel/core", "7.24.0")),
        ("/acorn-jsx/5.3.2_acorn@8.11.3", ("acorn-jsx", "5.3.2")),
        ("/foo/1.4.0_@types+babel__core@7.1.14", ("foo", "1.4.0")),
        ("/pinia/2.0.28_e7lp6ggkpgyi5vqd44m2kxvk6i", ("pinia", "2.0.28")),
        ("registry.npmjs.org/foo/1.1.0", ("foo", "1.1.0")),
        ("registry.npmjs.org/@foo/bar/1.1.0", ("@foo/bar", "1.1.0")),
        ("example.com/foo/1.3.0_bar@2.0.0", ("foo", "1.3.0")),
        ("/react-dom@18.2.0(react@18.2.0)", ("react-dom", "18.2.0")),
        ("/@babel/core@7.24.0(@types/x@1.0.0)", ("@babel/core", "7.24.0")),
        (
            "/scheduler@0.24.0-canary-ab31a9ed2-20230824",
            ("scheduler", "0.24.0-canary-ab31a9ed2-20230824"),
        ),
        ("lodash@4.17.21", ("lodash", "4.17.21")),
        ("@scope/pkg@1.0.0-rc.1(a@1(b@2))(c@3)", ("@scope/pkg", "1.0.0-rc.1")),
        ("axios@1.2.5", ("axios", "1.2.5")),
        ("github.com/kevva/is-positive", None),
        ("/foo/bar", None),
        ("invalidpath", None),
        ("foo@https://codeload.github.com/u/foo/tar.gz/abc", None),
        ("foo@file:../foo", None),
        ("/@scope", None),
    ],
)
def test_parse_package_key(key: str, expected: tuple[str, str] | None) -> None:
    assert parse_package_key(key) == expected


def test_empty() -> None:
    assert parse("empty.yaml") == ParseResult()


def test_one_package_v9() -> None:
    assert rows(parse("one-package.v9.yaml")) == [
        ("left-pad", "1.3.0", 17, True, "runtime", ("left-pad",))
    ]


def test_many_packages_v5() -> None:
    result = parse("many-packages.v5.yaml")
    assert rows(result) == [
        ("@babel/core", "7.24.0", 25, True, "runtime", ("@babel/core",)),
        # two peer variants (one dev, one prod) are one component, runtime
        ("acorn-jsx", "5.3.2", 33, True, "runtime", ("acorn-jsx",)),
        ("acorn", "8.11.3", 47, False, "runtime", ("acorn-jsx", "acorn")),
        ("debug", "4.3.4", 53, False, "runtime", ("@babel/core", "debug")),
        ("fsevents", "2.3.3", 60, True, "optional", ("fsevents",)),
        ("lodash", "3.10.1", 68, True, "runtime", ("lodash",)),  # lodash-old: /lodash/3.10.1
        ("ms", "2.1.2", 72, False, "runtime", ("@babel/core", "debug", "ms")),
        ("semver", "6.3.1", 76, False, "runtime", ("@babel/core", "semver")),
        ("typescript", "5.3.3", 81, True, "dev", ("typescript",)),
        # a package from a non-default registry, read through its registry tarball URL
        ("@acme/private", "1.0.0", 87, False, "runtime", ("@acme/private",)),
    ]
    assert [(s.name, s.line) for s in result.skipped] == [("my-fork", 93), ("vendored", 99)]
    assert result.skipped[0].reason.startswith("git dependency https://codeload.github.com/")
    assert result.skipped[1].reason.startswith("local directory dependency 'vendor/vendored'")


def test_many_packages_v6() -> None:
    result = parse("many-packages.v6.yaml")
    assert rows(result) == [
        ("@types/react", "18.2.48", 25, True, "dev", ("@types/react",)),
        ("js-tokens", "4.0.0", 29, False, "runtime", ("react-dom", "loose-envify", "js-tokens")),
        ("lodash", "3.10.1", 32, True, "runtime", ("lodash",)),
        ("loose-envify", "1.4.0", 36, False, "runtime", ("react-dom", "loose-envify")),
        ("react-dom", "18.2.0", 42, True, "runtime", ("react-dom",)),
        ("react", "18.2.0", 51, False, "runtime", ("react-dom", "react")),
    ]
    ((name, reason),) = [(s.name, s.reason) for s in result.skipped]
    assert name == "my-fork"
    assert reason == (
        "git dependency https://github.com/acme/my-fork.git"
        "#0123456789abcdef0123456789abcdef01234567 is not a registry release"
    )


def test_many_packages_v9_with_workspaces() -> None:
    result = parse("many-packages.v9.yaml")
    assert rows(result) == [
        ("fsevents", "2.3.3", 44, True, "optional", ("fsevents",)),
        ("js-tokens", "4.0.0", 49, False, "runtime", ("react-dom", "loose-envify", "js-tokens")),
        # packages/shared: "lodash-old: npm:lodash@^3.10.1"
        ("lodash", "3.10.1", 52, True, "runtime", ("lodash",)),
        ("loose-envify", "1.4.0", 55, False, "runtime", ("react-dom", "loose-envify")),
        # two peer variants, one runtime (root) and one dev (packages/shared)
        ("react-dom", "18.2.0", 63, True, "runtime", ("react-dom",)),
        ("react", "18.2.0", 68, False, "runtime", ("react-dom", "react")),
        ("react", "18.3.1", 72, False, "dev", ("react-dom", "react")),
        ("typescript", "5.3.3", 76, True, "dev", ("typescript",)),
    ]
    assert [(s.name, s.line) for s in result.skipped] == [("my-fork", 59), ("vendored", 81)]
    # The workspace link (@acme/shared: link:packages/shared) is the project itself.
    assert all(c.name != "@acme/shared" for c in result.components)


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("malformed.yaml", "invalid YAML", 8),
        ("aliases-refused.yaml", "YAML aliases are not allowed", 6),
        ("packages-not-a-mapping.yaml", "packages: expected a mapping", 3),
    ],
)
def test_malformed(name: str, message: str, line: int) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse(name)
    assert info.value.line == line
    assert str(info.value).startswith(f"{name}:{line}: ")


@pytest.mark.parametrize("data", [b"just text\n", b"- a\n- b\n", b"[" * 100_000])
def test_not_a_lockfile(data: bytes) -> None:
    with pytest.raises(ParseError):
        PARSER.parse("pnpm-lock.yaml", data)


def test_versions_stay_strings() -> None:
    # Plain YAML would read 1.10 and 5.10 as floats (1.1, 5.1).
    data = b"lockfileVersion: 5.10\ndependencies:\n  a: 1.10.0\npackages:\n  /a/1.10.0:\n    dev: false\n"
    (component,) = PARSER.parse("pnpm-lock.yaml", data).components
    assert (component.name, component.version, component.direct) == ("a", "1.10.0", True)


def test_environment_document_is_passed_over() -> None:
    data = (
        b"---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\n"
        b"---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n"
        b"      a: {specifier: ^1.0.0, version: 1.0.0}\npackages:\n  a@1.0.0: {}\n"
        b"snapshots:\n  a@1.0.0: {}\n"
    )
    (component,) = PARSER.parse("pnpm-lock.yaml", data).components
    assert (component.name, component.version, component.line, component.direct) == (
        "a",
        "1.0.0",
        13,
        True,
    )


# ----------------------------------------------------------------------------- shared data

SHARED_EXPECTED: dict[str, tuple[int, int] | None] = {
    "empty.yaml": (0, 0),
    "exotic.yaml": (7, 2),
    # Valid lockfiles with one unreadable package key each: the key is Skipped, the rest read.
    "invalid-path.yaml": (1, 1),
    "invalid-paths.yaml": (1, 2),
    # A 5.4 file with one 9.x-style key (axios@1.2.5): keys are read by shape, so it is read.
    "invalid-package-path.yaml": (9, 0),
    "missing-packages.yaml": (0, 0),
    "mixed-groups.v53.yaml": (3, 0),
    "mixed-groups.v54.yaml": (3, 0),
    "mixed-groups.v6.yaml": (3, 0),
    "mixed-groups.v9.yaml": (3, 0),
    "multiple-packages.yaml": (14, 0),
    "no-packages.v9.yaml": (0, 0),
    "no-packages.yaml": (0, 0),
    "not-yaml.txt": None,
    "one-package-dev.v9.yaml": (1, 0),
    "one-package-dev.yaml": (1, 0),
    "one-package.yaml": (1, 0),
    "peer-dependencies-advanced-rc-v6.yaml": (5, 0),
    "peer-dependencies-advanced-v6.yaml": (5, 0),
    "peer-dependencies-advanced.v9.yaml": (13, 0),
    "peer-dependencies-v6.yaml": (5, 0),
    "peer-dependencies.yaml": (2, 0),
    "scoped-packages.v9.yaml": (1, 0),
    "scoped-packages.yaml": (1, 0),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("directory", ["osv-scalibr/javascript/pnpmlock", "osv-scanner-v1/pnpm"])
def test_shared_fixtures(directory: str) -> None:
    folder = shared_path("lockfile-fixtures", *directory.split("/"))
    files = sorted(p.name for p in folder.iterdir())
    assert files, folder
    for name in files:
        expected = SHARED_EXPECTED[name]
        data = (folder / name).read_bytes()
        if expected is None:
            with pytest.raises(ParseError):
                PARSER.parse(name, data)
            continue
        result = PARSER.parse(name, data)
        assert (len(result.components), len(result.skipped)) == expected, name


@pytest.mark.shared_data
def test_shared_exotic_and_groups() -> None:
    folder = shared_path("lockfile-fixtures", "osv-scalibr", "javascript", "pnpmlock")
    exotic = PARSER.parse("e", (folder / "exotic.yaml").read_bytes())
    assert [(c.name, c.version) for c in exotic.components] == [
        ("foo", "1.0.0"),
        ("@foo/bar", "1.0.0"),
        ("foo", "1.1.0"),
        ("@foo/bar", "1.1.0"),
        ("foo", "1.2.0"),
        ("foo", "1.3.0"),
        ("foo", "1.4.0"),
    ]
    assert [s.name for s in exotic.skipped] == ["github.com/kevva/is-positive", "/foo/bar"]
    for name in ("mixed-groups.v53.yaml", "mixed-groups.v6.yaml", "mixed-groups.v9.yaml"):
        result = PARSER.parse(name, (folder / name).read_bytes())
        scopes = {c.name: (c.scope, c.direct) for c in result.components}
        assert scopes == {
            "ansi-regex": ("runtime", True),
            "is-number": ("dev", True),
            "uuid": ("optional", True),
        }, name
    peers = PARSER.parse("p", (folder / "peer-dependencies-advanced.v9.yaml").read_bytes())
    versions = {(c.name, c.version) for c in peers.components}
    assert ("@typescript-eslint/eslint-plugin", "5.62.0") in versions
    assert all("(" not in c.version for c in peers.components)


@pytest.mark.shared_data
def test_real_lockfile_paperless() -> None:
    data = shared_path("real-lockfiles", "paperless-ngx", "src-ui", "pnpm-lock.yaml").read_bytes()
    result = PARSER.parse("pnpm-lock.yaml", data)
    assert result.skipped == ()
    text = data.decode()
    section = text[text.index("\npackages:\n") : text.index("\nsnapshots:\n")]
    keys = [line for line in section.splitlines() if line.startswith("  ") and line[2] != " "]
    assert len(keys) == 1332
    assert len(result.components) == 1332
    by_key = {(c.name, c.version): c for c in result.components}
    angular = by_key["@angular/core", "22.1.0"]
    assert angular.direct is True
    assert angular.scope == "runtime"
    assert angular.line is not None
    assert text.splitlines()[angular.line - 1] == "  '@angular/core@22.1.0':"
    assert {c.scope for c in result.components} == {"runtime", "dev", "optional"}
    assert sum(1 for c in result.components if c.direct) == 52
    assert all("(" not in c.version and "_" not in c.version for c in result.components)
