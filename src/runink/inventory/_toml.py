"""TOML for the lockfile parsers: one fast loader, exact to ``tomllib``, and the text helpers.

``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``pylock.toml`` and ``Cargo.lock`` are TOML, and
most of their bytes are lists of file hashes that inventory never reads. The helpers keep reading
them fast without changing what is read:

* ``loads``: ``tomllib.loads``, about ten times faster. Documents are parsed by ``toml-rs`` (a
  Rust TOML parser) in its strict TOML 1.0 mode, which returns the same values as ``tomllib``,
  tables in the same key order, and refuses the same documents. ``tomllib`` stays the reference:
  whenever ``toml-rs`` refuses a document, ``tomllib`` parses it again, so a malformed file fails
  with exactly ``tomllib``'s error (message and line). A leading byte-order mark, the one thing
  ``toml-rs`` accepts and ``tomllib`` refuses, goes to ``tomllib`` directly.
* ``load_toml``: ``loads`` with its errors turned into ``ParseError`` at their line.
* ``elide_hash_arrays``: blanks the hash lists before parsing, keeping every line break; the
  lists are checked in bulk over UTF-8 bytes, and ``elide_hash_arrays_utf8`` takes the file's
  bytes directly, so that only what is left is decoded.
* ``entry_lines``: the line where each ``[[package]]`` entry starts.

Nesting. ``toml-rs`` recurses on the machine stack once per nested array or inline table (about
2 KiB a level) and has no limit of its own: a document nested ten thousand levels deep overflows
an 8 MiB stack and kills the process. So it runs on one worker thread of its own with a 256 MiB
stack (address space, reserved, not used), and only for documents with at most 65,536 ``[`` and
``{`` characters in all, a bound on the nesting depth whatever they contain. A larger document
(with hash lists elided, a lockfile of some 7,000 packages) is read by ``tomllib``, and so is
any document ``toml-rs`` finds nested more than 100 levels deep: ``tomllib`` reads a few hundred
levels and raises ``RecursionError`` beyond, as it always did, which ``load_toml`` reports as a
``ParseError``. Lockfiles nest six levels at most.

Why ``toml-rs``: ``rtoml`` (also Rust) reads TOML 1.1 syntax that ``tomllib`` refuses (newlines
in inline tables, ``\\e`` escapes, times without seconds), keeps ``\\r\\n`` in multi-line
strings, and publishes no musllinux wheels; ``pytomlpp`` (toml++) is strict and caps nesting but
returns tables with their keys sorted (the parsers walk some tables in file order), and has no
wheels for Python 3.14. A differential fuzz of ``toml-rs`` against ``tomllib`` over mutated real
lockfiles found no other difference (see ``tests/inventory/test_toml.py``).
"""

from __future__ import annotations

import functools
import re
import threading
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from runink.errors import ParseError

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = [
    "elide_hash_arrays",
    "elide_hash_arrays_if_utf8",
    "elide_hash_arrays_utf8",
    "entry_lines",
    "fast_parser",
    "load_toml",
    "loads",
]

_BOM: Final = "\ufeff"
#: The worker's stack, and the most ``[`` + ``{`` a document may hold to be parsed on it.
_STACK_BYTES: Final = 256 * 1024 * 1024
_MAX_OPENERS: Final = 65_536
#: Documents nested deeper than this are left to tomllib, which reads a few hundred levels
#: (depending on the Python stack in use) and raises RecursionError beyond: the same outcome
#: as before. Lockfiles nest six levels at most.
_MAX_DEPTH: Final = 100


@dataclass(frozen=True, slots=True)
class _FastParser:
    """``toml-rs`` in TOML 1.0 mode, and the one thread with a large stack it runs on."""

    version: str
    parse: Callable[[str], dict[str, Any]]
    worker: Executor


_fast_lock = threading.Lock()
_fast: _FastParser | None = None
_fast_unavailable = False


def _fast_parser() -> _FastParser | None:
    """The fast parser, set up on first use (so that importing a parser module stays cheap);
    None where ``toml-rs`` is missing or no thread with a large stack can be started."""
    global _fast, _fast_unavailable
    with _fast_lock:
        if _fast is None and not _fast_unavailable:
            _fast = _start_fast_parser()
            _fast_unavailable = _fast is None
        return _fast


