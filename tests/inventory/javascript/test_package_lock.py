"""npm's package-lock.json / npm-shrinkwrap.json."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser, ParseResult
from runink.inventory.package_lock import PackageLockParser
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "package-lock"
PARSER = PackageLockParser()


def parse(name: str) -> ParseResult:
    return PARSER.parse(f"web/{name}", (FIXTURES / name).read_bytes())


def rows(result: ParseResult) -> list[tuple[object, ...]]:
    return [(c.name, c.version, c.line, c.direct, c.scope, c.path) for c in result.components]


def test_satisfies_the_parser_protocol() -> None:
    parser: Parser = PARSER
    assert parser.format == "package-lock.json"


@pytest.mark.parametrize(
    ("filename", "claimed"),
    [
        ("package-lock.json", True),
        ("npm-shrinkwrap.json", True),
        ("app/package-lock.json", True),
        ("package.json", False),
        ("package-lock.json.bak", False),
        ("yarn.lock", False),
    ],
)
def test_claims_by_base_name(filename: str, claimed: bool) -> None:
    assert PARSER.claims(filename, b"{") is claimed


def test_empty() -> None:
    result = parse("empty.json")
    assert result.components == ()
    assert result.skipped == ()


def test_one_package() -> None:
    result = parse("one-package.json")
    (component,) = result.components
    assert component.ecosystem == "npm"
    assert (component.name, component.version) == ("left-pad", "1.3.0")
    assert component.source == "web/one-package.json"
    assert component.line == 14
    assert component.direct is True
    assert component.scope == "runtime"
    assert component.path == ("left-pad",)


def test_many_packages() -> None:
    assert rows(parse("many-packages.json")) == [
        ("@babel/core", "7.24.0", 25, True, "runtime", ("@babel/core",)),
        ("semver", "6.3.1", 33, False, "runtime", ("@babel/core", "semver")),
        ("debug", "4.3.4", 37, False, "runtime", ("@babel/core", "debug")),
        ("express", "4.18.2", 44, True, "runtime", ("express",)),
        ("debug", "2.6.9", 52, False, "runtime", ("express", "debug")),
        # express/node_modules/ms and watcher/node_modules/ms: one component, first line,
        # the most production-like scope.
        ("ms", "2.0.0", 59, False, "runtime", ("express", "debug", "ms")),
        ("fsevents", "2.3.3", 63, True, "optional", ("fsevents",)),
        ("jest", "29.7.0", 71, True, "dev", ("jest",)),
        ("js-tokens", "4.0.0", 80, False, "peer", ("react", "js-tokens")),
        # "lodash-legacy": "npm:lodash@^3.10.1" is the real package lodash.
        ("lodash", "3.10.1", 85, True, "runtime", ("lodash",)),
        ("ms", "2.1.2", 90, False, "runtime", ("@babel/core", "debug", "ms")),
        ("react", "18.2.0", 94, True, "peer", ("react",)),
        ("semver", "7.6.0", 102, False, "dev", ("jest", "semver")),
        ("send", "0.18.0", 107, False, "runtime", ("express", "send")),
        ("ms", "2.1.3", 114, False, "runtime", ("express", "send", "ms")),  # inBundle
        ("watcher", "1.2.0", 119, False, "optional", ("jest", "watcher")),  # devOptional
    ]


def test_workspaces_links_and_non_registry_sources() -> None:
    result = parse("workspaces-and-non-registry.json")
    assert rows(result) == [
        # Reached through the skipped git dependency: still a real, installed package.
        ("chalk", "4.1.2", 30, False, "runtime", ("forked-lib", "chalk")),
        # A private registry's tarball URL has the registry form.
        ("internal-lib", "2.3.4", 34, True, "runtime", ("internal-lib",)),
        # The version comes from the registry tarball URL when the entry has none.
        ("no-version", "1.0.0", 50, False, "runtime", ("no-version",)),
        # A dependency of the workspace packages/api is direct.
        ("uuid", "9.0.1", 61, True, "runtime", ("uuid",)),
    ]
    skipped = {(s.name, s.line): s.reason for s in result.skipped}
    assert set(skipped) == {
        ("forked-lib", 23),
        ("local-tarball", 38),
        ("remote-tarball", 42),
        ("not-an-object", 53),
        ("vendored", 65),
    }
    assert skipped["forked-lib", 23].startswith("git dependency git+ssh://git@github.com/acme/")
    assert "(declares version 2.0.0)" in skipped["forked-lib", 23]
    assert skipped["local-tarball", 38].startswith("local dependency file:local-tarball")
    # Credentials in URLs never reach a message.
    assert "s3cret" not in skipped["remote-tarball", 42]
    assert "https://***@cdn.example.com/remote-tarball.tgz" in skipped["remote-tarball", 42]
    assert "expected an object" in skipped["not-an-object", 53]
    assert "vendor/vendored" in skipped["vendored", 65]
    # The workspace package itself (packages/api, @acme/api) is the project: not reported.
    assert all("api" not in s.name for s in result.skipped)


def test_lockfile_v1_nested() -> None:
    result = parse("v1-nested.json")
    assert rows(result) == [
        ("accepts", "1.3.8", 7, None, "runtime", ("express", "accepts")),
        ("debug", "4.3.4", 15, None, "dev", ("debug",)),
        ("express", "4.17.1", 23, None, "runtime", ("express",)),
        ("debug", "2.6.9", 31, None, "runtime", ("express", "debug")),
        ("ms", "2.0.0", 38, None, "runtime", ("express", "debug", "ms")),
        ("mime-types", "2.1.35", 44, None, "runtime", ("express", "accepts", "mime-types")),
        ("ms", "2.1.2", 48, None, "dev", ("debug", "ms")),
        ("negotiator", "0.6.3", 53, None, "runtime", ("express", "accepts", "negotiator")),
        ("lodash", "4.17.20", 57, None, "runtime", ("lodash",)),  # "npm:lodash@4.17.20"
        ("fsevents", "1.2.13", 61, None, "optional", ("fsevents",)),
        ("cdn-tarball", "1.0.1", 73, None, "runtime", ("cdn-tarball",)),
    ]
    assert [(s.name, s.line) for s in result.skipped] == [("my-fork", 66), ("local-helper", 70)]
    assert result.skipped[0].reason.startswith("git dependency git+https://github.com/acme/")
    assert (
        result.skipped[1].reason
        == "local dependency file:../local-helper is not a registry package"
    )


def test_shrinkwrap_is_the_same_format() -> None:
    data = (FIXTURES / "one-package.json").read_bytes()
    assert PARSER.parse("npm-shrinkwrap.json", data).components[0].name == "left-pad"


def test_byte_order_mark_is_ignored() -> None:
    data = b"\xef\xbb\xbf" + (FIXTURES / "one-package.json").read_bytes()
    (component,) = PARSER.parse("package-lock.json", data).components
    assert component.line == 14


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("malformed-missing-comma.json", "invalid JSON", 6),
        ("malformed-packages-not-object.json", "packages: expected an object", None),
        ("malformed-lockfile-version.json", "lockfileVersion: expected an integer", None),
    ],
)
def test_malformed(name: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse(name)
    assert info.value.line == line
    assert str(info.value).startswith(f"web/{name}")


@pytest.mark.parametrize("data", [b"", b"null", b"[]", b'"text"', b"[" * 5000])
def test_not_a_lockfile(data: bytes) -> None:
    with pytest.raises(ParseError):
        PARSER.parse("package-lock.json", data)


def test_shrinkwrap_without_lockfile_version_is_read_as_v1() -> None:
    data = b'{"name": "old", "dependencies": {"a": {"version": "1.0.0"}}}'
    (component,) = PARSER.parse("npm-shrinkwrap.json", data).components
    assert (component.name, component.version, component.line) == ("a", "1.0.0", 1)


def test_v2_without_packages_falls_back_to_dependencies() -> None:
    data = b'{"lockfileVersion": 2, "dependencies": {"a": {"version": "1.0.0"}}}'
    (component,) = PARSER.parse("package-lock.json", data).components
    assert (component.name, component.version) == ("a", "1.0.0")


# ----------------------------------------------------------------------------- shared data

SHARED_EXPECTED: dict[str, tuple[int, int] | None] = {
    # file: (components, skipped), or None for a ParseError
    "bundled-dependencies.v3.json": (3, 0),
    "commits.v1.json": (2, 13),
    "commits.v2.json": (2, 12),
    "empty.v1.json": (0, 0),
    "empty.v2.json": (0, 0),
    "nested-dependencies-dup.v2.json": (2, 0),
    "nested-dependencies.v1.json": (5, 0),
    "not-json.txt": None,
    "null.v2.jsontest": None,
    "one-package-dev.v2.json": (1, 0),
    "one-package.v1.json": (1, 0),
    "optional-package.v2.json": (2, 0),
    "same-package-different-groups.v1.json": (3, 0),
    "scoped-packages.v2.json": (2, 0),
    "two-packages.v1.json": (2, 0),
}
SHARED_DIRS = ("osv-scalibr/javascript/packagelockjson", "osv-scanner-v1/npm")


@pytest.mark.shared_data
@pytest.mark.parametrize("directory", SHARED_DIRS)
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
def test_shared_commits_v2() -> None:
    path = shared_path(
        "lockfile-fixtures", "osv-scalibr", "javascript", "packagelockjson", "commits.v2.json"
    )
    result = PARSER.parse(path.name, path.read_bytes())
    assert [(c.name, c.version, c.direct) for c in result.components] == [
        ("ansi-styles", "1.0.0", False),
        ("postcss-calc", "7.0.1", False),
    ]
    reasons = {s.name: s.reason for s in result.skipped}
    assert "dummy-token" not in reasons["is-number-5"]
    assert reasons["raven-js"].startswith("git dependency git+ssh://git@github.com/getsentry/")


@pytest.mark.shared_data
def test_shared_bundled_and_nested() -> None:
    folder = shared_path("lockfile-fixtures", "osv-scalibr", "javascript", "packagelockjson")
    bundled = PARSER.parse("b", (folder / "bundled-dependencies.v3.json").read_bytes())
    assert [(c.name, c.version, c.direct, c.scope) for c in bundled.components] == [
        ("ansi-regex", "6.2.2", False, "runtime"),
        ("semver", "7.7.2", True, "dev"),
        ("strip-ansi", "7.1.2", True, "runtime"),
    ]
    nested = PARSER.parse("n", (folder / "nested-dependencies.v1.json").read_bytes())
    assert [(c.name, c.version, c.line) for c in nested.components] == [
        ("postcss", "6.0.23", 5),
        ("postcss-calc", "7.0.1", 15),
        ("postcss", "7.0.16", 26),
        ("supports-color", "6.1.0", 36),
        ("supports-color", "5.5.0", 46),
    ]


@pytest.mark.shared_data
def test_real_lockfile_warehouse() -> None:
    path = shared_path("real-lockfiles", "warehouse", "package-lock.json")
    data = path.read_bytes()
    result = PARSER.parse("package-lock.json", data)
    assert result.skipped == ()

    # Cross-check: every installed entry, aliases read through their "name" field.
    packages = orjson.loads(data)["packages"]
    installed = {
        (entry.get("name") or key.rsplit("node_modules/", 1)[1], entry["version"])
        for key, entry in packages.items()
        if key
    }
    assert len(packages) - 1 == 1064
    assert len(result.components) == len(installed) == 999
    assert {(c.name, c.version) for c in result.components} == installed

    by_key = {(c.name, c.version): c for c in result.components}
    assert by_key["@babel/core", "7.29.6"].line == 115
    assert by_key["@babel/core", "7.29.6"].direct is True
    assert by_key["@babel/core", "7.29.6"].scope == "dev"
    assert by_key["date-fns", "4.1.0"].line == 6750
    assert by_key["date-fns", "4.1.0"].scope == "runtime"
    assert by_key["jquery", "3.7.1"].line == 9750
    assert by_key["webpack", "5.105.4"].line == 14254
    assert {v for (n, v) in by_key if n == "semver"} == {"6.3.1", "7.7.4", "7.8.5"}
    assert ("string-width", "4.2.3") in by_key  # string-width-cjs -> npm:string-width
    assert not any(n.endswith("-cjs") for n, _ in by_key)
    root = packages[""]
    declared = set(root["dependencies"]) | set(root["devDependencies"])
    assert {c.name for c in result.components if c.direct} == declared
    assert all(c.path and c.path[-1] == c.name for c in result.components)
