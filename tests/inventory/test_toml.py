"""``runink.inventory._toml``: the fast TOML loader must read exactly what ``tomllib`` reads.

Every check compares against an independent reference: ``tomllib`` itself for ``loads``, and
for elision and entry lines the plain single-regular-expression definitions written out below.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory import _toml
from tests.conftest import SHARED_DATA

SHARED_REAL_LOCKFILES = SHARED_DATA / "real-lockfiles"

TESTS = Path(__file__).resolve().parent
TOML_SUFFIXES = (".lock", ".toml")


def fixture_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*") if p.suffix in TOML_SUFFIXES and p.is_file())


def shared_files(shared: Path) -> list[Path]:
    roots = [shared / "real-lockfiles", shared / "lockfile-fixtures"]
    return sorted(
        p for root in roots if root.is_dir() for p in root.rglob("*") if p.suffix in TOML_SUFFIXES
    )


def comparable(value: Any) -> Any:
    """A value with dict key order made visible and NaN made equal to itself."""
    if isinstance(value, dict):
        return [(k, comparable(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return (type(value).__name__, value)


def outcome(load: Callable[[str], Any], text: str) -> tuple[str, Any]:
    try:
        return ("ok", comparable(load(text)))
    except tomllib.TOMLDecodeError as exc:
        return ("TOMLDecodeError", str(exc))
    except RecursionError:
        return ("RecursionError", None)


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


# --- loads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(TESTS)))
def test_fixture_files_read_exactly_as_tomllib_reads_them(path: Path) -> None:
    text = read_text(path)
    if text is None:
        pytest.skip("not UTF-8: the parsers reject it before TOML")
    assert outcome(_toml.loads, text) == outcome(tomllib.loads, text)


@pytest.mark.shared_data
def test_shared_real_lockfiles_read_exactly_as_tomllib_reads_them(shared_data: Path) -> None:
    for path in shared_files(shared_data):
        text = read_text(path)
        if text is not None:
            assert outcome(_toml.loads, text) == outcome(tomllib.loads, text), path


EDGE_CASES = [
    # Valid TOML 1.0 that a 64-bit or C-double parser might read differently.
    "a = 9223372036854775808\nb = -9223372036854775809\nc = 0xFFFFFFFFFFFFFFFF\n",
    "a = 1e400\nb = -0.0\nc = nan\nd = -inf\ne = 5e-324\n",
    "a = 1979-05-27T07:32:00.123456789+01:30\nb = 1979-05-27\nc = 07:32:00.5\n",
    "a = 1979-05-27 07:32:00Z\nb = 1979-05-27t07:32:00z\n",
    "a = \"\"\"\r\nline\r\n\"\"\"\nb = '''x'''\n",
    "z = 1\na = 2\n[m]\ny = 1\nb = 2\n[c]\nq = {z = 1, a = 2}\n",
    "[[t]]\nx = 1\n[t.s]\ny = 2\n[[t]]\nx = 3\n",
    # TOML 1.1 syntax, refused by tomllib (and so by Runink).
    "a = {b = 1,\n c = 2}\n",
    "a = {b = 1,}\n",
    'a = "\\e"\n',
    'a = "\\x41"\n',
    "a = 07:32\n",
    "a = 1979-05-27T07:32Z\n",
    # Refused by every parser, each in its own words: tomllib's must win.
    "\ufeffa = 1\n",
    "a = 1979-05-27T07:32:60Z\n",
    "a = 0000-01-01\n",
    "a = 1\na = 2\n",
    "a = [1,\n2,\n",
    'a = "\\uD800"\n',
    "a = 1\rb = 2\n",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_read_or_refused_exactly_as_tomllib_does(text: str) -> None:
    assert outcome(_toml.loads, text) == outcome(tomllib.loads, text)


SEEDS = [
    'version = 1\nrevision = 3\n\n[[package]]\nname = "a"\nversion = "1.0"\n'
    'source = { registry = "https://pypi.org/simple" }\n'
    'dependencies = [\n    { name = "b", marker = "python_version < \'3.12\'" },\n]\n'
    'sdist = { url = "https://h/a-1.0.tar.gz", hash = "sha256:00", size = 12 }\n'
    'wheels = [\n    { url = "https://h/a.whl", hash = "sha256:01", size = 3, '
    'upload-time = "2024-01-01T00:00:00Z" },\n]\n\n'
    '[package.optional-dependencies]\nz = [{ name = "c" }]\na = []\n',
    '[[package]]\nname = "x"\nversion = "2"\ndescription = """\nmulti\n"""\n'
    '[package.dependencies]\nzeta = ">=1"\nalpha = {version = "*", optional = true}\n'
    '[metadata.files]\nx = [\n    {file = "x.whl", hash = "sha256:ab"},\n]\n',
    "a = 1979-05-27T07:32:00Z\nb = [1, 2.5, -3e2, 0x1F, 0o7, 0b1]\nc = 'lit'\nd.e = true\n",
]
MUTATIONS = [*"[]{}=\"',.#\n \t\\:0Tze", "\r\n", '"""', "'''", "\x00", "\u00e9", "inf"]


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(MUTATIONS), st.integers(0, 3)),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_lockfiles_read_or_refused_exactly_as_tomllib_does(
    seed: str, edits: list[tuple[float, str, int]]
) -> None:
    text = seed
    for where, insert, delete in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + delete :]
    assert outcome(_toml.loads, text) == outcome(tomllib.loads, text)