def _start_fast_parser() -> _FastParser | None:
    try:
        import toml_rs
    except ImportError:  # a dependency, but tomllib alone still reads everything
        return None
    from concurrent.futures import ThreadPoolExecutor

    try:
        previous = threading.stack_size(_STACK_BYTES)
    except (ValueError, RuntimeError):  # the platform cannot size thread stacks
        return None
    try:
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runink-toml")
        worker.submit(int).result()  # start its thread now, while the size is set
    except RuntimeError:  # no thread could be started (address space, limits)
        return None
    finally:
        threading.stack_size(previous)

    def parse(text: str) -> dict[str, Any]:
        return toml_rs.loads(text, toml_version="1.0.0")

    return _FastParser(toml_rs.__version__, parse, worker)


def fast_parser() -> str:
    """Which parser reads valid documents (the benchmarks print it)."""
    fast = _fast_parser()
    if fast is None:
        return "tomllib"
    return f"toml-rs {fast.version} (TOML 1.0); tomllib for errors"


def loads(text: str) -> dict[str, Any]:
    """Parse a TOML document exactly as ``tomllib.loads`` does, with the same errors."""
    doc = _fast_loads_or_none(text)
    return tomllib.loads(text) if doc is None else doc


def _fast_loads_or_none(text: str) -> dict[str, Any] | None:
    """The document as ``toml-rs`` reads it, or None where ``tomllib`` must decide."""
    if text.startswith(_BOM):
        return None
    openers = text.count("[") + text.count("{")
    if openers > _MAX_OPENERS:
        return None
    fast = _fast_parser()
    if fast is None:
        return None
    try:
        doc = fast.worker.submit(fast.parse, text).result()
    except ValueError:  # toml_rs.TOMLDecodeError, or a date Python cannot hold
        return None  # tomllib decides, and explains a real error in its own words
    if openers > _MAX_DEPTH and _deeper_than(doc, _MAX_DEPTH):
        return None  # tomllib reads it, or gives up as it always did
    return doc


def _deeper_than(doc: dict[str, Any], limit: int) -> bool:
    """Whether arrays and tables nest more than ``limit`` levels, walked level by level (the
    tables and the arrays of a level apart, which spares a test per container)."""
    tables: list[dict[str, Any]] = [doc]
    arrays: list[list[Any]] = []
    depth = 1
    while tables or arrays:
        if depth > limit:
            return True
        below_tables: list[dict[str, Any]] = []
        below_arrays: list[list[Any]] = []
        for table in tables:
            for child in table.values():
                if type(child) is dict:
                    below_tables.append(child)
                elif type(child) is list:
                    below_arrays.append(child)
        for array in arrays:
            for child in array:
                if type(child) is dict:
                    below_tables.append(child)
                elif type(child) is list:
                    below_arrays.append(child)
        tables, arrays = below_tables, below_arrays
        depth += 1
    return False


_TOMLLIB_LINE: Final = re.compile(r"\(at line (\d+), column \d+\)")


def load_toml(path: str, text: str) -> dict[str, Any]:
    """Parse TOML; a syntax error becomes a ParseError at the line ``tomllib`` reports."""
    try:
        return loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOMLLIB_LINE.search(message)
        if m is not None:
            line = int(m.group(1))
            message = message[: m.start()].rstrip()
        else:  # "(at end of document)"
            line = text.count("\n") + 1
            message = message.replace("(at end of document)", "").rstrip() + " at end of file"
        raise ParseError(path, f"invalid TOML: {message}", line=line) from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ParseError(path, "invalid TOML: arrays or inline tables nested too deeply") from None


# --- Hash-list elision -------------------------------------------------------------------------
#
# A hash-list element is one line holding an inline table of plain values: bare keys, basic
# strings without escapes, quotes or control characters, decimal integers, and one level of
# nested inline tables of the same. Every text these patterns accept is valid TOML (save a key
# repeated inside one table), so blanking it cannot hide a syntax error that changes what the
# parsers read. Quantifiers are possessive where giving characters back can never help a match,
# which keeps the regular-expression engine from saving backtracking points.

