"""Helpers shared by the Python parsers (requirements.txt, poetry, uv, Pipfile, pdm, pylock).

Everything here is pure: text in, values out. The pieces are:

* ``decode_text``: UTF-8 decoding with a ``ParseError`` that names the line of a bad byte.
* ``load_toml``: ``tomllib`` with its syntax errors turned into ``ParseError`` at their line, after
  ``elide_hash_arrays`` has blanked the bulky lists of file hashes that no parser reads.
* ``entry_lines``: the 1-based line where each ``[[package]]``-style entry starts.
* ``DependencyGraph``: shortest dependency paths from a set of root edges, for ``Component.path``.
* ``merge_duplicates``: one component per (name, version), keeping the strongest facts.
"""

from __future__ import annotations

import re
import tomllib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from runink.errors import ParseError
from runink.model.component import Component, Skipped

__all__ = [
    "ECOSYSTEM",
    "SCOPE_RANK",
    "DependencyGraph",
    "bad_name_skip",
    "decode_text",
    "elide_hash_arrays",
    "entry_lines",
    "key_line",
    "load_toml",
    "merge_duplicates",
    "requirement_name",
    "valid_name",
]

ECOSYSTEM: Final = "PyPI"

#: How strongly a scope says "this ships": a lower rank wins when facts are merged.
SCOPE_RANK: Final[Mapping[str | None, int]] = {"runtime": 0, "optional": 1, "dev": 2, None: 3}

_TOMLLIB_LINE = re.compile(r"\(at line (\d+), column \d+\)")

# A line of a hash list that TOML reads as one inline table of plain values: bare keys, basic
# strings without escapes, quotes or control characters, decimal integers, and one level of
# nested inline tables of the same. Every text this pattern accepts is valid TOML (save a key
# repeated inside one table), so blanking it cannot hide a syntax error that changes what the
# parsers read (see ``elide_hash_arrays``).
_STR: Final = r"\"[^\"'\\\x00-\x08\x0a-\x1f\x7f]*\""
_SCALAR: Final = rf"(?:{_STR}|0|[1-9][0-9]*)"
_KEY: Final = r"[A-Za-z0-9_-]+"
_FLAT: Final = (
    rf"\{{[ \t]*{_KEY}[ \t]*=[ \t]*{_SCALAR}(?:[ \t]*,[ \t]*{_KEY}[ \t]*=[ \t]*{_SCALAR})*[ \t]*\}}"
)
_VALUE: Final = rf"(?:{_SCALAR}|{_FLAT})"
_TABLE: Final = (
    rf"\{{[ \t]*{_KEY}[ \t]*=[ \t]*{_VALUE}(?:[ \t]*,[ \t]*{_KEY}[ \t]*=[ \t]*{_VALUE})*[ \t]*\}}"
)
_NL: Final = r"\r?\n"


def _elision_pattern(array_keys: tuple[str, ...], inline_keys: tuple[str, ...]) -> re.Pattern[str]:
    element = rf"[ \t]*{_TABLE}"
    arrays = "|".join(re.escape(k) for k in array_keys)
    alternatives = [
        rf"(?P<akey>(?:{arrays})[ \t]*=[ \t]*\[){_NL}"
        rf"(?P<elements>(?:{element}[ \t]*,[ \t]*{_NL})*{element}[ \t]*,?[ \t]*{_NL})"
        rf"(?P<close>[ \t]*\][ \t]*\r?)"
    ]
    if inline_keys:
        inline = "|".join(re.escape(k) for k in inline_keys)
        alternatives.append(rf"(?P<ikey>(?:{inline})[ \t]*=[ \t]*){_TABLE}(?P<tail>[ \t]*\r?)")
    return re.compile(rf"^(?:{'|'.join(alternatives)})$", re.MULTILINE)


_ELISION_PATTERNS: dict[tuple[tuple[str, ...], tuple[str, ...]], re.Pattern[str]] = {}