def nested_arrays(depth: int) -> str:
    return "a = " + "[" * depth + "]" * depth + "\n"


def test_shallow_nesting_is_read_by_the_fast_parser_and_matches_tomllib() -> None:
    text = nested_arrays(50)
    assert outcome(_toml.loads, text) == outcome(tomllib.loads, text)


@pytest.mark.parametrize("depth", [_toml._MAX_OPENERS, _toml._MAX_OPENERS + 1, 200_000])
def test_absurd_nesting_never_crashes_and_ends_as_tomllib_ends(depth: int) -> None:
    # Within the opener bound the fast parser runs (on its large stack) and, finding the
    # document deeper than tomllib could read, hands it to tomllib; beyond it tomllib reads
    # alone. Either way the process survives and the outcome is tomllib's.
    for text in (nested_arrays(depth), "a = " + "{b=" * depth + "1" + "}" * depth + "\n"):
        with pytest.raises(RecursionError):
            _toml.loads(text)
        with pytest.raises(ParseError, match="nested too deeply") as info:
            _toml.load_toml("deep.toml", text)
        assert info.value.path == "deep.toml"


def test_without_the_fast_parser_tomllib_reads_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_toml, "_fast_parser", lambda: None)
    assert _toml.fast_parser() == "tomllib"
    for text in [*SEEDS, *EDGE_CASES]:
        assert outcome(_toml.loads, text) == outcome(tomllib.loads, text)


def test_load_toml_names_the_file_and_line() -> None:
    with pytest.raises(ParseError) as info:
        _toml.load_toml("uv.lock", 'version = 1\n\n[[package]]\nname = "a"\nname = "b"\n')
    assert (info.value.path, info.value.line) == ("uv.lock", 5)
    assert str(info.value) == "uv.lock:5: invalid TOML: Cannot overwrite a value"
    with pytest.raises(ParseError) as info:
        _toml.load_toml("poetry.lock", "a = [1,\n2,\n")
    assert info.value.line == 3
    assert info.value.message == "invalid TOML: Invalid value at end of file"


# --- elide_hash_arrays --------------------------------------------------------------------------