_STR_CHARS: Final = r"[^\"'\\\x00-\x08\x0a-\x1f\x7f]"
_STR: Final = rf"\"{_STR_CHARS}*+\""
_SCALAR: Final = rf"(?>{_STR}|0|[1-9][0-9]*+)"
_KEY: Final = r"[A-Za-z0-9_-]++"
_WS: Final = r"[ \t]*+"
_FLAT: Final = (
    rf"\{{{_WS}{_KEY}{_WS}={_WS}{_SCALAR}(?:{_WS},{_WS}{_KEY}{_WS}={_WS}{_SCALAR})*+{_WS}\}}"
)
_VALUE: Final = rf"(?>{_SCALAR}|{_FLAT})"
_TABLE: Final = (
    rf"\{{{_WS}{_KEY}{_WS}={_WS}{_VALUE}(?:{_WS},{_WS}{_KEY}{_WS}={_WS}{_VALUE})*+{_WS}\}}"
)
_ELEMENT: Final = rf"{_WS}{_TABLE}"
# One or more element lines, each but the last ending in a comma, then the line break.
_ELEMENTS: Final = rf"{_ELEMENT}(?:{_WS},{_WS}\r?\n{_ELEMENT})*+{_WS},?+{_WS}\r?\n"
_STRING_CONTENT: Final = re.compile(rf"{_STR_CHARS}*+")
# ASCII characters a plain string may not hold (the non-ASCII ones are all allowed).
_UNSAFE_ASCII: Final = bytes([*range(0x09), *range(0x0A, 0x20), 0x7F]) + b"'\\"
# The first line after an array's elements that closes it.
_CLOSE: Final = re.compile(r"\n([ \t]*\][ \t]*\r?)(?=\n|\Z)")


def _plain_strings(contents: str) -> bool:
    """Whether ``contents`` (string bodies, joined) holds only characters ``_STR`` allows."""
    if contents.isascii():
        raw = contents.encode("ascii")
        return len(raw.translate(None, _UNSAFE_ASCII)) == len(raw)
    return _STRING_CONTENT.fullmatch(contents) is not None


def _elements_ok(region: str) -> bool:
    """Whether ``region`` is one or more hash-list element lines (see ``_ELEMENTS``).

    Equivalent to ``_ELEMENTS.fullmatch(region)``, in a fraction of the time: the region is cut
    at its double quotes, the string bodies (every other piece) are checked in one pass, and the
    pattern runs over the region with every string emptied. Quotes pair up in order in both
    readings, since no character the patterns accept between quotes is a quote.
    """
    pieces = region.split('"')
    if len(pieces) % 2 == 0:
        return False  # an unpaired quote
    if not _plain_strings("".join(pieces[1::2])):
        return False
    return _pattern("elements").fullmatch('""'.join(pieces[0::2])) is not None


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    """The element patterns, compiled on first use (about 20 ms: not at import)."""
    if name == "elements":
        return re.compile(_ELEMENTS)
    # Regions joined with NUL (see ``_all_elements_ok``).
    return re.compile(rf"(?:{_ELEMENTS})(?:\x00(?:{_ELEMENTS}))*+")


def _all_elements_ok(regions: Sequence[str]) -> bool:
    """Whether every region passes ``_elements_ok``, in one pass over all of them.

    The regions are joined with NUL, a character no region that passes can hold (it is neither
    in the patterns nor allowed in a string), so the joined text passes exactly when each
    region does: a quote left unpaired in one region would pair across a NUL, and fail.
    """
    joined = "\x00".join(regions)
    pieces = joined.split('"')
    if len(pieces) % 2 == 0 or not _plain_strings("".join(pieces[1::2])):
        return False
    return _lines_ok('""'.join(pieces[0::2]), len(regions))


# Digits 2-9 read as 1: ``0`` and ``[1-9][0-9]*`` keep their shape, so element lines that differ
# only in their numbers (file sizes) have one shape, checked once.
_DIGITS: Final = bytes.maketrans(b"23456789", b"11111111")
_REGION_END: Final = "\x02"


def _lines_ok(shrunk: str, regions: int) -> bool:
    """``_pattern("separated").fullmatch(shrunk)``, checking each distinct line shape once.

    Elements are single lines, so the pattern holds exactly when every line is an element
    followed by a comma, except the last line of each region (the one before a NUL, or the
    very last), whose comma is optional. That line is marked with a control character (absent
    from any text that passes), and each distinct line, digits folded, is matched once.
    """
    if (
        not shrunk.isascii()
        or not shrunk.endswith("\n")
        or _REGION_END in shrunk
        or shrunk.count("\x00") != regions - 1  # every NUL must be a separator
    ):
        return _pattern("separated").fullmatch(shrunk) is not None
    marked = (shrunk[:-1] + _REGION_END).replace("\n\x00", _REGION_END + "\n")
    shapes = set(marked.encode("ascii").translate(_DIGITS).split(b"\n"))
    line = _line_pattern()
    return all(line.fullmatch(shape) is not None for shape in shapes)