def _blank(match: re.Match[str]) -> str:
    # An array keeps its key and brackets and loses its elements, but not their line breaks:
    # it becomes an empty multi-line array and the lines below keep their numbers. An inline
    # table becomes ``{}``.
    akey = match.group("akey")
    if akey is not None:
        return akey + "\n" * (1 + match.group("elements").count("\n")) + match.group("close")
    return match.group("ikey") + "{}" + match.group("tail")


def elide_hash_arrays(text: str, array_keys: Sequence[str], inline_keys: Sequence[str] = ()) -> str:
    """Blank the elements of ``key = [ {...}, ... ]`` lists (and ``key = {...}`` lines).

    Lockfiles spend most of their bytes on per-file hashes (uv's ``wheels``/``sdist``, poetry's
    and pdm's ``files``) that inventory never reads, and ``tomllib`` is pure Python: blanking
    them first makes parsing several times faster. Only lists whose every element matches a
    strict pattern of always-valid TOML are touched, line breaks are kept (so error lines and
    entry lines do not move), and the key itself stays, so a duplicate key is still an error.
    Anything else, including a malformed element, is left for ``tomllib`` to read or reject.
    """
    key = (tuple(array_keys), tuple(inline_keys))
    pattern = _ELISION_PATTERNS.get(key)
    if pattern is None:
        pattern = _ELISION_PATTERNS.setdefault(key, _elision_pattern(*key))
    return pattern.sub(_blank, text)


