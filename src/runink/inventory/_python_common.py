"""Helpers shared by the Python parsers (requirements.txt, poetry, uv, Pipfile, pdm, pylock).

Everything here is pure: text in, values out. The pieces are:

* ``decode_text``: UTF-8 decoding with a ``ParseError`` that names the line of a bad byte.
* ``load_toml``, ``elide_hash_arrays``, ``entry_lines``: re-exported from ``_toml`` (TOML with
  its syntax errors as ``ParseError`` at their line; hash lists blanked; entry start lines).
* ``decode_elided``: ``decode_text`` then ``elide_hash_arrays``, in one step that is cheaper.
* ``DependencyGraph``: shortest dependency paths from a set of root edges, for ``Component.path``.
* ``merge_duplicates``: one component per (name, version), keeping the strongest facts.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from runink.errors import ParseError
from runink.inventory._toml import (
    elide_hash_arrays,
    elide_hash_arrays_if_utf8,
    elide_hash_arrays_utf8,
    entry_lines,
    load_toml,
)
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = [
    "ECOSYSTEM",
    "SCOPE_RANK",
    "DependencyGraph",
    "NameCache",
    "bad_name_skip",
    "decode_elided",
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


class NameCache(dict[str, str]):
    """``cache[name]`` is ``normalize_name("PyPI", name)``, worked out once per name (a
    lockfile names each package many times, in every dependency list that holds it)."""

    __slots__ = ()

    def __missing__(self, name: str) -> str:
        # Most names are written normalized already (uv writes them so): a name without
        # surrounding white space, "_", ".", "--" or upper case is its own PEP 503 form, found
        # several times faster than by ``normalize_name``'s substitution.
        if (
            "_" not in name
            and "." not in name
            and "--" not in name
            and name.lower() == name
            and name.strip() == name
        ):
            self[name] = name
            return name
        normalized = self[name] = normalize_name(ECOSYSTEM, name)
        return normalized


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


def decode_elided(
    path: str, data: bytes, array_keys: Sequence[str], inline_keys: Sequence[str] = ()
) -> str:
    """``elide_hash_arrays(decode_text(path, data), array_keys, inline_keys)``: the same text
    and the same errors, without decoding the hash lists of an ASCII file (most lockfiles), or
    of a file whose other characters are all outside them."""
    if not data.isascii() or b"\x00" in data:
        if b"\x00" not in data:
            body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data  # as decode_text
            text = elide_hash_arrays_if_utf8(body, array_keys, inline_keys)
            if text is not None:
                return text
        decode_text(path, data)  # the same errors, for bytes that are not UTF-8 text
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]  # decode_text drops a byte-order mark
    return elide_hash_arrays_utf8(data, array_keys, inline_keys)


def key_line(text: str, key: str) -> int | None:
    """The line of the first top-level-looking ``key = ...`` (for messages about its value)."""
    m = re.search(rf"^[ \t]*([\"']?){re.escape(key)}\1[ \t]*=", text, re.MULTILINE)
    return None if m is None else text.count("\n", 0, m.start()) + 1


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