# The definition, as one regular expression applied with re.sub (the reference).
_R_STR = r"\"[^\"'\\\x00-\x08\x0a-\x1f\x7f]*\""
_R_SCALAR = rf"(?:{_R_STR}|0|[1-9][0-9]*)"
_R_KEY = r"[A-Za-z0-9_-]+"
_R_FLAT = rf"\{{[ \t]*{_R_KEY}[ \t]*=[ \t]*{_R_SCALAR}(?:[ \t]*,[ \t]*{_R_KEY}[ \t]*=[ \t]*{_R_SCALAR})*[ \t]*\}}"
_R_VALUE = rf"(?:{_R_SCALAR}|{_R_FLAT})"
_R_TABLE = rf"\{{[ \t]*{_R_KEY}[ \t]*=[ \t]*{_R_VALUE}(?:[ \t]*,[ \t]*{_R_KEY}[ \t]*=[ \t]*{_R_VALUE})*[ \t]*\}}"


def reference_elide(text: str, array_keys: Sequence[str], inline_keys: Sequence[str] = ()) -> str:
    element = rf"[ \t]*{_R_TABLE}"
    arrays = "|".join(re.escape(k) for k in array_keys)
    alternatives = [
        rf"(?P<akey>(?:{arrays})[ \t]*=[ \t]*\[)\r?\n"
        rf"(?P<elements>(?:{element}[ \t]*,[ \t]*\r?\n)*{element}[ \t]*,?[ \t]*\r?\n)"
        rf"(?P<close>[ \t]*\][ \t]*\r?)"
    ]
    if inline_keys:
        inline = "|".join(re.escape(k) for k in inline_keys)
        alternatives.append(rf"(?P<ikey>(?:{inline})[ \t]*=[ \t]*){_R_TABLE}(?P<tail>[ \t]*\r?)")
    pattern = re.compile(rf"^(?:{'|'.join(alternatives)})$", re.MULTILINE)

    def blank(m: re.Match[str]) -> str:
        if m.group("akey") is not None:
            return m.group("akey") + "\n" * (1 + m.group("elements").count("\n")) + m.group("close")
        return m.group("ikey") + "{}" + m.group("tail")

    return pattern.sub(blank, text)


KEY_CHOICES = [(("wheels",), ("sdist",)), (("files",), ()), (("wheels", "files"), ("sdist",))]


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(TESTS)))
def test_elision_of_fixture_files_matches_the_reference(path: Path) -> None:
    text = read_text(path)
    if text is None:
        pytest.skip("not UTF-8")
    for keys in KEY_CHOICES:
        assert _toml.elide_hash_arrays(text, *keys) == reference_elide(text, *keys)


@pytest.mark.shared_data
def test_elision_of_real_lockfiles_matches_the_reference_and_shrinks_them(
    shared_data: Path,
) -> None:
    names = ("uv.lock", "poetry.lock", "Cargo.lock")
    files = [p for p in shared_files(shared_data) if p.name in names]
    assert files, f"no uv.lock, poetry.lock or Cargo.lock under {shared_data}"
    for path in files:
        text = path.read_text(encoding="utf-8")
        for keys in KEY_CHOICES:
            elided = _toml.elide_hash_arrays(text, *keys)
            assert elided == reference_elide(text, *keys), (path, keys)
        if path.name == "uv.lock":
            assert len(_toml.elide_hash_arrays(text, *KEY_CHOICES[0])) < len(text) // 2