@functools.cache
def _line_pattern() -> re.Pattern[bytes]:
    """One element line of a region: a comma, or the region's end mark (comma optional)."""
    end = _REGION_END.encode("unicode_escape").decode()
    return re.compile(rf"{_ELEMENT}{_WS}(?:,{_WS}\r?|,?+{_WS}\r?{end})".encode())


# --- The same, in bulk, over UTF-8 bytes -------------------------------------------------------
#
# ``_Elider.sub_bytes`` gives the UTF-8 encoding of what ``_Elider.sub`` gives for the decoded
# text, without decoding the lists it blanks: every pattern above is ASCII, refuses any non-ASCII
# character outside a string and allows any inside one, so it decides the same on the bytes.
# The lists' elements are checked in batches of about ``_BATCH`` bytes (large temporary buffers
# cost more in page faults than in work), each in a few passes: cut at double quotes; the
# characters no string may hold and no element may hold outside a string either looked for in
# the whole batch, one ``memchr`` each (gathering the string bodies first costs more); the three
# an element may hold outside strings only (line break, carriage return, NUL) counted with and
# without the string bodies; and the rest, the element lines with their strings emptied, matched
# shape by shape (digits folded, as in ``_lines_ok``). A list's elements end at its first "]",
# found with ``bytes.find``, not by the pattern that finds the list (several times slower).

_BATCH: Final = 64 * 1024
#: The characters a string may not hold (see ``_STR``), one by one: looking for each with a
#: ``memchr`` is several times faster than one ``translate``.
_UNSAFE_BYTES: Final = tuple(bytes([c]) for c in _UNSAFE_ASCII)
_END_MARK: Final = _REGION_END.encode()
#: Those of them that no element holds outside a string either (all but line break, carriage
#: return and NUL), so that they can be looked for in a whole region.
_UNSAFE_ANYWHERE: Final = tuple(b for b in _UNSAFE_BYTES if b not in (b"\n", b"\r", b"\x00"))
_BCLOSE: Final = re.compile(_CLOSE.pattern.encode())
#: A list's closing line from its "]" on (``sub_bytes``).
_BCLOSE_AT: Final = re.compile(rb"\][ \t]*+\r?(?=\n|\Z)")


def _empty_strings(raw: bytes) -> bytes | None:
    """``raw`` with every string body emptied, or None when a quote is unpaired or a string
    body holds a character ``_STR`` refuses. (Line breaks stay where they were, since no
    string holds one.)"""
    pieces = raw.split(b'"')
    if len(pieces) % 2 == 0:
        return None
    bodies = b"".join(pieces[1::2])
    if any(byte in bodies for byte in _UNSAFE_BYTES):
        return None
    return b'""'.join(pieces[0::2])


