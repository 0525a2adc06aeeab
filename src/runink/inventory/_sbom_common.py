"""Shared machinery of the SBOM and scanner-report parsers.

Every SBOM-like format is read in two steps. The format's module turns the document into
``Entry`` records (one per package the document lists, in document order) plus an optional
dependency ``Graph``; ``assemble`` then does what all formats share:

* **Identity.** A package is identified by its purl, parsed with ``runink.model.purl``. A
  package without a purl, with a purl that cannot be parsed, or with a purl type that has no
  OSV ecosystem (``pkg:generic``, ``pkg:oci``, ...) is ``Skipped`` with the reason; so is one
  without a version (neither in the purl nor in the document's version field). A purl without
  a version takes the document's version field, and the canonical purl then carries it.
* **Distribution packages.** OSV's Debian, Ubuntu and Alpine advisories name *source*
  packages (``openssl``, not ``libssl3``). When the document says which source package a binary
  package was built from (Syft's ``upstream`` purl qualifier, ``source``/``origin`` qualifiers,
  Trivy's ``SrcName``/``SrcVersion`` or ``built package from:`` source info), the component is
  named after the source package, at the source version when one is given (a binary may carry
  an epoch or a binNMU suffix its source does not). Its purl is then the source package's, built
  from the component (``purl_override`` stays None so that purl and name agree), and the
  binaries of one source at one version are one component. An ``epoch`` purl qualifier
  becomes part of the version (``1:1.1.1k-7.el8``), as rpm compares it.
* **Go.** A ``(devel)`` version is a local build with no release and is ``Skipped``; the
  standard library (``stdlib``) is versioned as OSV files it (``1.21.0``, no ``go``/``v``).
* **Graph.** With a dependency graph and one or more roots, a component the root depends on
  directly has ``direct=True``; one reached through others ``direct=False``; ``path`` is the
  shortest chain of names from the root to the component, both included. A component that is
  in the graph but not reachable from a root is ``direct=False`` with no path; one that is not
  in the graph at all keeps ``direct=None``.
* **Duplicates.** Entries with the same document reference, or resolving to the same
  (ecosystem, name, version), are one component: the first occurrence's line and purl,
  ``direct`` if any occurrence is direct, the widest scope and the shortest path.

The module also holds the format-neutral document models that two parsers share (CycloneDX
JSON/XML and SPDX 2 JSON/tag-value) and the helpers that turn their metadata into the flat
``ParseResult.metadata`` dictionary.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, islice, repeat
from typing import Final, TypeVar

import msgspec
import orjson
from packageurl import PackageURL

from runink.errors import InvalidPurlError, ParseError
from runink.inventory.base import ParseResult
from runink.model._slots import slot_init
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name
from runink.model.purl import (
    PackageRef,
    package_ref,
    parse_purl,
    purl_and_canonical,
    purl_to_string,
)

#: The largest document the SBOM parsers read (256 MiB).
MAX_DOCUMENT_BYTES: Final = 256 * 1024 * 1024

# Scopes from the most to the least production-like: merging duplicates keeps the first.
_SCOPE_ORDER: Final = ("runtime", "provided", "optional", "build", "test", "dev", "excluded")

_SOURCE_DISTROS: Final = frozenset({"Debian", "Ubuntu", "Alpine"})
_SOURCE_QUALIFIERS: Final = ("upstream", "source", "origin")
_SOURCE_VERSION_QUALIFIERS: Final = ("sourceversion", "source_version")


# --------------------------------------------------------------------------------------------
# Bytes in


def check_size(path: str, data: bytes) -> None:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(
            path, f"document is {len(data)} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes"
        )


def utf8_bytes(path: str, data: bytes) -> bytes:
    """The document as UTF-8 without a byte-order mark (UTF-16 documents are converted)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(path, f"invalid UTF-16 text: {exc.reason}") from exc
    return data


