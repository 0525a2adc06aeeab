from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory._python_common import (
    DependencyGraph,
    NameCache,
    bad_name_skip,
    decode_text,
    elide_hash_arrays,
    entry_lines,
    key_line,
    load_toml,
    merge_duplicates,
    requirement_name,
    valid_name,
)
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

ELIDED = frozenset({"wheels", "files", "sdist"})


def strip(value: Any) -> Any:
    """A parsed TOML document without the keys elision may blank."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in ELIDED}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def shape(value: Any) -> Any:
    """The structure of a value, with every string's text forgotten."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shape(v) for v in value]
    return "" if isinstance(value, str) else value


def outcome(text: str) -> tuple[str, Any]:
    try:
        return ("ok", strip(load_toml("f", text)))
    except ParseError as exc:
        return ("error", exc.line)


ELEMENTS = [
    '    { url = "https://h/x.whl", hash = "sha256:00", size = 12, upload-time = "2024" },',
    '    {file = "x.tar.gz", hash = "sha256:01"}',
    '    { name = "y", marker = "python_version < \'3.12\'" },',
    '    { url = "u", size = 012 },',
    "    { url = \"u'''v\" },",
    '    { url = "a\\"b" },',
    '    { url = "u", hashes = { sha256 = "00" } },',
    '    { url = "u" }',
    "    { url = },",
    '    """',
    "",
]
OTHER_LINES = [
    "[[package]]",
    'name = "x"',
    'version = "1.0"',
    "]",
    'sdist = { url = "https://h/x.tar.gz", size = 3 }',
    'sdist = { url = "u" } junk',
    'description = """',
    '"""',
    "'''",
    "x = 1",
    "",
]
BLOCKS = st.builds(
    lambda key, elements, close: "\n".join([key, *elements, close]),
    st.sampled_from(["wheels = [", "files = [", "dependencies = [", "wheels=["]),
    st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=4),
    st.sampled_from(["]", "]  # end", "  ]", "], x = 1"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(OTHER_LINES), BLOCKS), max_size=12))
def test_elision_never_changes_what_is_read(parts: list[str]) -> None:
    text = "\n".join(parts) + "\n"
    elided = elide_hash_arrays(text, ("wheels", "files"), ("sdist",))
    assert elided.count("\n") == text.count("\n")
    before, after = outcome(text), outcome(elided)
    if '"""' in text or "'''" in text:
        # A hash list inside a multi-line string is blanked too: the string's text changes
        # (no parser reads such strings), never where it starts or ends.
        assert shape(before) == shape(after)
    else:
        assert before == after


def test_elision_known_leniency_duplicate_key_inside_a_hash_entry() -> None:
    # The patterns cannot see a key repeated inside one blanked entry: such a file (which no
    # locker writes) is read instead of rejected. Nothing the parsers read is affected.
    text = 'wheels = [\n    { url = "u", url = "v" },\n]\n'
    with pytest.raises(ParseError):
        load_toml("f", text)
    assert load_toml("f", elide_hash_arrays(text, ("wheels",))) == {"wheels": []}


def test_elision_blanks_hash_lists_and_keeps_lines() -> None:
    text = (
        'name = "a"\n'
        "wheels = [\n"
        '    { url = "u1", hash = "h1", size = 1 },\n'
        '    { url = "u2", hash = "h2", size = 2 },\n'
        "]\n"
        'sdist = { url = "u3", hash = "h3" }\n'
        'after = "z"\n'
    )
    elided = elide_hash_arrays(text, ("wheels",), ("sdist",))
    assert elided == 'name = "a"\nwheels = [\n\n\n]\nsdist = {}\nafter = "z"\n'
    assert tomllib.loads(elided) == {"name": "a", "wheels": [], "sdist": {}, "after": "z"}


def test_elision_leaves_other_lists_alone() -> None:
    text = 'dependencies = [\n    { name = "click" },\n]\n'
    assert elide_hash_arrays(text, ("wheels",), ("sdist",)) == text