ELEMENTS = [
    '    { url = "https://h/x.whl", hash = "sha256:00", size = 12, upload-time = "2024" },',
    '    {file = "x.tar.gz", hash = "sha256:01"}',
    '\t{ url = "u", hashes = { sha256 = "00", md5 = "1" } },',
    '    { name = "y", marker = "python_version < \'3.12\'" },',
    '    { url = "u", size = 012 },',
    '    { url = "u", size = 0 },',
    "    { url = \"u'''v\" },",
    '    { url = "a\\"b" },',
    '    { url = "caf\u00e9 \u2603" },',
    '    { url = "tab\there" },',
    '    { url = "nul\x00" },',
    '    { url = "del\x7f" },',
    '    { url = "u" }',
    '    { url = "u" } ,',
    '    { url = "u", url = "v" },',
    '    { url = "x""y" },',
    '    { url = "unterminated },',
    "    { url = },",
    "    { url = 'literal' },",
    '    """',
    "",
]
OTHER_LINES = [
    "[[package]]",
    'name = "x"',
    "]",
    'sdist = { url = "https://h/x.tar.gz", size = 3 }',
    'sdist = { url = "u", hashes = { sha256 = "0" } }\r',
    'sdist = { url = "u" } junk',
    'sdistx = { url = "u" }',
    'wheelsx = [ { url = "u" } ]',
    'description = """',
    '"""',
    "x = 1",
    "",
]
BLOCKS = st.builds(
    lambda key, elements, close, crlf: ("\r\n" if crlf else "\n").join([key, *elements, close]),
    st.sampled_from(["wheels = [", "files = [", "files=[", "wheels = [ ", "dependencies = ["]),
    st.lists(st.sampled_from(ELEMENTS), min_size=0, max_size=4),
    st.sampled_from(["]", "]  # end", "  ]", "], x = 1", "]\t"]),
    st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(OTHER_LINES), BLOCKS), max_size=10), st.booleans())
def test_elision_matches_the_reference_on_generated_documents(
    parts: list[str], leading_block: bool
) -> None:
    text = "\n".join(parts) + ("\n" if leading_block else "")
    for keys in KEY_CHOICES:
        elided = _toml.elide_hash_arrays(text, *keys)
        assert elided == reference_elide(text, *keys)
        assert elided.count("\n") == text.count("\n")


def test_one_bad_list_is_left_alone_and_the_others_still_blanked() -> None:
    good = 'wheels = [\n    { url = "u1", size = 1 },\n]\n'
    bad = 'wheels = [\n    { url = "u\\u0041" },\n]\n'
    text = "[[package]]\n" + good + "[[package]]\n" + bad + "[[package]]\n" + good
    elided = _toml.elide_hash_arrays(text, ("wheels",))
    assert elided == reference_elide(text, ("wheels",))
    assert elided.count("wheels = [\n\n]") == 2
    assert bad in elided


# --- entry_lines --------------------------------------------------------------------------------


def reference_header_lines(text: str, key: str) -> list[int]:
    header = re.compile(
        rf"^[ \t]*\[\[[ \t]*(?:{re.escape(key)}|\"{re.escape(key)}\")[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?$",
        re.MULTILINE,
    )
    return [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        '[[package]]\nname = "a"\n\n [[ "package" ]] # two\nname = "b"\n',
        'x = 1\r\n[[package]]\r\nname = "a"\r\n[[package]]\r\nname = "b"\r\n',
        '[[package]]\nname = "a"\n[[packages]]\n[[package]] junk\n[[package]]\nname = "b"',
    ],
)
def test_entry_lines_follow_the_headers(text: str) -> None:
    entries = [{"name": "a"}, {"name": "b"}]
    assert _toml.entry_lines(text, "package", entries) == reference_header_lines(text, "package")


def reference_header_starts(text: str, key: str) -> list[int]:
    """The header lines' offsets as first written: the pattern tried after every line break."""
    header = (
        rf"[ \t]*\[\[[ \t]*(?:{re.escape(key)}|\"{re.escape(key)}\")[ \t]*\]\][ \t]*"
        r"(?:#[^\r\n]*)?\r?(?=\n|\Z)"
    )
    starts = [0] if re.match(header, text) else []
    starts.extend(m.start() + 1 for m in re.finditer(rf"\n{header}", text))
    return starts


_HEADER_PIECES = [
    "[[",
    "]]",
    "package",
    '"package"',
    "packages",
    " ",
    "\t",
    "\n",
    "\r",
    "#",
    "x",
    "[",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_HEADER_PIECES), max_size=16))