class _Checker:
    """Element regions and inline tables, checked in batches; line shapes seen pass once.

    ``newlines`` gets the number of line breaks of each region, in order, as batches pass.
    With ``track_ascii``, ``ascii`` stays True while every region and every table that passes
    is ASCII (a table that does not pass may clear it too: it only ever errs towards False).
    """

    __slots__ = (
        "_good",
        "_table_good",
        "_track_ascii",
        "ascii",
        "newlines",
        "regions",
        "regions_bytes",
    )

    def __init__(self, track_ascii: bool = False) -> None:
        self._good: set[bytes] = set()
        self._table_good: set[bytes] = set()
        self._track_ascii = track_ascii
        self.ascii = True
        self.regions: list[bytes] = []
        self.regions_bytes = 0
        self.newlines: list[int] = []

    def add_region(self, region: bytes) -> bool:
        """Queue a region; False once a batch is known not to pass ``_all_elements_ok``."""
        self.regions.append(region)
        self.regions_bytes += len(region)
        return self.regions_bytes < _BATCH or self.flush()

    def flush(self) -> bool:
        """Check the queued regions: whether all pass ``_elements_ok``."""
        regions = self.regions
        if not regions:
            return True
        self.regions = []
        self.regions_bytes = 0
        # ``_empty_strings`` without gathering the string bodies: a byte no string holds and
        # no element holds outside one either fails wherever it is, and a line break, carriage
        # return or NUL (the separator) fails in a string, which the counts show, since
        # emptying the strings removes exactly what they held.
        joined = b"\x00".join(regions)
        if self._track_ascii and self.ascii and not joined.isascii():
            self.ascii = False
        pieces = joined.split(b'"')
        if len(pieces) % 2 == 0 or any(byte in joined for byte in _UNSAFE_ANYWHERE):
            return False
        shrunk = b'""'.join(pieces[0::2])
        newlines = [region.count(b"\n") for region in regions]
        if (
            shrunk.count(b"\n") != sum(newlines)
            or shrunk.count(b"\x00") != len(regions) - 1
            or (b"\r" in joined and shrunk.count(b"\r") != joined.count(b"\r"))
            or not shrunk.endswith(b"\n")
            or _END_MARK in shrunk
        ):
            return False
        marked = (shrunk[:-1] + _END_MARK).replace(b"\n\x00", _END_MARK + b"\n")
        new = set(marked.translate(_DIGITS).split(b"\n")) - self._good
        line = _line_pattern()
        if not all(line.fullmatch(shape) is not None for shape in new):
            return False
        self._good |= new
        self.newlines.extend(newlines)
        return True

    def tables_ok(self, tables: list[bytes]) -> list[bool]:
        """For each text, whether it is exactly one ``_TABLE``."""
        exact = _table_pattern()
        out: list[bool] = []
        for first in range(0, len(tables), 256):
            batch = tables[first : first + 256]
            joined = b"\n".join(batch)
            if self._track_ascii and self.ascii and not joined.isascii():
                self.ascii = False
            shrunk = _empty_strings(joined)
            if shrunk is not None:
                new = set(shrunk.translate(_DIGITS).split(b"\n")) - self._table_good
                if all(exact.fullmatch(shape) is not None for shape in new):
                    self._table_good |= new
                    out.extend([True] * len(batch))
                    continue
            out.extend(exact.fullmatch(table) is not None for table in batch)
        return out


@functools.cache
def _table_pattern() -> re.Pattern[bytes]:
    return re.compile(_TABLE.encode())


class _Edits:
    """What ``_Elider.sub_bytes`` has decided so far."""

    __slots__ = ("checker", "done", "edits", "lists", "raw", "table_keys", "tables")

    def __init__(self, raw: bytes, track_ascii: bool = False) -> None:
        self.raw = raw
        self.checker = _Checker(track_ascii)
        self.done = 0  # raw[:done] is settled
        # (start, end, replacement) in order; an inline table's replacement stays None until
        # the tables are checked.
        self.edits: list[tuple[int, int, bytes | None]] = []
        self.tables: list[bytes] = []
        self.table_keys: list[tuple[int, bytes, bytes]] = []  # (index in edits, key, tail)
        self.lists: list[tuple[int, bytes, bytes]] = []  # (index in edits, key line, close)

    def blank_list(self, start: int, end: int, key: bytes, region: bytes, close: bytes) -> bool:
        """A list's elements, ``region``, between its ``key`` line and ``close`` line."""
        self.lists.append((len(self.edits), key, close))
        self.edits.append((start, end, None))
        self.done = end
        return self.checker.add_region(region)

    def table(self, start: int, key: bytes, rest: bytes, end: int) -> None:
        """An inline table candidate: ``key``, then ``rest`` up to the line break at ``end``."""
        table = (rest[:-1] if rest.endswith(b"\r") else rest).rstrip(b" \t")
        self.table_keys.append((len(self.edits), key, rest[len(table) :]))
        self.tables.append(table)
        self.edits.append((start, end, None))
        self.done = end

    def result(self) -> bytes | None:
        """The blanked text, or None when some list's elements do not pass."""
        if not self.checker.flush():
            return None
        edits = self.edits
        for (at, key, close), newlines in zip(self.lists, self.checker.newlines, strict=True):
            start, end, _ = edits[at]
            edits[at] = (start, end, key + b"\n" * (1 + newlines) + close)
        for (at, key, tail), ok in zip(
            self.table_keys, self.checker.tables_ok(self.tables), strict=True
        ):
            if ok:
                start, end, _ = edits[at]
                edits[at] = (start, end, key + b"{}" + tail)
        raw = self.raw
        out: list[bytes] = []
        done = 0
        for start, end, replacement in edits:
            if replacement is not None:
                out.append(raw[done:start])
                out.append(replacement)
                done = end
        if not out:
            return raw
        out.append(raw[done:])
        return b"".join(out)