def test_decode_text() -> None:
    assert decode_text("f", "\ufeffa = 1\n".encode()) == "a = 1\n"
    with pytest.raises(ParseError) as info:
        decode_text("f", b"a\nb\n\xc3\x28\n")
    assert (info.value.line, info.value.path) == (3, "f")
    with pytest.raises(ParseError) as info:
        decode_text("f", b"a\n\x00")
    assert info.value.line == 2


def test_load_toml_errors_carry_the_line() -> None:
    with pytest.raises(ParseError) as info:
        load_toml("x.lock", "a = 1\nb = \n")
    assert info.value.line == 2
    assert str(info.value) == "x.lock:2: invalid TOML: Invalid value"
    with pytest.raises(ParseError) as info:
        load_toml("x.lock", "a = [1,\n2,\n")
    assert info.value.line == 3
    assert info.value.message.endswith("at end of file")


def test_entry_lines_by_header_and_by_name() -> None:
    text = 'x = 1\n\n[[package]]\nname = "a"\n\n[[ package ]]  # two\nname = "b"\n'
    assert entry_lines(text, "package", [{"name": "a"}, {"name": "b"}]) == [3, 6]
    # A header inside a multi-line string makes the count wrong: lines come from names.
    tricky = (
        '[[package]]\nname = "a"\ndescription = """\n[[package]]\n"""\n\n[[package]]\nname = "b"\n'
    )
    assert entry_lines(tricky, "package", [{"name": "a"}, {"name": "b"}]) == [2, 8]
    inline = 'packages = [\n  { name = "a" },\n  { other = 1 },\n  { name = "c" },\n]\n'
    entries: list[dict[str, object]] = [{"name": "a"}, {"other": 1}, {"name": "c"}]
    assert entry_lines(inline, "packages", entries) == [2, None, 4]


def test_key_line() -> None:
    assert key_line('a = 1\n  "package" = 2\n', "package") == 2
    assert key_line("a = 1\n", "package") is None


def test_names() -> None:
    assert requirement_name("Foo.Bar[x]>=1; python_version<'3'") == "Foo.Bar"
    assert requirement_name("  a") == "a"
    assert requirement_name(">=1") is None
    assert valid_name("zope.interface") and valid_name("A") and valid_name("a_b-c.d")
    assert (
        not valid_name("-a")
        and not valid_name("a b")
        and not valid_name("")
        and not valid_name("a.")
    )
    assert bad_name_skip(None, 3) == Skipped("", "package entry without a name", 3)
    assert bad_name_skip("a b", 4) == Skipped("a b", "not a valid Python package name", 4)


def test_graph_shortest_scopes_and_sources() -> None:
    graph = DependencyGraph(5)
    for a, b in [(0, 1), (1, 2), (0, 2), (3, 2), (2, 2)]:
        graph.add(a, b)
    assert graph.sources() == [0, 3, 4]
    assert graph.shortest([0]) == [(0,), (0, 1), (0, 2), None, None]
    scopes, paths = graph.scopes([("runtime", [3]), ("dev", [0])])
    assert scopes == ["dev", "dev", "runtime", "runtime", None]
    assert paths == [(0,), (0, 1), (3, 2), (3,), None]


def test_merge_duplicates_keeps_the_strongest_facts() -> None:
    first = Component("PyPI", "a", "1", line=3, direct=None, scope="dev", path=("x", "y", "a"))
    second = Component("PyPI", "a", "1", line=9, direct=True, scope="runtime", path=("a",))
    other = Component("PyPI", "a", "2", line=5)
    merged = merge_duplicates([first, other, second])
    assert [(c.version, c.line, c.direct, c.scope, c.path) for c in merged] == [
        ("1", 3, True, "runtime", ("a",)),
        ("2", 5, None, None, ()),
    ]


# --- decode_elided: decode_text then elide_hash_arrays, in one step -----------------------------


