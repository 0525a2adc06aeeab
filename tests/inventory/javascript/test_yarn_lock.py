"""Yarn's yarn.lock, classic (v1) and berry (v2+)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser, ParseResult
from runink.inventory.yarn_lock import YarnLockParser
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "yarn"
PARSER = YarnLockParser()


def parse(name: str) -> ParseResult:
    return PARSER.parse(name, (FIXTURES / name).read_bytes())


def rows(result: ParseResult) -> list[tuple[object, ...]]:
    return [(c.name, c.version, c.line, c.direct, c.path) for c in result.components]


def test_protocol_and_claims() -> None:
    parser: Parser = PARSER
    assert parser.format == "yarn.lock"
    assert PARSER.claims("yarn.lock", b"")
    assert PARSER.claims("sub/dir/yarn.lock", b"")
    assert not PARSER.claims("yarn.lock.orig", b"")
    assert not PARSER.claims("package-lock.json", b"")


@pytest.mark.parametrize("name", ["classic-empty.lock", "berry-empty.lock"])
def test_empty(name: str) -> None:
    result = parse(name)
    assert result.components == ()
    assert result.skipped == ()


def test_classic_one_package() -> None:
    (component,) = parse("classic-one-package.lock").components
    assert (component.ecosystem, component.name, component.version) == ("npm", "left-pad", "1.3.0")
    assert component.line == 5
    assert component.direct is None  # a classic yarn.lock does not record the root
    assert component.scope is None
    assert component.path == ("left-pad",)


def test_classic_many_packages() -> None:
    result = parse("classic-many-packages.lock")
    assert rows(result) == [
        ("@babel/code-frame", "7.22.13", 5, None, ("@babel/code-frame",)),
        ("@babel/highlight", "7.22.20", 13, None, ("@babel/code-frame", "@babel/highlight")),
        ("chalk", "2.4.2", 20, None, ("@babel/code-frame", "chalk")),
        # reached through the skipped git dependency my-fork
        ("chalk", "4.1.2", 28, None, ("my-fork", "chalk")),
        ("fsevents", "2.3.3", 34, None, ("@babel/code-frame", "chalk", "fsevents")),
        ("js-tokens", "4.0.0", 38, None, ("@babel/code-frame", "@babel/highlight", "js-tokens")),
        ("lodash", "3.10.1", 42, None, ("lodash",)),  # lodash3@npm:lodash@^3.10.1
        ("supports-color", "5.5.0", 46, None, ("@babel/code-frame", "chalk", "supports-color")),
        ("supports-color", "7.2.0", 50, None, ("my-fork", "chalk", "supports-color")),
        ("typescript", "5.3.3", 54, None, ("typescript",)),  # a quoted range with spaces
        ("internal", "2.0.0", 67, None, ("internal",)),  # a private registry's tarball
    ]
    skipped = [(s.name, s.line, s.reason) for s in result.skipped]
    assert skipped == [
        (
            "my-fork",
            58,
            "git dependency git+https://github.com/acme/my-fork.git#v1.2.0 "
            "(declares version 1.2.0) is not a registry release",
        ),
        (
            "local-helper",
            64,
            "local dependency file:./packages/local-helper is not a registry package",
        ),
        (
            "cdn-lib",
            71,
            "tarball dependency https://cdn.example.com/cdn-lib.tgz (declares version 0.5.0) "
            "is not a registry release",
        ),
    ]


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("classic-malformed-indentation.lock", "unexpected indentation of 3 spaces", 6),
        ("classic-malformed-header.lock", "expected an entry header ending in ':'", 7),
        ("classic-merge-conflict.lock", "unresolved merge conflict marker", 5),
        ("classic-malformed-string.lock", "cannot read entry header", 4),
        ("berry-malformed.lock", "invalid YAML", 9),
        ("berry-aliases-refused.lock", "YAML aliases are not allowed", 9),
        ("berry-not-a-mapping.lock", "expected one YAML document", None),
    ],
)
def test_malformed(name: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse(name)
    assert info.value.line == line
    assert str(info.value).startswith(name)


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b'  version "1.0.0"\n', "indented line before any entry header", 1),
        (b'a@^1:\n    b "1"\n', "no open block", 2),
        (b'a@^1:\n  version "1.0.0\n', "unterminated string", 2),
        (b'a@^1:\n\tversion "1.0.0"\n', "tabs are not allowed", 2),
        (b'a@^1:\n  version "1"\n\xff:\n', "not valid UTF-8", 3),
        (b'a@^1, :\n  version "1"\n', "empty descriptor", 1),
    ],
)
def test_classic_malformed_inline(data: bytes, message: str, line: int) -> None:
    with pytest.raises(ParseError, match=message) as info:
        PARSER.parse("yarn.lock", data)
    assert info.value.line == line


def test_classic_entry_without_version_is_skipped() -> None:
    result = PARSER.parse("yarn.lock", b'a@^1.0.0:\n  resolved "https://x/a.tgz"\n')
    assert result.components == ()
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("a", "entry has no version", 1)
    ]
    data = b'"a@https://x/a.tgz":\n  resolved "https://x/a.tgz"\n'
    result = PARSER.parse("yarn.lock", data)
    assert [(s.name, s.reason) for s in result.skipped] == [
        ("a", "tarball dependency https://x/a.tgz is not a registry release")
    ]


def test_classic_escaped_strings() -> None:
    data = b'"a@^1.0.0":\n  version "1.0.0\\u002d1"\n  dependencies:\n    "b" "\\"odd\\""\n'
    (component,) = PARSER.parse("yarn.lock", data).components
    assert component.version == "1.0.0-1"


def test_berry_one_package() -> None:
    (component,) = parse("berry-one-package.lock").components
    assert (component.name, component.version, component.line) == ("left-pad", "1.3.0", 8)
    assert component.direct is None  # no workspace entry: the root is not recorded


def test_berry_many_packages() -> None:
    result = parse("berry-many-packages.lock")
    assert rows(result) == [
        ("is-core-module", "2.13.1", 27, False, ("resolve", "is-core-module")),
        ("js-tokens", "4.0.0", 33, False, ("react", "loose-envify", "js-tokens")),
        ("lodash", "3.10.1", 39, True, ("lodash",)),  # lodash-old@npm:lodash@^3.10.1
        ("loose-envify", "1.4.0", 45, False, ("react", "loose-envify")),
        ("react", "18.2.0", 72, True, ("react",)),
        # the npm entry and its patch: entry are one component
        ("resolve", "1.22.8", 80, True, ("resolve",)),
        ("typescript", "5.3.3", 96, True, ("typescript",)),
    ]
    assert all(c.scope is None for c in result.components)
    skipped = [(s.name, s.line, s.reason) for s in result.skipped]
    assert skipped == [
        (
            "my-fork",
            64,
            "git dependency https://github.com/acme/my-fork.git#commit="
            "0123456789abcdef0123456789abcdef01234567 (declares version 1.2.0) "
            "is not a registry release",
        ),
        ("vendored", 102, "local dependency portal:./vendor/vendored is not a registry package"),
    ]
    # Workspaces (monorepo, @acme/web, @acme/shared) are the project itself.
    names = {c.name for c in result.components} | {s.name for s in result.skipped}
    assert not names & {"monorepo", "@acme/web", "@acme/shared"}


def test_berry_is_detected_without_metadata() -> None:
    data = b'"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n'
    (component,) = PARSER.parse("yarn.lock", data).components
    assert (component.name, component.version) == ("a", "1.0.0")


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [
        ("a@npm:1.0.0::__archiveUrl=https%3A%2F%2Fr.example.com%2Fa.tgz", ("a", "1.0.0")),
        ("a@virtual:0123abc#npm:1.0.0", ("a", "1.0.0")),
        ("a@patch:a@npm%3A1.0.0#./patches/a.patch::version=1.0.0&hash=1", ("a", "1.0.0")),
        ("a@https://registry.npmjs.org/a/-/a-1.0.0.tgz", ("a", "1.0.0")),
        ("a@exec:./build.js", "exec: package a is built by a script"),
        ("a@link:./vendor/a::locator=root%40workspace%3A.", "local dependency link:./vendor/a"),
        ("a@github:u/a#commit=abc", "git dependency github:u/a#commit=abc"),
        ("a@weird:thing", "unrecognised resolution a@weird:thing"),
    ],
)
def test_berry_resolutions(resolution: str, expected: tuple[str, str] | str) -> None:
    data = f'"a@x":\n  version: 1.0.0\n  resolution: "{resolution}"\n'.encode()
    result = PARSER.parse("yarn.lock", data)
    if isinstance(expected, tuple):
        assert [(c.name, c.version) for c in result.components] == [expected]
    else:
        assert result.components == ()
        assert result.skipped[0].reason.startswith(expected)


def test_berry_entry_problems_are_skipped() -> None:
    data = b'__metadata:\n  version: 8\n\n"a@npm:1":\n  version: 1.0.0\n\n"b@npm:1": text\n'
    result = PARSER.parse("yarn.lock", data)
    assert [(s.name, s.reason, s.line) for s in result.skipped] == [
        ("a", "entry has no resolution", 4),
        ("b", "entry is not a mapping", 7),
    ]


# ----------------------------------------------------------------------------- shared data

SHARED_EXPECTED: dict[str, tuple[int, int]] = {
    "empty.v1.lock": (0, 0),
    "empty.v2.lock": (0, 0),
    "exclude-root.v2.lock": (1, 0),
    "files.v1.lock": (2, 4),
    "files.v2.lock": (0, 1),
    "metadata-only.v2.lock": (0, 0),
    "multiple-versions.v1.lock": (4, 0),
    "no-version.v1.lock": (1, 0),
    "one-package.v2.lock": (1, 0),
    "scoped-packages.v1.lock": (2, 0),
    "two-packages.v2.lock": (2, 0),
    "with-aliases.v1.lock": (3, 0),
    "with-build-string.v2.lock": (1, 1),
    "with-prerelease.v1.lock": (5, 0),
    "with-quotes.v2.lock": (2, 0),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("directory", ["osv-scalibr/javascript/yarnlock", "osv-scanner-v1/yarn"])
def test_shared_fixtures(directory: str) -> None:
    folder = shared_path("lockfile-fixtures", *directory.split("/"))
    files = sorted(p.name for p in folder.iterdir())
    assert files, folder
    for name in files:
        result = PARSER.parse(name, (folder / name).read_bytes())
        assert (len(result.components), len(result.skipped)) == SHARED_EXPECTED[name], name


@pytest.mark.shared_data
def test_shared_aliases_and_root_exclusion() -> None:
    folder = shared_path("lockfile-fixtures", "osv-scalibr", "javascript", "yarnlock")
    aliases = PARSER.parse("a", (folder / "with-aliases.v1.lock").read_bytes())
    assert [(c.name, c.version) for c in aliases.components] == [
        ("ansi-regex", "5.0.1"),
        ("ansi-regex", "6.0.1"),
        ("@babel/helper-validator-identifier", "7.22.20"),
    ]
    root = PARSER.parse("r", (folder / "exclude-root.v2.lock").read_bytes())
    assert [(c.name, c.version, c.direct, c.line) for c in root.components] == [
        ("ansi-regex", "6.1.0", True, 16)
    ]
    quotes = PARSER.parse("q", (folder / "with-quotes.v2.lock").read_bytes())
    assert [(c.name, c.version) for c in quotes.components] == [
        ("compare-func", "2.0.0"),
        ("concat-map", "0.0.1"),
    ]


def _berry_releases(text: str) -> set[tuple[str, str]]:
    """Independent reading of a berry file: every non-workspace resolution's release."""
    found: set[tuple[str, str]] = set()
    for match in re.finditer(r'^  resolution: "(.*)"$', text, re.MULTILINE):
        resolution = match.group(1)
        at = resolution.find("@", 1)
        name, reference = resolution[:at], resolution[at + 1 :]
        if reference.startswith("workspace:"):
            continue
        if reference.startswith("patch:"):
            inner = unquote(reference[6:].split("#", 1)[0])
            at = inner.find("@", 1)
            name, reference = inner[:at], inner[at + 1 :]
        assert reference.startswith("npm:"), resolution
        found.add((name.lower(), reference[4:]))  # npm names compare case-insensitively
    return found


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("project", "entries", "releases", "samples"),
    [
        (
            "jupyterlab",
            1993,
            1859,
            {
                ("@lumino/widgets", "2.9.0", 5698),
                ("fsevents", "2.3.2", 12762),
                ("lodash", "4.17.23", 15768),
                ("react", "18.2.0", 18299),
            },
        ),
        ("monica", 542, 540, set()),
    ],
)
def test_real_berry_lockfiles(
    project: str, entries: int, releases: int, samples: set[tuple[str, str, int]]
) -> None:
    path = shared_path("real-lockfiles", project, "yarn.lock")
    data = path.read_bytes()
    assert data.count(b"\n  resolution: ") == entries
    result = PARSER.parse("yarn.lock", data)
    assert result.skipped == ()
    assert len(result.components) == releases
    assert {(c.name, c.version) for c in result.components} == _berry_releases(data.decode())
    found = {(c.name, c.version, c.line) for c in result.components}
    assert samples <= found
    assert any(c.direct for c in result.components)
    assert all(c.direct is not None for c in result.components)


@pytest.mark.shared_data
def test_real_classic_lockfile_excalidraw() -> None:
    data = shared_path("real-lockfiles", "excalidraw", "yarn.lock").read_bytes()
    assert data.count(b'\n  version "') == 1444
    result = PARSER.parse("yarn.lock", data)
    assert result.skipped == ()
    # 1,444 entries; three aliases (string-width-cjs, strip-ansi-cjs, wrap-ansi-cjs) are
    # releases that another entry already names.
    assert len(result.components) == 1441
    found = {(c.name, c.version, c.line) for c in result.components}
    assert {
        ("@babel/core", "7.26.9", 56),
        ("lodash", "4.17.21", 7703),
        ("react", "19.0.0", 8770),
    } <= found
    assert not any(c.name.endswith("-cjs") for c in result.components)
    assert ("string-width", "4.2.3") in {(c.name, c.version) for c in result.components}
    assert all(c.direct is None and c.scope is None for c in result.components)