class _Elider:
    """The compiled patterns for one choice of keys."""

    __slots__ = ("_bopen", "_inline", "_inline_key", "_open", "_scan", "_scan_rest", "_starts")

    def __init__(self, array_keys: tuple[str, ...], inline_keys: tuple[str, ...]) -> None:
        keys = "|".join(re.escape(k) for k in dict.fromkeys((*array_keys, *inline_keys)))
        # Line breaks followed by a key: one pass that jumps from line break to line break.
        self._starts = re.compile(rf"\n(?={keys})") if keys else None
        self._open: re.Pattern[str] | None = None
        self._bopen: re.Pattern[bytes] | None = None
        # For ``sub_bytes``: one search finds the next line start and, in the usual cases,
        # what ``_plan`` does there: a list's key line (``akey``), whose elements run to the
        # first "]" (no string holds one in practice), found with ``bytes.find`` (several times
        # faster than a pattern over the elements) and taken when it starts the list's closing
        # line; an inline table's key and the rest of its line (``ikey``, ``rest``); any other
        # line start, matched empty. Where a list's key line is not followed that way, the
        # other alternatives are tried at the same line start (``_scan_rest``), as they are
        # when the first alternative of a single pattern fails.
        scan: list[str] = []
        rest: list[str] = []
        if array_keys:
            arrays = "|".join(re.escape(k) for k in array_keys)
            opener = rf"(?:{arrays})[ \t]*=[ \t]*\["
            self._open = re.compile(rf"{opener}(?=\r?\n)")
            self._bopen = re.compile(self._open.pattern.encode())
            scan.append(rf"(?P<akey>{opener})\r?\n")
        self._inline: re.Pattern[str] | None = None
        self._inline_key: re.Pattern[bytes] | None = None
        if inline_keys:
            inline = "|".join(re.escape(k) for k in inline_keys)
            self._inline = re.compile(
                rf"(?P<ikey>(?:{inline})[ \t]*=[ \t]*){_TABLE}(?P<tail>[ \t]*\r?)(?=\n|\Z)"
            )
            # What ``_inline`` matches before its table.
            key = rf"(?:{inline})[ \t]*=[ \t]*"
            self._inline_key = re.compile(rf"{key}(?=\{{)".encode())
            rest.append(rf"(?P<ikey>{key})(?P<rest>\{{[^\n]*+)")
        rest.append(rf"(?={keys})")
        scan.extend(rest)
        self._scan = re.compile(rf"\n(?:{'|'.join(scan)})".encode()) if keys else None
        self._scan_rest = re.compile(rf"\n(?:{'|'.join(rest)})".encode())

    def sub(self, text: str) -> str:
        if self._starts is None:
            return text
        if "\x00" not in text:
            try:
                raw = text.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate
                pass
            else:
                blanked = self.sub_bytes(raw)
                if blanked is not None:
                    return text if blanked is raw else blanked.decode("utf-8")
        starts = [0]
        starts.extend(m.end() for m in self._starts.finditer(text))
        # Plan as if every list's elements were valid, then check them all in one pass: the
        # usual case. If any is not, go again checking list by list (what a list that is left
        # alone contains can change which later lines are looked at).
        pieces, regions = self._plan(text, starts, None)
        if regions and not _all_elements_ok(regions):
            pieces, _ = self._plan(text, starts, _elements_ok)
        return "".join(pieces) if len(pieces) > 1 else text

    def sub_bytes(self, raw: bytes, removed_ascii: bool = False) -> bytes | None:
        """``sub`` over UTF-8 text holding no NUL: ``raw`` itself when nothing is blanked, and
        None when some list is not blanked for a reason that ``sub`` must look into. With
        ``removed_ascii``, also None when some byte blanked is not ASCII."""
        scan = self._scan
        if scan is None:
            return raw
        if b"\x00" in raw:
            return None  # NUL separates the lists in the checks
        state = _Edits(raw, removed_ascii)
        # Line starts, in order, as ``sub`` takes them, each found by ``scan`` with what
        # ``sub`` would do there in the usual cases, and any other left to ``_at``.
        if not self._at(state, 0):
            return None
        search = scan.search
        find = raw.find
        close_at = _BCLOSE_AT.match
        # ``state.blank_list`` and ``state.table``, inlined for the usual cases (a call costs
        # as much as the rest of the work on a list).
        edits = state.edits
        checker = state.checker
        at = 0  # where the search goes on: after this match, and not before ``done - 1``
        while (m := search(raw, max(at, state.done - 1))) is not None:
            start = m.start() + 1
            at = m.end()
            kind = m.lastgroup  # the last group of the alternative that matched
            if kind == "akey":
                # The elements: one or more bytes up to the first "]", which must start a line
                # that holds only the closing bracket (then spaces or tabs, maybe a "\r").
                close = None
                end = find(b"]", at)
                if end > at and raw[end - 1] == 0x0A:
                    close = close_at(raw, end)
                if close is not None:  # a list whose first "]" starts its closing line
                    region = raw[at:end]
                    at = state.done = close.end()
                    state.lists.append((len(edits), m.group("akey"), close.group()))
                    edits.append((start, at, None))
                    checker.regions.append(region)
                    checker.regions_bytes += len(region)
                    if checker.regions_bytes >= _BATCH and not checker.flush():
                        return None
                    continue
                m = self._scan_rest.match(raw, m.start())  # as the single pattern would go on
                assert m is not None  # its last alternative matches wherever a key starts
                at = m.end()
                kind = m.lastgroup
            if kind == "rest":  # an inline table, to its line's end
                rest = m.group("rest")
                table = (rest[:-1] if rest[-1:] == b"\r" else rest).rstrip(b" \t")
                state.table_keys.append((len(edits), m.group("ikey"), rest[len(table) :]))
                state.tables.append(table)
                edits.append((start, at, None))
                state.done = at
            elif not self._at(state, start):
                return None
        blanked = state.result()
        if removed_ascii and not state.checker.ascii:
            return None
        return blanked

    def _at(self, state: _Edits, start: int) -> bool:
        """What ``_plan`` does at one line start (lists checked in bulk): False when a list's
        elements do not pass."""
        raw = state.raw
        if start < state.done:
            return True
        if self._bopen is not None:
            m = self._bopen.match(raw, start)
            if m is not None:
                first = m.end() + (2 if raw.startswith(b"\r", m.end()) else 1)
                close = _BCLOSE.search(raw, first - 1)
                if close is not None and close.start() >= first:
                    region = raw[first : close.start() + 1]
                    return state.blank_list(start, close.end(), m.group(), region, close.group(1))
        if self._inline_key is not None:
            m = self._inline_key.match(raw, start)
            if m is not None:
                end = raw.find(b"\n", m.end())
                end = len(raw) if end < 0 else end
                state.table(start, m.group(), raw[m.end() : end], end)
        return True

    def _plan(
        self, text: str, starts: list[int], check: Callable[[str], bool] | None
    ) -> tuple[list[str], list[str]]:
        """The output pieces, and the element regions blanked (``check`` approves each one)."""
        out: list[str] = []
        regions: list[str] = []
        done = 0  # text[:done] is settled
        for start in starts:
            if start < done:
                continue
            if self._open is not None:
                m = self._open.match(text, start)
                if m is not None:
                    first = m.end() + (2 if text.startswith("\r", m.end()) else 1)
                    close = _CLOSE.search(text, first - 1)
                    if close is not None and close.start() >= first:
                        region = text[first : close.start() + 1]
                        if check is None or check(region):
                            regions.append(region)
                            out.append(text[done:start])
                            out.append(m.group())
                            out.append("\n" * (1 + region.count("\n")))
                            out.append(close.group(1))
                            done = close.end()
                            continue
            if self._inline is not None:
                m = self._inline.match(text, start)
                if m is not None:
                    out.append(text[done:start])
                    out.append(m.group("ikey") + "{}" + m.group("tail"))
                    done = m.end()
        out.append(text[done:])
        return out, regions