DECODE_CASES = [
    b'[[package]]\nname = "a"\nfiles = [\n    {file = "a.whl", hash = "sha256:00"},\n]\n',
    '[[package]]\nname = "caf\u00e9"\nfiles = [\n    {file = "\u00e9.whl", hash = "sha256:0"},\n]\n'.encode(),
    b'\xef\xbb\xbf[[package]]\nname = "a"\nfiles = [\n    {file = "a", hash = "h"},\n]\n',
    b'\xef\xbb\xbf\xef\xbb\xbf[[package]]\nname = "a"\n',
    b'[[package]]\nname = "a"\nfiles = [\n    {file = "a\x00", hash = "h"},\n]\n',
    b'[[package]]\nname = "a"\n\nfiles = [\n    {file = "\xff", hash = "h"},\n]\n',
    b"",
]


@pytest.mark.parametrize("data", DECODE_CASES)
def test_decode_elided_is_decode_text_then_elision(data: bytes) -> None:
    from runink.inventory._python_common import decode_elided, decode_text, elide_hash_arrays

    def outcome(fn: Callable[[], str]) -> tuple[str, object]:
        try:
            return ("ok", fn())
        except ParseError as exc:
            return ("error", (str(exc), exc.line))

    keys: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
        (("files",), ()),
        (("wheels",), ("sdist",)),
    )
    for arrays, inline in keys:

        def reference(a: tuple[str, ...] = arrays, i: tuple[str, ...] = inline) -> str:
            return elide_hash_arrays(decode_text("p.lock", data), a, i)

        def bulk(a: tuple[str, ...] = arrays, i: tuple[str, ...] = inline) -> str:
            return decode_elided("p.lock", data, a, i)

        assert outcome(bulk) == outcome(reference)


NAME_CHARS = "aZz09-_. \t\n\u00e9\u00c9\u0130\u212a\u00df\u1e9e\u03a3\u2028"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=NAME_CHARS, max_size=10) | st.text(max_size=6))
def test_name_cache_is_normalize_name(name: str) -> None:
    """The cache's shortcut for names already normalized gives what ``normalize_name`` gives."""
    cache = NameCache()
    assert cache[name] == normalize_name("PyPI", name)
    assert cache[name] == normalize_name("PyPI", name)  # and again, from the cache


DECODE_BASES = [
    b'[[package]]\nname = "a"\ndescription = "x"\nfiles = [\n'
    b'    {file = "a-1.whl", hash = "sha256:00"},\n    {file = "a-1.tar.gz", hash = "sha256:01"},\n'
    b"]\n",
    b'[[package]]\nname = "b"\nsdist = { url = "https://h/b.tar.gz", hash = "sha256:02" }\n'
    b'wheels = [\n    { url = "https://h/b.whl", hash = "sha256:03", size = 4 },\n]\n',
]
ODD_BYTES = [b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x90\x8d", b"\xff", b"\xc3", b"\xe2\x82"]
ODD_BYTES += [b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\x80", b"\x00"]


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(DECODE_BASES),
    st.lists(st.tuples(st.integers(0, 400), st.sampled_from(ODD_BYTES)), max_size=3),
    st.booleans(),
)
def test_decode_elided_with_other_characters_anywhere(
    base: bytes, inserts: list[tuple[int, bytes]], bom: bool
) -> None:
    """Non-ASCII text, valid or not, in or out of the hash lists: the same text or error as
    decoding the whole file first (only what is left after blanking is decoded)."""
    from runink.inventory._python_common import decode_elided, decode_text, elide_hash_arrays

    data = base
    for at, odd in inserts:
        at = at % (len(data) + 1)
        data = data[:at] + odd + data[at:]
    if bom:
        data = b"\xef\xbb\xbf" + data

    def outcome(fn: Callable[[], str]) -> tuple[str, object]:
        try:
            return ("ok", fn())
        except ParseError as exc:
            return ("error", (str(exc), exc.line))

    for arrays, inline in ((("files",), ()), (("wheels",), ("sdist",))):

        def reference(a: tuple[str, ...] = arrays, i: tuple[str, ...] = inline) -> str:
            return elide_hash_arrays(decode_text("p.lock", data), a, i)

        def bulk(a: tuple[str, ...] = arrays, i: tuple[str, ...] = inline) -> str:
            return decode_elided("p.lock", data, a, i)

        assert outcome(bulk) == outcome(reference)
