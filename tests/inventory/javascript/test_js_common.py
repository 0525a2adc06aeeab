"""The helpers shared by the JavaScript lockfile parsers."""

from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory._js_common import (
    ComponentCollector,
    JsonKeyLines,
    SpecKind,
    YamlMap,
    alias_target,
    classify_spec,
    is_semver,
    load_yaml,
    reachable,
    redact_url,
    registry_tarball_version,
    shortest_paths,
    split_name_spec,
    strip_bom,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lodash@^4.17.0", ("lodash", "^4.17.0")),
        ("@babel/core@7.24.0", ("@babel/core", "7.24.0")),
        ("@babel/core", ("@babel/core", "")),
        ("lodash", ("lodash", "")),
        ("alias@npm:real@1.0.0", ("alias", "npm:real@1.0.0")),
        ("@s/a@npm:@s/b@^2", ("@s/a", "npm:@s/b@^2")),
    ],
)
def test_split_name_spec(text: str, expected: tuple[str, str]) -> None:
    assert split_name_spec(text) == expected


@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        ("^1.2.3", SpecKind.REGISTRY),
        (">= 4.0.0 < 6", SpecKind.REGISTRY),
        ("latest", SpecKind.REGISTRY),
        ("", SpecKind.REGISTRY),
        ("npm:lodash@^4", SpecKind.ALIAS),
        ("workspace:^", SpecKind.WORKSPACE),
        ("file:../lib", SpecKind.LOCAL),
        ("link:./deps/etag", SpecKind.LOCAL),
        ("portal:./vendor/x", SpecKind.LOCAL),
        ("../lib", SpecKind.LOCAL),
        ("lib-1.0.0.tgz", SpecKind.LOCAL),
        ("github:user/repo#sha", SpecKind.GIT),
        ("gitlab:user/repo", SpecKind.GIT),
        ("git+ssh://git@github.com/user/repo.git#sha", SpecKind.GIT),
        ("git://github.com/user/repo.git", SpecKind.GIT),
        ("user/repo#v1.0.0", SpecKind.GIT),
        ("https://github.com/user/repo.git#commit=abc", SpecKind.GIT),
        ("https://example.com/pkg.tgz", SpecKind.TARBALL),
        ("https://registry.npmjs.org/a/-/a-1.0.0.tgz", SpecKind.TARBALL),
    ],
)
def test_classify_spec(spec: str, kind: str) -> None:
    assert classify_spec(spec) == kind


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("npm:lodash@^4.17.0", ("lodash", "^4.17.0")),
        ("npm:@babel/core@7.0.0", ("@babel/core", "7.0.0")),
        ("npm:^1.0.0", None),  # yarn's explicit registry protocol, no alias
        ("npm:1.2.3", None),
        ("npm:latest", None),
        ("^1.0.0", None),
    ],
)
def test_alias_target(spec: str, expected: tuple[str, str] | None) -> None:
    assert alias_target(spec) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://user:s3cret@cdn.example.com/a.tgz",
            "https://***@cdn.example.com/a.tgz",
        ),
        (
            "git+https://ghp_token@github.com/u/r.git#sha",
            "git+https://***@github.com/u/r.git#sha",
        ),
        ("git+ssh://git@github.com/u/r.git#sha", "git+ssh://git@github.com/u/r.git#sha"),
        (
            "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
            "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
        ),
        ("github:user/repo", "github:user/repo"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    ("url", "name", "expected"),
    [
        ("https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", "left-pad", "1.3.0"),
        ("https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz", "@babel/core", "7.24.0"),
        ("https://r.example.com/@babel%2fcore/-/core-7.24.0.tgz", "@babel/core", "7.24.0"),
        ("https://registry.yarnpkg.com/a/-/a-1.0.0-rc.1.tgz#sha1hash", "a", "1.0.0-rc.1"),
        ("https://art.example.com/api/npm/remote/a/-/a-2.0.0.tgz?x=1", "a", "2.0.0"),
        ("https://registry.npmjs.org/a/-/a-1.0.0.tgz", "b", None),  # another package
        ("https://codeload.github.com/u/a/tar.gz/0123abc", "a", None),
        ("https://cdn.example.com/a-1.0.0.tgz", "a", None),
        ("https://registry.npmjs.org/a/-/a-latest.tgz", "a", None),
    ],
)
def test_registry_tarball_version(url: str, name: str, expected: str | None) -> None:
    assert registry_tarball_version(url, name) == expected


def test_is_semver() -> None:
    assert is_semver("1.2.3")
    assert is_semver("1.0.0-beta.01+build.7")
    assert not is_semver("1.2")
    assert not is_semver("^1.2.3")
    assert not is_semver("bar")


def test_strip_bom() -> None:
    assert strip_bom(b"\xef\xbb\xbf{}") == b"{}"
    assert strip_bom(b"{}") == b"{}"


# ----------------------------------------------------------------------------- load_yaml