_ELIDERS: dict[tuple[tuple[str, ...], tuple[str, ...]], _Elider] = {}


def elide_hash_arrays(text: str, array_keys: Sequence[str], inline_keys: Sequence[str] = ()) -> str:
    """Blank the elements of ``key = [ {...}, ... ]`` lists (and ``key = {...}`` lines).

    Lockfiles spend most of their bytes on per-file hashes (uv's ``wheels``/``sdist``, poetry's
    and pdm's ``files``) that inventory never reads: blanking them first makes parsing several
    times faster. A list is blanked only when its key starts a line, its ``[`` ends that line,
    each following line up to the one holding only ``]`` is an element of the strict form above,
    and an inline table only when it fills the rest of its line. Line breaks are kept (so error
    lines and entry lines do not move) and so is the key, so a duplicate key is still an error;
    anything else, including a malformed element, is left for the parser to read or reject.
    """
    key = (tuple(array_keys), tuple(inline_keys))
    elider = _ELIDERS.get(key)
    if elider is None:
        elider = _ELIDERS.setdefault(key, _Elider(*key))
    return elider.sub(text)


def elide_hash_arrays_if_utf8(
    data: bytes, array_keys: Sequence[str], inline_keys: Sequence[str] = ()
) -> str | None:
    """``elide_hash_arrays(data.decode("utf-8"), ...)`` for bytes without NUL that may not be
    UTF-8, when every byte blanked is ASCII; None when the bytes are not UTF-8, or when only
    decoding them whole can tell (a blanked list holds other characters, or the bulk path
    leaves the text to ``sub``).

    Only what is left is decoded. That is enough: the blanked parts and what stands in for
    them are ASCII and never empty, so no multi-byte character can be cut at their edges, and
    the result decodes exactly when the whole does.
    """
    key = (tuple(array_keys), tuple(inline_keys))
    elider = _ELIDERS.get(key)
    if elider is None:
        elider = _ELIDERS.setdefault(key, _Elider(*key))
    blanked = elider.sub_bytes(data, removed_ascii=True)
    if blanked is None:
        return None
    try:
        return blanked.decode("utf-8")
    except UnicodeDecodeError:
        return None