def test_header_starts_are_the_lines_the_pattern_matches(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _toml._header_starts(text, "package") == reference_header_starts(text, "package")


def test_header_starts_on_real_lockfiles() -> None:
    root = SHARED_REAL_LOCKFILES
    if not root.is_dir():
        pytest.skip(f"shared test data not present at {root}")
    for path in sorted(root.rglob("*.lock")):
        text = path.read_text(encoding="utf-8")
        for key in ("package", "packages"):
            assert _toml._header_starts(text, key) == reference_header_starts(text, key)


def test_entry_lines_fall_back_to_names_when_headers_do_not_count_the_entries() -> None:
    tricky = (
        '[[package]]\nname = "a"\ndescription = """\n[[package]]\n"""\n\n[[package]]\nname = "b"\n'
    )
    assert _toml.entry_lines(tricky, "package", [{"name": "a"}, {"name": "b"}]) == [2, 8]
    inline = 'packages = [\n  { name = "a" },\n  { other = 1 },\n  { name = "c" },\n]\n'
    entries: list[dict[str, object]] = [{"name": "a"}, {"other": 1}, {"name": "c"}]
    assert _toml.entry_lines(inline, "packages", entries) == [2, None, 4]


SHRUNK_LINES = [
    '    { url = "", size = 12 },',
    '    { url = "", size = 12 }',
    '    { url = "", size = 012 },',
    '    { url = "", size = 0 },\r',
    '\t{ a = "", b = { c = "", d = 7 } } ,',
    "    { url = },",
    "    {},",
    "\x02{ a = 1 },",
    "\x00    { a = 1 },",
    "",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(SHRUNK_LINES), min_size=1, max_size=4), min_size=1, max_size=4
    )
)
def test_line_shapes_decide_exactly_as_the_joined_pattern(regions: list[list[str]]) -> None:
    texts = ["".join(line + "\n" for line in region) for region in regions]
    shrunk = "\x00".join(texts)
    expected = _toml._pattern("separated").fullmatch(shrunk) is not None
    assert _toml._lines_ok(shrunk, len(texts)) is expected


# --- the bulk path over bytes (sub_bytes) ---------------------------------------------------------
#
# ``elide_hash_arrays`` runs the bulk checks over UTF-8 bytes and falls back to the exact
# path for anything they do not decide; these documents aim at the edges of that split: a
# "]" inside a string (the scan stops at the first "]"), indented or decorated closing lines,
# empty lists, batches of more than ``_BATCH`` bytes with a bad element far in, more inline
# tables than one batch, non-ASCII strings, CRLF line ends.

EDGE_ELEMENTS = [
    '    { url = "https://h/a]b.whl", hash = "sha256:00", size = 1 },',
    '    { url = "caf\u00e9", size = 0 },',
    '    { url = "x", hashes = { sha256 = "00", md5 = "11" } },',
    '    { url = "x" }',
    '    { url = "x\\u0041" },',
    "    { url = 'x' },",
    "  ]",
    "]x",
]
EDGE_BLOCKS = st.builds(
    lambda key, elements, close, crlf: ("\r\n" if crlf else "\n").join([key, *elements, close]),
    st.sampled_from(["wheels = [", "files = [", "wheels = [ "]),
    st.lists(st.sampled_from(ELEMENTS[:3] + EDGE_ELEMENTS), min_size=0, max_size=4),
    st.sampled_from(["]", "  ]", "] # end", "]\r", "], x = 1"]),
    st.booleans(),
)
EDGE_INLINE = [
    'sdist = { url = "u]", size = 3 }',
    'sdist = { url = "caf\u00e9", size = 3 } \r',
    'sdist = { url = "u", size = 03 }',
    'sdist = {url="u"}\t',
    "sdist = { url = 'u' }",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(OTHER_LINES + EDGE_INLINE), EDGE_BLOCKS), max_size=10))
def test_bulk_elision_matches_the_reference_at_its_edges(parts: list[str]) -> None:
    text = "\n".join(parts) + "\n"
    for keys in KEY_CHOICES:
        assert _toml.elide_hash_arrays(text, *keys) == reference_elide(text, *keys)
        raw = text.encode()
        assert _toml.elide_hash_arrays_utf8(raw, *keys) == reference_elide(text, *keys)