def test_load_yaml_keeps_scalars_as_strings_and_records_lines() -> None:
    (doc,) = load_yaml(
        "x.yaml",
        b"lockfileVersion: 5.10\nv: 1.10\ndev: true\nnothing:\nn: null\nlist: [a, 2]\n",
    )
    assert isinstance(doc, YamlMap)
    assert doc == {
        "lockfileVersion": "5.10",
        "v": "1.10",
        "dev": "true",
        "nothing": "",
        "n": "null",
        "list": ["a", "2"],
    }
    assert doc.lines == {"lockfileVersion": 1, "v": 2, "dev": 3, "nothing": 4, "n": 5, "list": 6}


def test_load_yaml_reads_every_document() -> None:
    docs = load_yaml("x.yaml", b"---\na: 1\n---\nb: 2\n")
    assert docs == [{"a": "1"}, {"b": "2"}]
    assert load_yaml("x.yaml", b"# only a comment\n") == []


def test_load_yaml_refuses_aliases() -> None:
    bomb = b'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: &c [*b, *b]\n'
    with pytest.raises(ParseError, match="aliases are not allowed") as info:
        load_yaml("bomb.yaml", bomb)
    assert info.value.line == 2


def test_load_yaml_refuses_merge_keys() -> None:
    with pytest.raises(ParseError, match="aliases"):
        load_yaml("m.yaml", b"base: &base {a: 1}\nother:\n  <<: *base\n")


@pytest.mark.parametrize(
    "document",
    [b"[" * 200_000 + b"]" * 200_000, b"- " * 200_000 + b"x\n"],
    ids=["flow", "block-sequences"],
)
def test_load_yaml_refuses_deep_nesting_without_crashing(document: bytes) -> None:
    # libyaml's composer recurses in C and crashes the interpreter on such input; the
    # event-based reader must refuse it cleanly.
    with pytest.raises(ParseError, match="nesting"):
        load_yaml("deep.yaml", document)


def test_load_yaml_accepts_nesting_up_to_the_limit() -> None:
    document = b"[" * 64 + b"]" * 64
    (doc,) = load_yaml("ok.yaml", document)
    depth = 0
    while isinstance(doc, list) and doc:
        doc = doc[0]
        depth += 1
    assert depth == 63


def test_load_yaml_syntax_error_has_line() -> None:
    with pytest.raises(ParseError, match="invalid YAML") as info:
        load_yaml("bad.yaml", b"a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line == 3
    assert str(info.value).startswith("bad.yaml:3: ")


def test_load_yaml_refuses_complex_keys_and_bad_bytes() -> None:
    with pytest.raises(ParseError, match="complex"):
        load_yaml("k.yaml", b"? [a, b]\n: 1\n")
    with pytest.raises(ParseError, match="invalid YAML"):
        load_yaml("u.yaml", b"a: \xff\xfe\n")


# ----------------------------------------------------------------------------- JsonKeyLines


def test_json_key_lines_skips_values_and_follows_order() -> None:
    data = b'{\n  "a": "b",\n  "b": {\n    "a": {}\n  },\n  "c": []\n}\n'
    lines = JsonKeyLines(data)
    assert lines.line_of("b") == 3  # the value "b" on line 2 is not a key
    assert lines.line_of("a") == 4
    assert lines.line_of("c", b"[") == 6


def test_json_key_lines_gives_up_after_a_miss() -> None:
    lines = JsonKeyLines(b'{"a": {}, "b": {}}')
    assert lines.line_of("zz") is None
    assert lines.line_of("b") is None


# ----------------------------------------------------------------------------- collector


def test_collector_merges_duplicates() -> None:
    out = ComponentCollector("lock")
    out.add("ms", "2.0.0", line=9, direct=False, scope="dev", path=("a", "b", "ms"))
    out.add("ms", "2.0.0", line=3, direct=True, scope="runtime", path=("ms",))
    out.add("ms", "2.0.0", line=20, direct=False, scope="optional", path=("c", "ms"))
    out.add("ms", "2.1.0", line=30)
    first, second = out.components()
    assert (first.name, first.version, first.line) == ("ms", "2.0.0", 9)
    assert first.direct is True
    assert first.scope == "runtime"
    assert first.path == ("ms",)
    assert first.ecosystem == "npm"
    assert first.source == "lock"
    assert (second.version, second.direct, second.scope, second.path) == ("2.1.0", None, None, ())


def test_collector_direct_unknown_stays_unknown_unless_told() -> None:
    out = ComponentCollector("lock")
    out.add("a", "1.0.0", line=1, direct=None)
    out.add("a", "1.0.0", line=2, direct=False)
    out.add("b", "1.0.0", line=3, direct=None)
    a, b = out.components()
    assert a.direct is False
    assert b.direct is None


def test_collector_deduplicates_skipped() -> None:
    out = ComponentCollector("lock")
    out.skip("x", "git dependency", 1)
    out.skip("x", "git dependency", 5)
    out.skip("x", "local dependency", 7)
    assert [(s.name, s.reason, s.line) for s in out.skipped()] == [
        ("x", "git dependency", 1),
        ("x", "local dependency", 7),
    ]


def test_graph_helpers() -> None:
    graph = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": ["a"], "e": []}
    paths = shortest_paths(["a"], graph.__getitem__, str.upper)
    assert paths == {"a": ("A",), "b": ("A", "B"), "c": ("A", "C"), "d": ("A", "B", "D")}
    assert reachable(["b"], graph.__getitem__) == {"a", "b", "c", "d"}