def elide_hash_arrays_utf8(
    data: bytes, array_keys: Sequence[str], inline_keys: Sequence[str] = ()
) -> str:
    """``elide_hash_arrays(data.decode("utf-8"), ...)``, for valid UTF-8 without NUL; only the
    result is decoded (decoding the whole file costs more than the blanking saves)."""
    key = (tuple(array_keys), tuple(inline_keys))
    elider = _ELIDERS.get(key)
    if elider is None:
        elider = _ELIDERS.setdefault(key, _Elider(*key))
    blanked = elider.sub_bytes(data)
    if blanked is None:
        return elider.sub(data.decode("utf-8"))
    return blanked.decode("utf-8")


# --- Entry lines ------------------------------------------------------------------------------


def entry_lines(
    text: str, array_key: str, entries: Sequence[Mapping[str, Any]]
) -> list[int | None]:
    """The line where each entry of the array of tables ``array_key`` starts.

    The usual layout has one ``[[key]]`` header per entry; when the header count matches, the
    n-th header starts the n-th entry. Otherwise (an inline array, or a header-like line inside a
    multi-line string) each entry is found by its ``name = "..."`` pair, in order.
    """
    starts = _header_starts(text, array_key)
    if len(starts) == len(entries):
        return _lines_at(text, starts)
    found: list[int | None] = []
    offsets: list[int] = []
    index_of: list[int] = []
    pos = 0
    for i, entry in enumerate(entries):
        found.append(None)
        name = entry.get("name")
        if not isinstance(name, str):
            continue
        m = re.compile(rf"(?<![\w.-])name[ \t]*=[ \t]*([\"']){re.escape(name)}\1").search(text, pos)
        if m is None:
            continue
        pos = m.end()
        offsets.append(m.start())
        index_of.append(i)
    for i, line in zip(index_of, _lines_at(text, offsets), strict=True):
        found[i] = line
    return found


_HEADERS: dict[str, re.Pattern[str]] = {}


def _header_starts(text: str, array_key: str) -> list[int]:
    """Offsets of the lines that are exactly a ``[[array_key]]`` header (maybe commented).

    The pattern starts with the literal ``[[``, which the engine looks for with a fast string
    search; a match counts when only spaces and tabs stand between its line's start and it.
    (A match never goes past its line's end, and the only one on a line that can count is the
    first, so no header is hidden by a match that does not count.)
    """
    pattern = _HEADERS.get(array_key)
    if pattern is None:
        key = re.escape(array_key)
        pattern = _HEADERS.setdefault(
            array_key,
            re.compile(rf"\[\[[ \t]*(?:{key}|\"{key}\")[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?(?=\n|\Z)"),
        )
    starts: list[int] = []
    rfind = text.rfind
    for m in pattern.finditer(text):
        at = m.start()
        line_start = rfind("\n", 0, at) + 1
        if line_start == at or not text[line_start:at].strip(" \t"):
            starts.append(line_start)
    return starts


def _lines_at(text: str, offsets: Sequence[int]) -> list[int | None]:
    """1-based line numbers of increasing character offsets, in one pass."""
    lines: list[int | None] = []
    line = 1
    last = 0
    for off in offsets:
        line += text.count("\n", last, off)
        last = off
        lines.append(line)
    return lines