def _many_packages(count: int, bad_at: int | None) -> str:
    out = ["version = 1\n"]
    for i in range(count):
        wheel = f'    {{ url = "https://h/p{i}-1.0-py3-none-any.whl", hash = "sha256:{i:064x}", '
        out.append(
            f'[[package]]\nname = "p{i}"\nversion = "1.0"\n'
            f'sdist = {{ url = "https://h/p{i}.tar.gz", hash = "sha256:{i:064x}", size = {i} }}\n'
            "wheels = [\n"
            + "".join(f"{wheel}size = {i * 7 + j} }},\n" for j in range(5))
            + ('    { url = "bad\\\\path" },\n' if i == bad_at else "")
            + "]\n\n"
        )
    return "".join(out)


@pytest.mark.parametrize("bad_at", [None, 0, 350, 699])
def test_bulk_elision_over_many_batches_matches_the_reference(bad_at: int | None) -> None:
    text = _many_packages(700, bad_at)  # some 300 KB of lists: several batches
    assert len(text) > 4 * _toml._BATCH
    for keys in KEY_CHOICES:
        elided = _toml.elide_hash_arrays(text, *keys)
        assert elided == reference_elide(text, *keys)
        assert elided.count("\n") == text.count("\n")
    if bad_at is not None:
        assert 'hash = "sha256:' in _toml.elide_hash_arrays(text, ("wheels",), ("sdist",))


# The batch check of ``sub_bytes`` (``_Checker.flush``) looks for the characters no string may
# hold in the whole batch, and finds a line break, carriage return or separator inside a string
# by counting; it must decide every batch exactly as the pattern definition does, region by
# region. The regions are element lines with characters slipped in anywhere, strings included.

CHECK_LINES = [
    '    { url = "https://h/a-1.0.whl", hash = "sha256:0a", size = 12, upload-time = "2024" },',
    '    {file = "a-1.0.tar.gz", hash = "sha256:01"}',
    '\t{ a = "x", b = { c = "y", d = 70 } } ',
    '    { url = "caf\u00e9" }',
]
SLIPPED = ['"', "\n", "\r", "\r\n", "'", "\\", "\x01", "\x02", "\x7f", "\t", "]", "{", ",", "9"]


@st.composite
def checker_regions(draw: st.DrawFn) -> list[str]:
    regions: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        lines = draw(st.lists(st.sampled_from(CHECK_LINES), min_size=1, max_size=3))
        text = "".join(
            line + ("\n" if i == len(lines) - 1 else ",\n") for i, line in enumerate(lines)
        )
        for _ in range(draw(st.sampled_from([0, 0, 0, 0, 1, 2]))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(SLIPPED)) + text[at:]
        regions.append(text)
    return regions


@settings(max_examples=1500, deadline=None)
@given(checker_regions())
def test_batch_check_decides_as_the_pattern_region_by_region(regions: list[str]) -> None:
    checker = _toml._Checker()
    raw = [region.encode() for region in regions]
    for region in raw:
        assert checker.add_region(region)  # small regions: no batch is full yet
    expected = all(re.fullmatch(_toml._ELEMENTS, region) is not None for region in regions)
    assert checker.flush() is expected
    if expected:
        assert checker.newlines == [region.count(b"\n") for region in raw]


def _depth(value: Any) -> int:
    """Levels of arrays and tables, the document itself the first (a plain recursive walk)."""
    if type(value) is dict:
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if type(value) is list:
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


NESTED = st.recursive(
    st.sampled_from([1, "s", 2.5, True]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner),
    max_leaves=30,
)


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.sampled_from("xyz"), NESTED), st.integers(0, 12))
def test_depth_walk_matches_a_recursive_walk(doc: dict[str, Any], limit: int) -> None:
    assert _toml._deeper_than(doc, limit) is (_depth(doc) > limit)
