"""Bun's text lockfile bun.lock."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from runink.errors import ParseError
from runink.inventory.base import Parser, ParseResult
from runink.inventory.bun_lock import BunLockParser
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "bun"
PARSER = BunLockParser()


def parse(name: str) -> ParseResult:
    return PARSER.parse(name, (FIXTURES / name).read_bytes())


def rows(result: ParseResult) -> list[tuple[object, ...]]:
    return [(c.name, c.version, c.line, c.direct, c.scope, c.path) for c in result.components]


def test_protocol_and_claims() -> None:
    parser: Parser = PARSER
    assert parser.format == "bun.lock"
    assert PARSER.claims("bun.lock", b"{")
    assert PARSER.claims("app/bun.lock", b"{")
    assert not PARSER.claims("bun.lockb", b"\x00")


def test_empty() -> None:
    assert parse("empty.lock") == ParseResult()


def test_one_package() -> None:
    assert rows(parse("one-package.lock")) == [
        ("left-pad", "1.3.0", 12, True, "runtime", ("left-pad",))
    ]


def test_many_packages() -> None:
    result = parse("many-packages.lock")
    assert rows(result) == [
        # the copy of chalk that workspace @acme/web gets (key "@acme/web/chalk")
        ("chalk", "5.3.0", 40, True, "runtime", ("chalk",)),
        ("ansi-styles", "4.3.0", 42, False, "runtime", ("chalk", "ansi-styles")),
        ("chalk", "4.1.2", 44, True, "runtime", ("chalk",)),
        ("color-convert", "2.0.1", 46, False, "runtime", ("chalk", "ansi-styles", "color-convert")),
        (
            "color-name",
            "1.1.4",
            48,
            False,
            "runtime",
            ("chalk", "ansi-styles", "color-convert", "color-name"),
        ),
        ("fsevents", "2.3.3", 50, True, "optional", ("fsevents",)),
        # reached through the skipped GitHub dependency my-fork
        ("has-flag", "4.0.0", 52, False, "runtime", ("my-fork", "has-flag")),
        ("js-tokens", "4.0.0", 54, False, "peer", ("react", "loose-envify", "js-tokens")),
        ("lodash", "3.10.1", 56, True, "runtime", ("lodash",)),  # key lodash-old, an alias
        ("loose-envify", "1.4.0", 58, False, "peer", ("react", "loose-envify")),
        ("react", "18.2.0", 62, True, "peer", ("react",)),
        ("supports-color", "7.2.0", 64, False, "runtime", ("chalk", "supports-color")),
        ("typescript", "5.3.3", 66, True, "dev", ("typescript",)),
        # a private registry's tarball; nothing depends on it
        ("internal", "2.0.0", 68, False, None, ("internal",)),
    ]
    assert [(s.name, s.line, s.reason) for s in result.skipped] == [
        ("my-fork", 60, "git dependency github:acme/my-fork#0123456 is not a registry release"),
        (
            "cdn-lib",
            70,
            "tarball dependency https://cdn.example.com/cdn-lib.tgz is not a registry release",
        ),
        ("vendored", 72, "local dependency file:vendor/vendored is not a registry package"),
    ]
    # Workspace entries (@acme/web, @acme/shared) are the project itself.
    assert not {c.name for c in result.components} & {"@acme/web", "@acme/shared"}


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("malformed-missing-comma.lock", "invalid JSON", 5),
        ("malformed-not-an-object.lock", "expected a JSON object", 1),
    ],
)
def test_malformed(name: str, message: str, line: int) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse(name)
    assert info.value.line == line


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"lockfileVersion": "1"}', "lockfileVersion: expected an integer"),
        (b'{"lockfileVersion": 1, "packages": []}', "packages: expected an object"),
        (b'{"lockfileVersion": 1, "workspaces": 3}', "workspaces: expected an object"),
        (b'{"a": "unterminated}', "invalid JSON"),
        (b'{"a": 1} /* unterminated comment', None),
        (b"[" * 5000, "invalid JSON"),
    ],
)
def test_not_a_lockfile(data: bytes, message: str | None) -> None:
    if message is None:  # a trailing unterminated comment is dropped: nothing to read
        assert PARSER.parse("bun.lock", data) == ParseResult()
        return
    with pytest.raises(ParseError, match=message):
        PARSER.parse("bun.lock", data)


def test_comments_and_trailing_commas_keep_strings_intact() -> None:
    data = (
        b'{\n  /* block\n  comment */ "lockfileVersion": 1, // note\n'
        b'  "workspaces": {"": {"dependencies": {"a": "^1",},},},\n'
        b'  "packages": {\n    "a": ["a@1.0.0", "https://r.example.com/,}//x", {}, "sha512-x"],\n  },\n}\n'
    )
    (component,) = PARSER.parse("bun.lock", data).components
    assert (component.name, component.version, component.line, component.direct) == (
        "a",
        "1.0.0",
        6,
        True,
    )


def test_hostile_jsonc_is_linear() -> None:
    # Unterminated strings and comments must not make the comment stripper quadratic.
    # (A naive pattern re-scans to the end from every opening quote or "/*": hours here.)
    for data in (b'"' + b'\\"' * 100_000, b"/*a" * 100_000):
        start = time.perf_counter()
        with pytest.raises(ParseError):
            PARSER.parse("bun.lock", data)
        assert time.perf_counter() - start < 5


# ----------------------------------------------------------------------------- shared data

SHARED_EXPECTED: dict[str, tuple[int, int] | None] = {
    "alias.json5": (4, 0),
    "bad-tuple.json5": (1, 2),  # two tuples without a name@version string are Skipped
    "blog-sample.json5": (0, 1),
    "commits.json5": (11, 7),
    "empty.json5": (0, 0),
    "files.json5": (1, 1),
    "nested-dependencies-dup.json5": (7, 0),
    "nested-dependencies.json5": (9, 0),
    "no-packages.json5": (0, 0),
    "not-json.txt": None,
    "one-package-dev.json5": (1, 0),
    "one-package.json5": (1, 0),
    "optional-package.json5": (3, 0),
    "peer-dependencies-explicit.json5": (2, 0),
    "peer-dependencies-implicit.json5": (2, 0),
    "same-package-different-groups.json5": (2, 0),
    "scoped-packages-mixed.json5": (5, 0),
    "scoped-packages.json5": (1, 0),
    "two-packages.json5": (2, 0),
}


@pytest.mark.shared_data
def test_shared_fixtures() -> None:
    folder = shared_path("lockfile-fixtures", "osv-scalibr", "javascript", "bunlock")
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(SHARED_EXPECTED)
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
def test_shared_nested_alias_and_groups() -> None:
    folder = shared_path("lockfile-fixtures", "osv-scalibr", "javascript", "bunlock")
    nested = PARSER.parse("n", (folder / "nested-dependencies.json5").read_bytes())
    assert [(c.name, c.version, c.scope, c.path) for c in nested.components] == [
        ("ansi-styles", "4.3.0", "dev", ("chalk", "ansi-styles")),
        ("chalk", "4.1.2", "dev", ("chalk",)),
        ("color-convert", "2.0.1", "dev", ("chalk", "ansi-styles", "color-convert")),
        ("color-name", "1.1.4", "dev", ("chalk", "ansi-styles", "color-convert", "color-name")),
        ("has-flag", "2.0.0", "runtime", ("has-flag",)),
        ("supports-color", "5.5.0", "runtime", ("supports-color",)),
        ("supports-color", "7.2.0", "dev", ("chalk", "supports-color")),
        ("has-flag", "3.0.0", "runtime", ("supports-color", "has-flag")),
        ("has-flag", "4.0.0", "dev", ("chalk", "supports-color", "has-flag")),
    ]
    alias = PARSER.parse("a", (folder / "alias.json5").read_bytes())
    assert [(c.name, c.version, c.direct) for c in alias.components] == [
        ("has-flag", "4.0.0", False),
        ("supports-color", "7.2.0", True),
        ("supports-color", "6.1.0", True),  # supports-color-old: npm:supports-color@^6.0.0
        ("has-flag", "3.0.0", False),
    ]
    groups = PARSER.parse("g", (folder / "same-package-different-groups.json5").read_bytes())
    # has-flag is a dev dependency and a dependency of a runtime package: runtime.
    assert {c.name: c.scope for c in groups.components} == {
        "has-flag": "runtime",
        "supports-color": "runtime",
    }