def decode_text(path: str, data: bytes) -> str:
    """Decode UTF-8 (an initial byte-order mark is dropped); a bad byte is a ParseError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(path, f"not UTF-8 text ({exc.reason})", line=line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ParseError(path, "binary content (NUL byte), not a text file", line=line)
    return text


def load_toml(path: str, text: str) -> dict[str, Any]:
    """Parse TOML; a syntax error becomes a ParseError at the line ``tomllib`` reports."""
    try:
        return tomllib.loads(text)
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


def entry_lines(
    text: str, array_key: str, entries: Sequence[Mapping[str, Any]]
) -> list[int | None]:
    """The line where each entry of the array of tables ``array_key`` starts.

    The usual layout has one ``[[key]]`` header per entry; when the header count matches, the
    n-th header starts the n-th entry. Otherwise (an inline array, or a header-like line inside a
    multi-line string) each entry is found by its ``name = "..."`` pair, in order.
    """
    header = re.compile(
        rf"^[ \t]*\[\[[ \t]*(?:{re.escape(array_key)}|\"{re.escape(array_key)}\")[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?$",
        re.MULTILINE,
    )
    starts = [m.start() for m in header.finditer(text)]
    if len(starts) == len(entries):
        return _lines_at(text, starts)
    found: list[int | None] = []
    offsets: list[int] = []
    index_of: list[int] = []
    pos = 0
    for i, entry in enumerate(entries):
        name = entry.get("name")
        if not isinstance(name, str):
            found.append(None)
            continue
        m = re.compile(rf"(?<![\w.-])name[ \t]*=[ \t]*([\"']){re.escape(name)}\1").search(text, pos)
        if m is None:
            found.append(None)
            continue
        pos = m.end()
        offsets.append(m.start())
        index_of.append(i)
        found.append(None)
    for i, line in zip(index_of, _lines_at(text, offsets), strict=True):
        found[i] = line
    return found


def key_line(text: str, key: str) -> int | None:
    """The line of the first top-level-looking ``key = ...`` (for messages about its value)."""
    m = re.search(rf"^[ \t]*([\"']?){re.escape(key)}\1[ \t]*=", text, re.MULTILINE)
    return None if m is None else text.count("\n", 0, m.start()) + 1


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


_NAME_AT_START = re.compile(r"[ \t]*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


_VALID_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def valid_name(name: str) -> bool:
    """Whether ``name`` is a valid distribution name (PEP 508 / core metadata)."""
    return _VALID_NAME.fullmatch(name) is not None


def bad_name_skip(name: object, line: int | None) -> Skipped:
    """The ``Skipped`` record of an entry whose name is missing or not a valid name."""
    if not isinstance(name, str) or not name.strip():
        return Skipped("", "package entry without a name", line)
    return Skipped(name, "not a valid Python package name", line)


def requirement_name(spec: str) -> str | None:
    """The distribution name at the start of a PEP 508 string (``"foo[bar]>=1; marker"``)."""
    m = _NAME_AT_START.match(spec)
    return m.group(1) if m else None


@dataclass(slots=True)
class DependencyGraph:
    """Nodes are indices; ``edges[i]`` lists the nodes node ``i`` depends on.

    ``scopes`` runs a breadth-first search from the root edges of each scope in turn (strongest
    first), so each node gets the strongest scope that reaches it and a shortest path within it;
    ``shortest`` gives a shortest path from any start, for formats without scopes.
    """

    size: int
    edges: list[list[int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.edges:
            self.edges = [[] for _ in range(self.size)]

    def add(self, source: int, target: int) -> None:
        if source != target:
            self.edges[source].append(target)

    def shortest(self, starts: Iterable[int]) -> list[tuple[int, ...] | None]:
        """For every node, a shortest path (tuple of nodes) from any start node, or None."""
        paths: list[tuple[int, ...] | None] = [None] * self.size
        queue: deque[int] = deque()
        for s in starts:
            if paths[s] is None:
                paths[s] = (s,)
                queue.append(s)
        edges = self.edges
        while queue:
            node = queue.popleft()
            here = paths[node]
            assert here is not None
            for nxt in edges[node]:
                if paths[nxt] is None:
                    paths[nxt] = (*here, nxt)
                    queue.append(nxt)
        return paths

    def scopes(
        self, starts_by_scope: Sequence[tuple[str, Iterable[int]]]
    ) -> tuple[list[str | None], list[tuple[int, ...] | None]]:
        """The first scope (in the order given) whose starts reach each node, or None, and a
        shortest path within that scope (so the path explains the scope)."""
        scopes: list[str | None] = [None] * self.size
        paths: list[tuple[int, ...] | None] = [None] * self.size
        edges = self.edges
        for scope, starts in starts_by_scope:
            queue: deque[int] = deque()
            for s in starts:
                if scopes[s] is None:
                    scopes[s] = scope
                    paths[s] = (s,)
                    queue.append(s)
            while queue:
                node = queue.popleft()
                here = paths[node]
                assert here is not None
                for nxt in edges[node]:
                    if scopes[nxt] is None:
                        scopes[nxt] = scope
                        paths[nxt] = (*here, nxt)
                        queue.append(nxt)
        return scopes, paths

    def sources(self) -> list[int]:
        """Nodes nothing else depends on (in index order)."""
        has_incoming = [False] * self.size
        for targets in self.edges:
            for t in targets:
                has_incoming[t] = True
        return [i for i, incoming in enumerate(has_incoming) if not incoming]


def merge_duplicates(components: Iterable[Component]) -> tuple[Component, ...]:
    """One component per (name, version), in first-seen order.

    Facts are merged so that nothing is understated: ``direct`` is True if any copy says so
    (else False if any says so, else None), the strongest scope wins, the shortest non-empty
    path wins, and the first line is kept.
    """
    merged: dict[tuple[str, str], Component] = {}
    for comp in components:
        key = (comp.name, comp.version)
        seen = merged.get(key)
        if seen is None:
            merged[key] = comp
            continue
        direct = seen.direct
        if comp.direct is True or (direct is None and comp.direct is False):
            direct = comp.direct
        scope = seen.scope
        if SCOPE_RANK.get(comp.scope, 3) < SCOPE_RANK.get(scope, 3):
            scope = comp.scope
        path = seen.path
        if comp.path and (not path or len(comp.path) < len(path)):
            path = comp.path
        if (direct, scope, path) != (seen.direct, seen.scope, seen.path):
            merged[key] = replace(seen, direct=direct, scope=scope, path=path)
    return tuple(merged.values())