def decode_text(path: str, data: bytes) -> str:
    """Decode a text document (UTF-8, or UTF-16 with a byte-order mark)."""
    check_size(path, data)
    raw = utf8_bytes(path, data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ParseError(path, f"not UTF-8 text ({exc.reason})", line=line) from exc


def load_json(path: str, data: bytes) -> tuple[object, bytes]:
    """Parse a JSON document with orjson; returns the value and the UTF-8 bytes it came from."""
    check_size(path, data)
    raw = utf8_bytes(path, data)
    if not raw.strip():
        raise ParseError(path, "empty document")
    try:
        return orjson.loads(raw), raw
    except orjson.JSONDecodeError as exc:
        raise ParseError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from exc


# What msgspec accepts in the members it skips and orjson refuses: a number out of the range of
# a float (msgspec checks only its syntax). In a valid document such a number has an integer part
# of over 200 digits, or a digit, an exponent of three digits or more, and what may follow a
# value (white space, ",", "]" or "}"). To find either fast, the document is first mapped to a few
# classes of bytes: digits to "0", "e"/"E" to "e", signs to "+", what may follow a value to " ",
# anything else to "x", but DEL and the non-ASCII bytes to DEL: the same mapping then also
# serves as ``_utf8_stretches_ok``'s ASCII view of the document (one pass over it, not two).
# A match may also lie inside a string: such a document is merely read the general way.
_NUMBER_CLASSES: Final = bytes(
    ord("0")
    if chr(b).isdigit() and b < 128
    else ord("e")
    if b in b"eE"
    else ord("+")
    if b in b"+-"
    else ord(" ")
    if b in b" \t\n\r\f\v,]}"
    else 0x7F
    if b >= 0x7F
    else ord("x")
    for b in range(256)
)
_LONG_DIGITS: Final = b"0" * 200


def _huge_number(raw: bytes) -> bool:
    return _huge_classes(raw.translate(_NUMBER_CLASSES))


def _huge_classes(classes: bytes) -> bool:
    """``_huge_number`` of a document, given its classes of bytes."""
    if _LONG_DIGITS in classes:
        return True
    # Searched backwards: the search then tests each window's first byte ("0"), which is far
    # rarer than its last (" ", the class of the indentation), and skips faster. "000 " cannot
    # overlap itself, so each search may end where the previous match began.
    rfind = classes.rfind
    at = rfind(b"000 ")
    while at >= 0:
        start = at
        while start > 0 and classes[start - 1] == 0x30:  # "0": the start of the digits
            start -= 1
        if start > 0 and classes[start - 1] == 0x2B:  # "+": a signed exponent
            start -= 1
        # An exponent follows a digit: "0e000 ".
        if start > 1 and classes[start - 1] == 0x65 and classes[start - 2] == 0x30:
            return True
        at = rfind(b"000 ", 0, at)
    return False


_T = TypeVar("_T")


def fast_json_ok(raw: bytes) -> bool:
    """Whether msgspec may read ``raw`` (UTF-8 without a byte-order mark) in place of orjson:
    whenever msgspec then parses it, orjson parses it too, to the same values. msgspec does not
    check the UTF-8 of the strings it skips, nor the range of the numbers it skips; everything
    else (syntax, escapes, surrogates, control characters, nesting) it checks at least as
    strictly (``tests/inventory/sbom/test_typed_json.py`` compares both on many documents)."""
    classes = raw.translate(_NUMBER_CLASSES)
    if raw.isascii():
        return not _huge_classes(classes)
    return _utf8_stretches_ok(raw, classes) and not _huge_classes(classes)


_MAX_STRETCHES: Final = 256


def _utf8_stretches_ok(raw: bytes, view: bytes) -> bool:
    """Whether ``raw`` is UTF-8, decoding only its stretches of non-ASCII bytes (a large SBOM
    with a few dozen such bytes: 14 ms instead of 30 ms for 12 MB).

    A byte string is UTF-8 exactly when each stretch between ASCII bytes is: an ASCII byte is
    never part of a longer sequence. The stretches are found in ``view`` (non-ASCII bytes as
    DEL, and no other byte but DEL as DEL: ``raw`` through ``_NUMBER_CLASSES``); a stretch may
    take in a real DEL, which is valid UTF-8 on its own. Past a few hundred
    stretches (much non-ASCII text) the rest is decoded at once."""
    find = view.find
    end = len(view)
    start = find(b"\x7f")
    stretches = 0
    while start >= 0:
        stretches += 1
        stop = start + 1
        while stop < end and view[stop] == 0x7F:
            stop += 1
        if stretches > _MAX_STRETCHES:
            stop = end
        try:
            raw[start:stop].decode("utf-8")
        except UnicodeDecodeError:
            return False
        start = find(b"\x7f", stop)
    return True


def typed_decode(decoder: msgspec.json.Decoder[_T], raw: bytes) -> _T | None:
    """``raw`` read by a typed msgspec ``decoder``, or None when the general (orjson) reading
    must decide: a document msgspec might judge differently (``fast_json_ok``), one it refuses,
    or one nested deeper than it can recurse."""
    if not fast_json_ok(raw):
        return None
    try:
        return decoder.decode(raw)
    except (msgspec.MsgspecError, RecursionError):
        return None


def plain_texts(obj: dict[str, object], members: Sequence[str]) -> list[str | None] | None:
    """Each member's stripped text (None when absent or blank), or None when a member is
    present but not a string: the general reading then names the member that is wrong."""
    get = obj.get
    texts: list[str | None] = []
    for member in members:
        value = get(member)
        if value is None:
            texts.append(None)
        elif type(value) is str:
            texts.append(value.strip() or None)
        else:
            return None
    return texts


def raw_value(value: msgspec.Raw) -> object:
    """The value of a member kept as raw JSON (orjson's reading); None when absent."""
    return orjson.loads(memoryview(value)) if len(value) else None


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def as_object(path: str, value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ParseError(path, f"{where}: expected an object, found {type_name(value)}")
    return value


def as_array(path: str, value: object, where: str) -> list[object]:
    """A JSON array; a missing member (None) is an empty array."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(path, f"{where}: expected an array, found {type_name(value)}")
    return value


def opt_str(path: str, obj: Mapping[str, object], key: str, where: str) -> str | None:
    """A string member, or None when absent. Integers are accepted as their decimal text."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ParseError(path, f"{where}.{key}: expected a string, found {type_name(value)}")


def str_list(path: str, obj: Mapping[str, object], key: str, where: str) -> list[str]:
    """An array of strings (a lone string is accepted as a one-element array)."""
    value = obj.get(key)
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for i, item in enumerate(as_array(path, value, f"{where}.{key}")):
        if not isinstance(item, str):
            raise ParseError(
                path, f"{where}.{key}[{i}]: expected a string, found {type_name(item)}"
            )
        out.append(item)
    return out


def clean(text: str | None) -> str | None:
    """Strip surrounding whitespace; an empty string is None."""
    if text is None:
        return None
    text = text.strip()
    return text or None


# --------------------------------------------------------------------------------------------
# Lines in JSON documents


def _decode_json_string(raw: bytes) -> str | None:
    if b"\\" not in raw:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        value = orjson.loads(b'"' + raw + b'"')
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None


# The string body unrolled ([^"\\]* between escapes): the same matches as (?:[^"\\]|\\.)*,
# in half the time.
_BODY: Final = rb'[^"\\]*(?:\\.[^"\\]*)*'
_ESCAPED_BODY: Final = rb'[^"\\]*\\.[^"\\]*(?:\\.[^"\\]*)*'
_MAX_PREFIXES: Final = 8


def _prefixes(values: Iterable[str]) -> set[bytes] | None:
    """A few starts (UTF-8) that every value written without escapes has one of (each value
    up to its second "-", as in ``SPDXRef-Package-``), or None when they would be too many to
    be worth a pattern.

    The values are looked at as text, not encoded one by one (a document has thousands): "\\"
    and '"' are the same characters either way, and only a start is encoded. A start that
    cannot be encoded (a lone surrogate, which only an escape can spell) is left out."""
    found: set[bytes] = set()
    known: tuple[str, ...] = ()
    starts: set[str] = set()
    for value in values:
        if known and value.startswith(known):  # most values share the first one's start
            continue
        if "\\" in value or '"' in value:  # only an escape spells it: always matched
            continue
        first = value.find("-")
        second = value.find("-", first + 1) if first >= 0 else -1
        start = value[: second + 1] if second >= 0 else value
        try:
            found.add(start.encode("utf-8"))
        except UnicodeEncodeError:
            continue
        if len(found) > _MAX_PREFIXES:
            return None
        starts.add(start)
        known = tuple(starts)
    return found


def _pair_pattern(key: str, wanted: Iterable[str] | None) -> re.Pattern[bytes]:
    """The pattern of ``"key": "value"`` pairs, group 1 the raw value.

    With ``wanted`` values, a pair whose value is spelled without escapes is only matched when
    it starts like a wanted value: an SPDX document's thousands of files (``SPDXRef-File-``)
    then never reach Python. A value with an escape is always matched (it may decode to a
    wanted value). In a valid JSON document no pair starts inside another's value (its quotes
    are escaped there), so the pairs matched are those of the full pattern whose value may be
    wanted, at the same places."""
    head = rb'"' + re.escape(key.encode("utf-8")) + rb'"\s*:\s*"('
    starts = _prefixes(wanted) if wanted is not None else None
    if starts is None:
        return re.compile(head + _BODY + rb')"')
    if not starts:
        return re.compile(head + _ESCAPED_BODY + rb')"')
    alternatives = b"|".join(re.escape(start) for start in sorted(starts))
    return re.compile(
        head + rb"(?:" + alternatives + rb")" + _BODY + rb"|" + _ESCAPED_BODY + rb')"'
    )


_MATCH_GROUP: Final = re.Match.group
_MATCH_START: Final = re.Match.start


def _repeats(values: list[str], lines: list[int]) -> dict[str, deque[int]]:
    """All the lines, in order, of each value that occurs more than once."""
    seen: dict[str, int] = {}
    queues: dict[str, deque[int]] = {}
    for value, line in zip(values, lines, strict=True):
        known = seen.get(value)
        if known is None:
            seen[value] = line
        else:
            queue = queues.get(value)
            if queue is None:
                queues[value] = deque((known, line))
            else:
                queue.append(line)
    return queues


def _still_missing(
    distinct: int, repeated: dict[str, int], seen: set[str], found: list[str]
) -> int:
    """How many more pairs must at least be found before each of ``distinct`` wanted values
    has been found once, and those of ``repeated`` as many times as it says (``seen``: the
    values found, ``found``: each pair's, in order)."""
    missing = distinct - len(seen)
    if repeated:
        counts = Counter(found)
        missing += sum(max(times - max(counts[value], 1), 0) for value, times in repeated.items())
    return missing


class LineIndex:
    """The 1-based lines of selected string members of a JSON document.

    JSON parsers do not report positions, so the raw bytes are scanned once per key for
    ``"key": "value"`` pairs. ``take`` hands out the lines of one pair in document order, so
    that repeated values (duplicated components) get successive lines.

    In a valid document (the only kind indexed: it has been parsed first) every unescaped
    quote delimits a string, so the pairs of one key never overlap those of another, and one
    scan per key finds what one scan for all keys would. Most values occur once: they map to
    their line; a repeated value also has a queue of its lines.

    A key is scanned when first asked for (a CycloneDX ``bom-ref`` is asked only for components
    without a purl). ``wanted``, when given, holds every value ``take`` will be asked for: the
    others are not recorded (an SPDX document's files have ``SPDXID`` members too). With
    ``counted``, ``wanted`` lists each value as many times as it will be asked for: the scan
    then stops once it has seen each that many times (an SPDX document lists its packages
    before its files and relationships, so most of it is never scanned). ``take`` hands out a
    value's lines in document order, so the lines past those are never handed out anyway.
    """

    def __init__(
        self,
        data: bytes,
        keys: Iterable[str],
        wanted: Iterable[str] | None = None,
        *,
        counted: bool = False,
    ) -> None:
        self._data = data
        self._keys = frozenset(keys)
        self._first: dict[str, dict[str, int]] = {}
        self._queues: dict[str, dict[str, deque[int]]] = {}
        # With ``counted``, how many times each wanted value will be asked for: once, but
        # for those in ``_repeated`` (usually none).
        self._counted = counted and wanted is not None
        self._repeated: dict[str, int] = {}
        if wanted is None:
            self._wanted: frozenset[str] | None = None
        elif counted:
            values = list(wanted)
            self._wanted = frozenset(values)
            if len(self._wanted) < len(values):
                self._repeated = {v: n for v, n in Counter(values).items() if n > 1}
        else:
            self._wanted = frozenset(wanted)

    def _scan(self, key: str) -> dict[str, int]:
        """Record the line of each (wanted) ``"key": "value"`` pair.

        A document has thousands of pairs: they are handled a list at a time (the matches'
        values and starts, the newlines between them counted by ``map``) rather than one by
        one in Python."""
        data = self._data
        if self._counted:
            found, starts = self._counted_pairs(key)
        else:
            found, starts = self._all_pairs(key)
        gaps = map(data.count, repeat(b"\n"), [0, *starts[:-1]], starts)
        lines = list(accumulate(gaps, initial=1))[1:]
        first = dict(zip(reversed(found), reversed(lines), strict=True))  # first lines
        self._first[key] = first
        self._queues[key] = _repeats(found, lines) if len(first) < len(found) else {}
        return first

    def _all_pairs(self, key: str) -> tuple[list[str], list[int]]:
        """The (wanted) values of the ``"key": "value"`` pairs and where each starts."""
        data = self._data
        wanted = self._wanted
        matches = list(_pair_pattern(key, wanted).finditer(data))
        raws: list[bytes] = list(map(_MATCH_GROUP, matches, repeat(1)))
        values = self._values(raws, b"\\" in data)
        kept = [
            (value, start)
            for value, start in zip(values, map(_MATCH_START, matches), strict=True)
            if value is not None and (wanted is None or value in wanted)
        ]
        return [value for value, _ in kept], [start for _, start in kept]

    def _counted_pairs(self, key: str) -> tuple[list[str], list[int]]:
        """``_all_pairs``, up to where each wanted value has been seen as many times as it
        will be asked for (every pair, when one is seen fewer times).

        The matches are taken in batches, each as large as the fewest matches that could
        complete the values (so no batch reaches past the pair that does), and handled a list
        at a time as ``_all_pairs`` does."""
        data = self._data
        wanted = self._wanted or frozenset()
        escapes = b"\\" in data
        matches = _pair_pattern(key, wanted).finditer(data)
        found: list[str] = []
        starts: list[int] = []
        seen: set[str] = set()
        repeated = self._repeated
        # The fewest matches still to take.
        missing = _still_missing(len(wanted), repeated, seen, found)
        while missing:
            batch = list(islice(matches, missing))
            if not batch:
                break
            raws: list[bytes] = list(map(_MATCH_GROUP, batch, repeat(1)))
            values = self._values(raws, escapes)
            kept = [
                (value, start)
                for value, start in zip(values, map(_MATCH_START, batch), strict=True)
                if value in wanted
            ]
            found += [value for value, _ in kept]
            starts += [start for _, start in kept]
            seen.update(value for value, _ in kept)
            missing = _still_missing(len(wanted), repeated, seen, found)
        return found, starts

    @staticmethod
    def _values(raws: list[bytes], escapes: bool) -> list[str | None]:
        """The text of each raw string body (None where it is not valid UTF-8 or JSON). Only
        a document with a backslash somewhere can have an escaped body, and only a body with
        one is read as JSON (``_decode_json_string``, inlined: one call per pair)."""
        values: list[str | None] = []
        append = values.append
        for raw in raws:
            if escapes and b"\\" in raw:
                append(_decode_json_string(raw))
                continue
            try:
                append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                append(None)
        return values

    def take(self, key: str, value: str | None) -> int | None:
        """The next unclaimed line of ``"key": "value"``, else its first line, else None."""
        if value is None:
            return None
        first = self._first.get(key)
        if first is None:
            if key not in self._keys:
                return None
            first = self._scan(key)
        line = first.get(value)
        if line is None:
            return None
        queue = self._queues[key].get(value)
        if queue:
            return queue.popleft()
        return line

    def take_all(self, key: str, values: Sequence[str | None]) -> list[int | None]:
        """``take`` of each value in turn: one call for a document's thousands of packages."""
        first = self._first.get(key)
        if first is None:
            if key not in self._keys:
                return [None] * len(values)
            first = self._scan(key)
        queues = self._queues[key]
        get = first.get
        if not queues:  # every value once: its line (and None has none)
            return list(map(get, values))  # type: ignore[arg-type]
        lines: list[int | None] = []
        append = lines.append
        for value in values:
            if value is None:
                append(None)
                continue
            line = get(value)
            if line is not None and queues:
                queue = queues.get(value)
                if queue:
                    line = queue.popleft()
            append(line)
        return lines


# --------------------------------------------------------------------------------------------
# Entries and their resolution to components


@slot_init  # the parsers create one per package
@dataclass(frozen=True, slots=True)
class Entry:
    """One package as a document lists it, before it is resolved to a component.

    ``purls`` are tried in order; the first one with a known ecosystem wins. ``own_purl`` is
    False when the parser built the purl itself (then ``Component.purl_override`` stays None).
    ``kind`` is the document's own word for what the entry is (``library``, ``file``,
    ``operating-system``, ...), used in skip reasons. ``subject`` marks the document's own
    subject (a CycloneDX metadata component, an SPDX described package): it becomes a component
    when it resolves to one, and is otherwise described by the metadata, not ``Skipped``.
    """

    name: str
    purls: tuple[str, ...] = ()
    version: str | None = None
    ref: str | None = None
    line: int | None = None
    kind: str | None = None
    scope: str | None = None
    direct: bool | None = None
    path: tuple[str, ...] = ()
    source_name: str | None = None
    source_version: str | None = None
    has_cpe: bool = False
    own_purl: bool = True
    subject: bool = False


@dataclass(frozen=True, slots=True)
class Graph:
    """A graph over document references.

    ``edges[a]`` are what ``a`` depends on; ``containment[a]`` are what ``a`` contains (an image
    its operating system, an operating system its packages). Containment is structure, not
    dependency: it leads from a root to packages for ``path``, but a package reached by
    containment alone has no ``direct`` status, and a package one dependency edge away from
    what the root contains is direct.
    """

    edges: Mapping[str, Sequence[str]]
    roots: Sequence[str]
    containment: Mapping[str, Sequence[str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # names of nodes that are not entries


def _kind_prefix(kind: str | None) -> str:
    return f"{kind} component" if kind else "package"


def _no_purl_reason(entry: Entry) -> str:
    what = _kind_prefix(entry.kind)
    if entry.has_cpe:
        return f"{what} has a CPE but no package URL (purl); CPE-only entries cannot be matched"
    return f"{what} has no package URL (purl), so its ecosystem is unknown"


def _qualifier_source(qualifiers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The source package a purl's qualifiers name (for an entry that names none itself)."""
    for key in _SOURCE_QUALIFIERS:
        value = clean(qualifiers.get(key))
        if value:
            name, _, version = value.partition("@")
            if not version:
                for vkey in _SOURCE_VERSION_QUALIFIERS:
                    version = qualifiers.get(vkey) or ""
                    if version:
                        break
            return clean(name), clean(version)
    return None, None


class _ParsedPurl:
    """What one purl text says, whatever entry carries it: the parsed purl (after the Alpine
    rename) and its text, what it names or why it cannot be read, its qualifiers, and its
    canonical text once asked for; and, for what every entry carrying it asks, the base
    ecosystem of what it names and whether its type takes an ``epoch`` qualifier."""

    __slots__ = (
        "base",
        "canonical",
        "epoch_type",
        "error",
        "purl",
        "qualifiers",
        "ref",
        "source",
        "text",
    )

    def __init__(self, text: str) -> None:
        # Each slot is set once (a document has thousands of distinct purls).
        self.text = text
        # The source package the qualifiers name, normalized, and its version, once asked for
        # (``_identify``: the same for every entry that names no source package itself).
        self.source: tuple[str | None, str | None] | None = None
        try:
            purl, canonical = purl_and_canonical(text.strip())
        except ValueError as exc:
            self._fail(None, str(exc))
            return
        ptype = purl.type.lower()
        try:
            if ptype == "alpine" and not purl.namespace:
                # Syft before 0.62 wrote Alpine packages as pkg:alpine/NAME; the type is apk.
                purl = purl._replace(type="apk", namespace="alpine")
                self.text = purl_to_string(purl)
                canonical = None
                ref = parse_purl(self.text)
            else:
                ref = package_ref(purl, text)
        except InvalidPurlError as exc:
            self._fail(purl, str(exc))
            return
        self.canonical = canonical
        self.purl: PackageURL | None = purl
        self.ref: PackageRef | None = ref
        # The message of the ValueError (no purl) or InvalidPurlError (no ref). Not the
        # exception: its traceback holds this frame, which holds ``self``, and the cycle would
        # keep every caller's frame (a document's entries) alive until a collection.
        self.error: str | None = None
        quals = purl.qualifiers  # read only: shared with the purl
        self.qualifiers: Mapping[str, str] = quals if isinstance(quals, dict) else _NO_QUALIFIERS
        self.base = ref.ecosystem.partition(":")[0]  # base_ecosystem, inlined
        # The type as read (the Alpine rename above gives "apk", not an epoch type either).
        self.epoch_type = ptype in ("rpm", "deb")

    def _fail(self, purl: PackageURL | None, error: str) -> None:
        """A purl that cannot be read, or names nothing OSV knows: only ``error`` is asked."""
        self.purl = purl
        self.ref = None
        self.error = error
        self.canonical = None
        self.qualifiers = _NO_QUALIFIERS
        self.base = ""
        self.epoch_type = False


_NO_QUALIFIERS: Final[Mapping[str, str]] = {}

#: What an entry's purl names, before the entry is placed in the graph: (ecosystem, name,
#: version, purl_override). A plain tuple: ``assemble`` builds each ``Component`` once, when
#: its ``direct`` and ``path`` are known, rather than once here and again after the walk.
_Identity = tuple[str, str, str, str | None]


def _identify(
    entry: Entry, text: str, parsed: dict[str, _ParsedPurl] | None
) -> _Identity | Skipped:
    """What one purl of an entry names, or why it names nothing. ``parsed`` keeps what each
    distinct purl text says, for the other entries of the same document that carry it."""
    display = entry.name
    known = parsed.get(text) if parsed is not None else None
    if known is None:
        known = _ParsedPurl(text)
        if parsed is not None:
            parsed[text] = known
    purl = known.purl
    ref = known.ref
    if purl is None:
        return Skipped(display, f"invalid package URL {text!r}: {known.error}", entry.line)
    if ref is None:
        error = known.error
        reason = f"{entry.kind} component: {error}" if entry.kind else str(error)
        return Skipped(display, reason, entry.line)
    text = known.text
    qualifiers = known.qualifiers
    # clean(ref.version) or clean(entry.version), inlined (a call per entry).
    version = ref.version
    if version:
        version = version.strip()
    if not version:
        version = entry.version
        if version:
            version = version.strip()
    if not version:
        return Skipped(display, f"{text}: no version in the purl or the document", entry.line)
    ecosystem = ref.ecosystem
    base = known.base
    if known.epoch_type:
        epoch = clean(qualifiers.get("epoch"))
        if epoch and epoch != "0" and ":" not in version:
            version = f"{epoch}:{version}"
    name = ref.name
    if base == "Go":
        if version == "(devel)":
            return Skipped(
                display,
                f"{text}: '(devel)' is a local development build, not a release",
                entry.line,
            )
        if name == "stdlib":
            version = re.sub(r"^(?:go|v)", "", version)
    renamed = False
    if base == "Go" and purl.subpath:
        # Syft (1.x before late 2025) writes the tail of a long module path as the purl's
        # subpath: github.com/a/b/v3 is pkg:golang/github.com/a/b@v3.4.0#v3. The purl spec
        # reads a subpath as a package inside the module, so the document's own name for the
        # package decides: when it is the whole path, that is the module.
        whole = f"{name}/{purl.subpath.strip('/')}"
        if entry.name.strip() == whole:
            name, renamed = whole, True
    if base in _SOURCE_DISTROS:
        source: str | None
        if entry.source_name:  # the document names the source package itself
            source = normalize_name(ecosystem, entry.source_name)
            source_version = entry.source_version
        else:
            named = known.source
            if named is None:
                source_name, source_version = _qualifier_source(qualifiers)
                source = normalize_name(ecosystem, source_name) if source_name else None
                named = known.source = (source, source_version)
            source, source_version = named
        if source is not None:
            renamed = source != name or bool(source_version and source_version != version)
            name = source
            if source_version:
                version = source_version
    override: str | None = None
    if entry.own_purl and not renamed:
        if purl.version:
            override = known.canonical
            if override is None:
                override = known.canonical = purl_to_string(purl)
        else:
            override = purl_to_string(purl._replace(version=ref.version or version))
    return ecosystem, name, version, override


def _component(path: str, entry: Entry, identity: _Identity) -> Component:
    """The component an entry is, outside a graph."""
    ecosystem, name, version, override = identity
    return Component(
        ecosystem, name, version, path, entry.line, entry.direct, entry.scope, entry.path, override
    )


def _identify_entry(entry: Entry, parsed: dict[str, _ParsedPurl] | None) -> _Identity | Skipped:
    """What an entry names: its first purl that names something, else the first failure."""
    first_failure: Skipped | None = None
    for text in entry.purls:
        if not text.strip():
            continue
        found = _identify(entry, text, parsed)
        if not isinstance(found, Skipped):
            return found
        if first_failure is None:
            first_failure = found
    if first_failure is not None:
        return first_failure
    return Skipped(entry.name, _no_purl_reason(entry), entry.line)


def resolve_entry(
    path: str, entry: Entry, parsed: dict[str, _ParsedPurl] | None = None
) -> Component | Skipped:
    """Turn one entry into a component, or say why it cannot be one. ``parsed``, shared by the
    entries of one document, keeps each distinct purl text parsed once."""
    found = _identify_entry(entry, parsed)
    if isinstance(found, Skipped):
        return found
    return _component(path, entry, found)


# --------------------------------------------------------------------------------------------
# Assembly: graph, duplicates, result


def _walk(graph: Graph) -> tuple[dict[str, int], dict[str, str]]:
    """0-1 breadth-first search from the roots: for each reachable node, the fewest dependency
    edges on a path to it (containment edges cost nothing) and its parent on that path; among
    paths of as many dependency edges, the one of fewest edges in all."""
    depth: dict[str, int] = {}
    hops: dict[str, int] = {}
    parent: dict[str, str] = {}
    queue: deque[str] = deque()
    for root in graph.roots:
        if root not in depth:
            depth[root] = 0
            hops[root] = 0
            queue.append(root)
    contained = graph.containment.get
    depends = graph.edges.get
    get_depth = depth.get
    popleft = queue.popleft
    while queue:
        node = popleft()
        here = depth[node]
        # A node's own hops never change while its children are relaxed: a self-loop costs as
        # much (containment) or more (dependency) and takes one more edge.
        step = hops[node] + 1
        targets = contained(node)
        if targets:
            for child in targets:  # containment: no cost, to the front of the queue
                known = get_depth(child)
                if known is None or here < known or (here == known and step < hops[child]):
                    depth[child] = here
                    hops[child] = step
                    parent[child] = node
                    queue.appendleft(child)
        targets = depends(node)
        if targets:
            cost = here + 1
            for child in targets:  # dependency: one more, to the back
                known = get_depth(child)
                if known is None or cost < known or (cost == known and step < hops[child]):
                    depth[child] = cost
                    hops[child] = step
                    parent[child] = node
                    queue.append(child)
    return depth, parent


def _chain(
    ref: str,
    parent: Mapping[str, str],
    names: Mapping[str, str],
    chains: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """The names from a root to ``ref`` along ``parent`` (a tree): each node's chain is its
    parent's plus its own name, kept in ``chains`` for the nodes below it."""
    known = chains.get(ref)
    if known is not None:
        return known
    up = parent.get(ref)
    if up is not None:
        above = chains.get(up)
        if above is not None:  # the usual case: the parent's chain is known
            chain = chains[ref] = (*above, names.get(ref, ref))
            return chain
    refs = [ref]
    while refs[-1] in parent:
        up = parent[refs[-1]]
        if up in chains:
            break
        refs.append(up)
    top = refs[-1]
    chain = chains[parent[top]] if top in parent else ()
    for node in reversed(refs):
        chain = (*chain, names.get(node, node))
        chains[node] = chain
    return chain


def _graph_nodes(graph: Graph) -> set[str]:
    """The nodes that take part in a dependency edge."""
    nodes = set(graph.edges)
    for targets in graph.edges.values():
        nodes.update(targets)
    return nodes


def _merge(
    first: Component,
    direct: bool | None,
    scope: str | None,
    chain: tuple[str, ...],
    line: int | None,
) -> Component:
    """``first`` merged with a duplicate of it that has these ``direct``, ``scope``, ``path``
    and ``line`` (given as they are: the duplicate's own ``Component`` is never built)."""
    merged_direct = first.direct
    if direct is True or (merged_direct is None and direct is False):
        merged_direct = direct
    merged_scope = first.scope
    if scope is not None and scope != merged_scope:
        merged_scope = widest_scope(x for x in (merged_scope, scope) if x is not None)
    merged_chain = first.path
    if chain and (not merged_chain or len(chain) < len(merged_chain)):
        merged_chain = chain
    merged_line = first.line if first.line is not None else line
    if (merged_direct, merged_scope, merged_chain, merged_line) == (
        first.direct,
        first.scope,
        first.path,
        first.line,
    ):
        return first
    return Component(
        first.ecosystem,
        first.name,
        first.version,
        first.source,
        merged_line,
        merged_direct,
        merged_scope,
        merged_chain,
        first.purl_override,
    )


def widest_scope(scopes: Iterable[str]) -> str | None:
    """The most production-like of several scopes (``runtime`` before ``dev``), or None."""
    best: str | None = None
    for scope in scopes:
        if best is None or (
            scope in _SCOPE_ORDER
            and (best not in _SCOPE_ORDER or _SCOPE_ORDER.index(scope) < _SCOPE_ORDER.index(best))
        ):
            best = scope
    return best


def _unique(entries: Sequence[Entry]) -> list[Entry]:
    """The entries without those whose document reference an earlier entry has."""
    unique: list[Entry] = []
    append = unique.append
    seen_refs: set[str] = set()
    add = seen_refs.add
    for entry in entries:
        ref = entry.ref
        if ref is not None:
            if ref in seen_refs:
                continue
            add(ref)
        append(entry)
    return unique


def _identities(entries: list[Entry]) -> list[_Identity | Skipped]:
    """What each entry names (``_identify_entry``), each distinct purl text parsed once."""
    parsed: dict[str, _ParsedPurl] = {}
    found: list[_Identity | Skipped] = []
    append = found.append
    for entry in entries:
        purls = entry.purls
        if len(purls) == 1 and purls[0].strip():  # _identify_entry of the usual entry, inlined
            append(_identify(entry, purls[0], parsed))
        else:
            append(_identify_entry(entry, parsed))
    return found


def _placements(
    graph: Graph, entries: list[Entry], found: list[_Identity | Skipped]
) -> list[tuple[bool | None, tuple[str, ...]]]:
    """Each entry's ``direct`` and ``path`` in the graph (as the entry says, where the graph
    says nothing). A node's name in a path is its component's name, else its entry's, else
    its label, else its reference."""
    names: dict[str, str] = dict(graph.labels)
    for entry, result in zip(entries, found, strict=True):
        if entry.ref is not None:
            names[entry.ref] = entry.name if isinstance(result, Skipped) else result[1]
    depth, parent = _walk(graph)
    nodes: set[str] | None = None  # only asked for entries the walk did not reach
    chains: dict[str, tuple[str, ...]] = {}  # the path to each node walked so far
    placed: list[tuple[bool | None, tuple[str, ...]]] = []
    append = placed.append
    for entry, result in zip(entries, found, strict=True):
        direct = entry.direct
        chain = entry.path
        ref = entry.ref
        if ref is not None and not isinstance(result, Skipped):
            level = depth.get(ref)
            if level is not None:
                if direct is None and level > 0:
                    direct = level == 1
                if not chain:
                    chain = chains.get(ref) or _chain(ref, parent, names, chains)
            elif direct is None:
                if nodes is None:
                    nodes = _graph_nodes(graph)
                if ref in nodes:
                    direct = False
        append((direct, chain))
    return placed


def assemble(
    path: str,
    entries: Sequence[Entry],
    *,
    graph: Graph | None = None,
    metadata: Mapping[str, str] | None = None,
    extra_skipped: Sequence[Skipped] = (),
) -> ParseResult:
    """Resolve entries, place them in the graph, merge duplicates.

    Each entry's identity is worked out first (the graph's paths need every node's name),
    then its place in the graph; its ``Component`` is then built once, from both, and only
    when it is not a duplicate of one already built (which takes in its fields instead)."""
    unique = _unique(entries)
    found = _identities(unique)
    placed = _placements(graph, unique, found) if graph is not None and graph.roots else None
    components: dict[tuple[str, str, str], Component] = {}
    skipped: dict[tuple[str, str], Skipped] = {}
    get = components.get
    for i, (entry, result) in enumerate(zip(unique, found, strict=True)):
        if isinstance(result, Skipped):
            if not entry.subject:
                skipped.setdefault((result.name, result.reason), result)
            continue
        ecosystem, name, version, override = result
        if placed is None:
            direct, chain = entry.direct, entry.path
        else:
            direct, chain = placed[i]
        key = (ecosystem, name, version)
        known = get(key)
        if known is None:
            components[key] = Component(
                ecosystem, name, version, path, entry.line, direct, entry.scope, chain, override
            )
        else:
            components[key] = _merge(known, direct, entry.scope, chain, entry.line)
    for extra in extra_skipped:
        skipped.setdefault((extra.name, extra.reason), extra)
    return ParseResult(
        components=tuple(components.values()),
        skipped=tuple(skipped.values()),
        metadata=dict(metadata or {}),
    )


# --------------------------------------------------------------------------------------------
# Metadata helpers


@dataclass(frozen=True, slots=True)
class Party:
    """A person or an organization named in a document's metadata."""

    name: str | None = None
    emails: tuple[str, ...] = ()

    def render(self) -> str:
        emails = ", ".join(f"<{e}>" for e in self.emails)
        if self.name and emails:
            return f"{self.name} {emails}"
        return self.name or emails


def render_parties(parties: Iterable[Party]) -> str:
    seen: list[str] = []
    for party in parties:
        text = party.render()
        if text and text not in seen:
            seen.append(text)
    return "; ".join(seen)


def collect_emails(parties: Iterable[Party]) -> str:
    emails: list[str] = []
    for party in parties:
        for email in party.emails:
            if email not in emails:
                emails.append(email)
    return ", ".join(emails)


_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def party_from_text(text: str) -> Party:
    """``Person: Jane Doe (jane@x.org)`` / ``Organization: Acme <a@b.c>`` -> a ``Party``."""
    kind, sep, rest = text.partition(":")
    body = rest if sep and kind.strip() in ("Person", "Organization", "Tool") else text
    emails = tuple(_EMAIL_IN_TEXT.findall(body))
    name = re.sub(r"[(<]\s*[^()<>]*@[^()<>]*[)>]", "", body)
    name = name.strip(" ,;")
    return Party(name=name or None, emails=emails)


def put(metadata: dict[str, str], key: str, value: str | None) -> None:
    if value:
        metadata[key] = value


# --------------------------------------------------------------------------------------------
# CycloneDX (shared by the JSON and XML parsers)


@slot_init  # one per CycloneDX component
@dataclass(frozen=True, slots=True)
class CdxComponent:
    """One CycloneDX component, from either encoding."""

    bom_ref: str | None
    type: str | None
    name: str | None
    group: str | None
    version: str | None
    purl: str | None
    scope: str | None
    has_cpe: bool = False
    properties: tuple[tuple[str, str], ...] = ()
    line: int | None = None

    @property
    def display_name(self) -> str:
        if self.name and self.group:
            return f"{self.group}/{self.name}"
        return self.name or self.purl or self.bom_ref or _UNNAMED


@dataclass(frozen=True, slots=True)
class CdxDocument:
    """The parts of a CycloneDX BOM that inventory uses. ``components`` is flattened."""

    spec_version: str | None
    serial_number: str | None = None
    timestamp: str | None = None
    root: CdxComponent | None = None
    components: tuple[CdxComponent, ...] = ()
    dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    authors: tuple[Party, ...] = ()
    supplier: Party | None = None
    manufacturer: Party | None = None
    properties: tuple[tuple[str, str], ...] = ()
    tools: tuple[str, ...] = ()
    services: tuple[tuple[str, int | None], ...] = ()  # (name, line)
    vulnerability_count: int = 0


_UNNAMED: Final = "(unnamed component)"
_CDX_SCOPES: Final = {"required": "runtime", "optional": "optional", "excluded": "excluded"}
_HARDWARE_TYPES: Final = frozenset({"device", "device-driver", "firmware"})


def cdx_scope(component: CdxComponent) -> str | None:
    """CycloneDX scope in Runink's words. An absent scope means ``required`` (the spec's default);
    cyclonedx-npm's ``cdx:npm:package:development`` property marks a development dependency."""
    for name, value in component.properties:
        if name == "cdx:npm:package:development" and value.strip().lower() == "true":
            return "dev"
    if component.scope is None:
        return "runtime"
    return _CDX_SCOPES.get(component.scope.strip().lower())


def _cdx_entry(component: CdxComponent) -> Entry:
    name = component.name
    purl = component.purl
    if component.properties or component.scope is not None:
        scope = cdx_scope(component)
    else:
        scope = "runtime"  # what cdx_scope says without properties or scope
    group = component.group
    return Entry(
        f"{group}/{name}" if name and group else name or purl or component.bom_ref or _UNNAMED,
        (purl,) if purl else (),
        clean(component.version),
        component.bom_ref,
        component.line,
        component.type,
        scope,
        None,
        (),
        None,
        None,
        component.has_cpe,
    )


def cdx_document_kind(doc: CdxDocument) -> str:
    """``sbom``, or ``vex``/``cbom``/``hbom``/``saasbom`` for the specialised BOMs."""
    types = {c.type for c in doc.components}
    if not doc.components and doc.vulnerability_count:
        return "vex"
    if "cryptographic-asset" in types:
        return "cbom"
    if not doc.components and doc.services:
        return "saasbom"
    if types and types <= _HARDWARE_TYPES:
        return "hbom"
    return "sbom"


def _cdx_metadata(doc: CdxDocument) -> dict[str, str]:
    meta: dict[str, str] = {}
    put(meta, "spec_version", doc.spec_version)
    put(meta, "serial_number", doc.serial_number)
    put(meta, "timestamp", doc.timestamp)
    meta["document_kind"] = cdx_document_kind(doc)
    if doc.tools:
        meta["tools"] = "; ".join(dict.fromkeys(doc.tools))
    root = doc.root
    if root is not None:
        put(meta, "artifact_name", clean(root.name))
        put(meta, "artifact_group", clean(root.group))
        put(meta, "artifact_version", clean(root.version))
        put(meta, "artifact_kind", clean(root.type))
        put(meta, "artifact_purl", clean(root.purl))
    put(meta, "authors", render_parties(doc.authors))
    if doc.supplier is not None:
        put(meta, "supplier", doc.supplier.render())
    if doc.manufacturer is not None:
        put(meta, "manufacturer", doc.manufacturer.render())
    parties = [*doc.authors, *(p for p in (doc.supplier, doc.manufacturer) if p is not None)]
    put(meta, "contact_emails", collect_emails(parties))
    properties: dict[str, list[str]] = {}
    for name, value in doc.properties:
        properties.setdefault(name, []).append(value)
    for name, values in properties.items():
        meta[f"property:{name}"] = ", ".join(values)
    if doc.vulnerability_count:
        meta["vulnerabilities"] = str(doc.vulnerability_count)
    return meta


def cyclonedx_result(path: str, doc: CdxDocument) -> ParseResult:
    """The components of a CycloneDX BOM.

    The metadata component (the BOM's subject) is the root of the dependency graph. It is also
    a component itself when its purl has a known ecosystem (a published package can be
    vulnerable like any other); without such a purl it is described by the metadata only.
    Services (SaaSBOM) are ``Skipped``: they are not packages.
    """
    entries: list[Entry] = []
    labels: dict[str, str] = {}
    roots: list[str] = []
    root = doc.root
    if root is not None:
        if root.bom_ref:
            labels[root.bom_ref] = root.display_name
            if root.bom_ref in doc.dependencies:
                roots.append(root.bom_ref)
        entries.append(replace(_cdx_entry(root), scope=None, subject=True))
    entries.extend(_cdx_entry(c) for c in doc.components)
    graph = Graph(edges=doc.dependencies, roots=roots, labels=labels) if roots else None
    services = [
        Skipped(name, "CycloneDX service: a service is not a package and cannot be matched", line)
        for name, line in doc.services
    ]
    return assemble(path, entries, graph=graph, metadata=_cdx_metadata(doc), extra_skipped=services)


# --------------------------------------------------------------------------------------------
# SPDX 2 (shared by the JSON and tag-value parsers)


@slot_init  # one per SPDX package
@dataclass(frozen=True, slots=True)
class SpdxPackage:
    spdx_id: str | None
    name: str | None
    version: str | None
    purls: tuple[str, ...] = ()
    has_cpe: bool = False
    purpose: str | None = None
    supplier: str | None = None
    source_info: str | None = None
    line: int | None = None


#: One SPDX 2 relationship: (element, relationship type as written, related element), each
#: stripped and non-empty. A plain tuple: documents list one for each of thousands of files,
#: and the edges are built from the tuples as they are.
SpdxRelationship = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Spdx2Document:
    spec_version: str
    spdx_id: str = "SPDXRef-DOCUMENT"
    name: str | None = None
    namespace: str | None = None
    created: str | None = None
    creators: tuple[str, ...] = ()
    describes: tuple[str, ...] = ()
    packages: tuple[SpdxPackage, ...] = ()
    relationships: tuple[SpdxRelationship, ...] = ()


# relationship type -> (kind of edge, direction, scope). "forward": the element depends on (or
# contains) the related element; "backward": the related element depends on (contains) it.
_SPDX2_EDGES: Final[dict[str, tuple[str, str, str | None]]] = {
    "DEPENDS_ON": ("dependency", "forward", None),
    "DEPENDENCY_OF": ("dependency", "backward", None),
    "RUNTIME_DEPENDENCY_OF": ("dependency", "backward", "runtime"),
    "PROVIDED_DEPENDENCY_OF": ("dependency", "backward", "provided"),
    "OPTIONAL_DEPENDENCY_OF": ("dependency", "backward", "optional"),
    "BUILD_DEPENDENCY_OF": ("dependency", "backward", "build"),
    "TEST_DEPENDENCY_OF": ("dependency", "backward", "test"),
    "DEV_DEPENDENCY_OF": ("dependency", "backward", "dev"),
    "CONTAINS": ("containment", "forward", None),
    "CONTAINED_BY": ("containment", "backward", None),
}
_BUILT_FROM = re.compile(r"^\s*built package from:\s*(\S+)(?:\s+(\S+))?\s*$", re.IGNORECASE)


# What an SPDX 2 external reference is, by its referenceType.
SPDX_REF_OTHER: Final = 0
SPDX_REF_PURL: Final = 1
SPDX_REF_CPE: Final = 2


def spdx_reference_kind(kind: str | None) -> int:
    """``SPDX_REF_PURL``, ``SPDX_REF_CPE`` (any ``cpe22Type``/``cpe23Type`` spelling) or
    ``SPDX_REF_OTHER``."""
    word = (kind or "").strip().lower()
    if word == "purl":
        return SPDX_REF_PURL
    return SPDX_REF_CPE if word.startswith("cpe") else SPDX_REF_OTHER


def spdx_package_manager(category: str | None) -> bool:
    """Whether a reference category is ``PACKAGE-MANAGER`` (or ``PACKAGE_MANAGER``, as SPDX 2.2
    JSON wrote it)."""
    return (category or "").strip().upper().replace("_", "-") == "PACKAGE-MANAGER"


def spdx_purls(refs: Iterable[tuple[str, str, str]]) -> tuple[tuple[str, ...], bool]:
    """From an SPDX 2 package's external references as (category, type, locator): its purls,
    package-manager ones first, then purls filed under another category; and whether it has
    a CPE."""
    first: list[str] = []
    later: list[str] = []
    has_cpe = False
    for category, kind, locator in refs:
        found = spdx_reference_kind(kind)
        if found == SPDX_REF_PURL:
            (first if spdx_package_manager(category) else later).append(locator.strip())
        elif found == SPDX_REF_CPE:
            has_cpe = True
    return tuple(dict.fromkeys(first + later)), has_cpe


def spdx_relationship_type(text: str) -> str:
    kind = text.strip().upper().replace("-", "_")
    return "DESCRIBES" if kind == "DESCRIBE" else kind  # early Trivy wrote "DESCRIBE"


@dataclass(slots=True)
class EdgeSet:
    """Dependency and containment edges, and the scopes typed edges give their targets."""

    dependencies: dict[str, list[str]] = field(default_factory=dict)
    containment: dict[str, list[str]] = field(default_factory=dict)
    scopes: dict[str, set[str]] = field(default_factory=dict)
    # (kind, parent, child) of every edge added: a set, as a node may have thousands.
    _known: set[tuple[bool, str, str]] = field(default_factory=set, repr=False, compare=False)

    def add(self, kind: str, parent: str, child: str, scope: str | None = None) -> None:
        dependency = kind == "dependency"
        edge = (dependency, parent, child)
        if edge not in self._known:
            self._known.add(edge)
            table = self.dependencies if dependency else self.containment
            targets = table.get(parent)
            if targets is None:
                table[parent] = [child]
            else:
                targets.append(child)
        if scope is not None:
            self.scopes.setdefault(child, set()).add(scope)

    def __bool__(self) -> bool:
        return bool(self.dependencies or self.containment)


#: What a relationship type does (``_relationship_rule``): whether it names a root (DESCRIBES:
#: its related element, DESCRIBED_BY: its element; else None), and the edge it gives (whether
#: of dependency, whether forward, the scope), or None.
_RelationshipRule = tuple[bool | None, tuple[bool, bool, str | None] | None]


def _relationship_rule(text: str) -> _RelationshipRule:
    """The rule of a relationship type as written (``spdx_relationship_type``, then
    ``_SPDX2_EDGES``)."""
    kind = spdx_relationship_type(text)
    root = True if kind == "DESCRIBES" else False if kind == "DESCRIBED_BY" else None
    rule = _SPDX2_EDGES.get(kind)
    if rule is None:
        return root, None
    edge_kind, direction, scope = rule
    return root, (edge_kind == "dependency", direction == "forward", scope)


def _spdx2_graph(
    relationships: Iterable[SpdxRelationship], doc_id: str, roots: list[str]
) -> EdgeSet:
    """The dependency and containment edges of the relationships (their types normalized, as
    ``_SPDX2_EDGES`` reads them), adding to ``roots`` the elements the document describes, in
    one pass with ``EdgeSet.add`` inlined (documents list a relationship for each of thousands
    of files); each distinct type text is read once."""
    rules: dict[str, _RelationshipRule] = {}
    edges = EdgeSet()
    known = edges._known
    dependencies = edges.dependencies
    containment = edges.containment
    scopes = edges.scopes
    for element, rtype, related in relationships:
        rule = rules.get(rtype)
        if rule is None:
            rule = rules[rtype] = _relationship_rule(rtype)
        root, edge_rule = rule
        if root is not None:
            if root:
                if element == doc_id and related not in roots:
                    roots.append(related)
            elif related == doc_id and element not in roots:
                roots.append(element)
        if edge_rule is None:
            continue
        dependency, forward, scope = edge_rule
        if forward:
            parent, child = element, related
        else:
            parent, child = related, element
        edge = (dependency, parent, child)
        if edge not in known:
            known.add(edge)
            table = dependencies if dependency else containment
            targets = table.get(parent)
            if targets is None:
                table[parent] = [child]
            else:
                targets.append(child)
        if scope is not None:
            scopes.setdefault(child, set()).add(scope)
    return edges


def built_from(info: str | None) -> tuple[str | None, str | None]:
    """(source name, source version) from an SPDX source info text ``built package from: NAME
    [VERSION]`` (Trivy's words for a binary package's source package), else (None, None)."""
    return _spdx_source(info)


def _spdx_source(info: str | None) -> tuple[str | None, str | None]:
    if info:
        match = _BUILT_FROM.match(info)
        if match:
            return match.group(1), match.group(2)
    return None, None


def spdx2_result(path: str, doc: Spdx2Document) -> ParseResult:
    """The packages of an SPDX 2 document (files and snippets are not packages)."""
    roots: list[str] = list(dict.fromkeys(doc.describes))
    edges = _spdx2_graph(doc.relationships, doc.spdx_id, roots)
    entries: list[Entry] = []
    scopes = edges.scopes
    subjects = set(roots)
    kinds_of: dict[str, str] = {}  # the kind of each distinct purpose text
    sources: dict[str, tuple[str | None, str | None]] = {}  # of each distinct source info
    described: dict[str, SpdxPackage] = {}  # the last package of each root's identifier
    for package in doc.packages:
        source_name = source_version = None
        info = package.source_info
        if info:
            source = sources.get(info)
            if source is None:
                source = sources[info] = _spdx_source(info)
            source_name, source_version = source
        spdx_id = package.spdx_id
        is_subject = spdx_id in subjects
        if is_subject and spdx_id:
            described[spdx_id] = package
        scope_set = scopes.get(spdx_id or "")
        purpose = package.purpose
        kind = None
        if purpose:
            kind = kinds_of.get(purpose)
            if kind is None:
                kind = kinds_of[purpose] = purpose.lower().replace("_", "-")
        entries.append(
            Entry(
                package.name or spdx_id or "(unnamed package)",
                package.purls,
                (package.version.strip() or None) if package.version else None,  # clean()
                spdx_id,
                package.line,
                kind,
                widest_scope(sorted(scope_set)) if scope_set else None,
                None,
                (),
                source_name,
                source_version,
                package.has_cpe,
                True,
                is_subject,
            )
        )
    meta: dict[str, str] = {}
    put(meta, "spec_version", doc.spec_version)
    put(meta, "document_name", doc.name)
    put(meta, "document_namespace", doc.namespace)
    put(meta, "created", doc.created)
    if doc.creators:
        meta["creators"] = "; ".join(doc.creators)
        people = [party_from_text(c) for c in doc.creators if not c.startswith("Tool:")]
        put(meta, "authors", render_parties(people))
        tools = [c.partition(":")[2].strip() for c in doc.creators if c.startswith("Tool:")]
        put(meta, "tools", "; ".join(t for t in tools if t))
        put(meta, "contact_emails", collect_emails(people))
    root_packages = [described[r] for r in roots if r in described]
    if len(root_packages) == 1:
        subject = root_packages[0]
        put(meta, "artifact_name", subject.name)
        put(meta, "artifact_version", clean(subject.version))
        if subject.purpose:
            meta["artifact_kind"] = subject.purpose.lower().replace("_", "-")
        if subject.purls:
            meta["artifact_purl"] = subject.purls[0]
        if subject.supplier and subject.supplier.strip().upper() != "NOASSERTION":
            meta["supplier"] = subject.supplier.strip()
    else:
        put(meta, "artifact_name", doc.name)
    graph = None
    if roots and edges:
        graph = Graph(edges=edges.dependencies, roots=roots, containment=edges.containment)
    return assemble(path, entries, graph=graph, metadata=meta)


# --------------------------------------------------------------------------------------------
# Anchore package types (Syft and Grype), for the rare package written without a purl

_ANCHORE_PURL_TYPES: Final[dict[str, str]] = {
    "python": "pypi",
    "npm": "npm",
    "go-module": "golang",
    "java-archive": "maven",
    "jenkins-plugin": "maven",
    "gem": "gem",
    "rust-crate": "cargo",
    "php-composer": "composer",
    "dotnet": "nuget",
    "hex": "hex",
    "dart-pub": "pub",
    "conan": "conan",
    "swift": "swift",
    "cocoapods": "cocoapods",
    "hackage": "hackage",
    "r-package": "cran",
    "github-action": "github",
    "github-action-workflow": "github",
}
_ANCHORE_DISTRO_TYPES: Final = frozenset({"apk", "deb", "rpm"})


def anchore_purl(
    package_type: str | None,
    name: str,
    version: str | None,
    distro_id: str | None,
    distro_version: str | None,
) -> str | None:
    """A purl for a Syft/Grype package listed without one, or None for unknown types."""
    kind = (package_type or "").lower()
    if kind in _ANCHORE_DISTRO_TYPES:
        if not distro_id:
            return None
        qualifiers = {"distro": f"{distro_id}-{distro_version}"} if distro_version else {}
        return str(
            PackageURL(
                type=kind, namespace=distro_id, name=name, version=version, qualifiers=qualifiers
            ).to_string()
        )
    ptype = _ANCHORE_PURL_TYPES.get(kind)
    if ptype is None:
        return None
    return language_purl(ptype, name, version)


def language_purl(ptype: str, name: str, version: str | None) -> str:
    """A purl of a language package from the name its package manager uses (Maven
    ``group:artifact``, npm ``@scope/name``, Go module paths, Composer ``vendor/name``)."""
    namespace: str | None = None
    pname = name
    if ptype == "maven" and ":" in name:
        namespace, _, pname = name.partition(":")
    elif "/" in name and ptype in ("npm", "golang", "composer", "swift", "github", "conan"):
        namespace, _, pname = name.rpartition("/")
    return str(PackageURL(type=ptype, namespace=namespace, name=pname, version=version).to_string())
