"""``packages.lock.json``: NuGet's lock file (format versions 1 and 2).

``dependencies`` maps each target framework (``net8.0``, ``net6.0/linux-x64``) to the
packages restored for it. Every entry of type ``Direct``, ``Transitive`` or
``CentralTransitive`` is a component in the ``NuGet`` ecosystem at its ``resolved`` version;
``Direct`` entries are ``direct=True``. ``Project`` entries are other projects of the same
solution, not packages, and are left out. A package restored for several frameworks at the
same version is one component (direct if it is direct for any framework), at the line of its
first entry. Names are lower-cased (NuGet ids are case-insensitive).
"""

from __future__ import annotations

import re
from typing import Final

import orjson

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = ["NugetLockParser"]

_ECOSYSTEM: Final = "NuGet"
# The end of a key whose value is an object: `"<key>" : {`; the key is read backwards.
_OBJECT_KEY_END = re.compile(rb'"[ \t\r\n]*:[ \t\r\n]*\{')
_JSON_ERROR_LINE = re.compile(r"line (\d+)")
_PACKAGE_TYPES: Final = frozenset({"direct", "transitive", "centraltransitive"})


def _key_start(data: bytes, end: int) -> int:
    """Index of the quote opening the JSON string whose closing quote is at ``end``."""
    start = data.rfind(b'"', 0, end)
    while start > 0 and _escaped(data, start):
        start = data.rfind(b'"', 0, start)
    return start


def _escaped(data: bytes, quote: int) -> bool:
    """Whether the quote at this index is preceded by an odd number of backslashes."""
    i = quote - 1
    while i >= 0 and data[i] == 0x5C:
        i -= 1
    return (quote - 1 - i) % 2 == 1


class _KeyLines:
    """Finds, in file order, the line of each ``"key": {`` pair."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._keys: list[tuple[int, bytes]] = []
        for m in _OBJECT_KEY_END.finditer(data):
            start = _key_start(data, m.start())
            if start >= 0:
                self._keys.append((start, data[start + 1 : m.start()]))
        self._i = 0
        self._pos = 0
        self._line = 1

    def next_line_of(self, key: str) -> int | None:
        encoded = key.encode()
        for j in range(self._i, len(self._keys)):
            offset, raw = self._keys[j]
            if raw == encoded or (b"\\" in raw and _unescape(raw) == key):
                self._line += self._data.count(b"\n", self._pos, offset)
                self._pos = offset
                self._i = j + 1
                return self._line
        return None


def _unescape(raw: bytes) -> str:
    try:
        value = orjson.loads(b'"' + raw + b'"')
    except orjson.JSONDecodeError:
        return ""
    return value if isinstance(value, str) else ""


class NugetLockParser:
    """Parser for ``packages.lock.json``."""

    format = "packages.lock.json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.nuget_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        try:
            doc = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError as exc:
            m = _JSON_ERROR_LINE.search(str(exc))
            raise ParseError(
                path, f"not valid JSON: {exc}", line=int(m.group(1)) if m else None
            ) from exc
        if not isinstance(doc, dict):
            raise ParseError(path, "expected a JSON object at the top level")
        frameworks = doc.get("dependencies")
        if not isinstance(frameworks, dict):
            raise ParseError(path, "dependencies: expected an object of target frameworks")

        lines = _KeyLines(data)
        lines.next_line_of("dependencies")
        found: dict[tuple[str, str], tuple[int | None, bool]] = {}  # -> (first line, direct)
        skipped: list[Skipped] = []
        for framework, packages in frameworks.items():
            fw_line = lines.next_line_of(framework)
            if not isinstance(packages, dict):
                raise ParseError(
                    path, f"dependencies.{framework}: expected an object", line=fw_line
                )
            for raw_name, entry in packages.items():
                line = lines.next_line_of(raw_name)
                where = f"dependencies.{framework}.{raw_name}"
                if not isinstance(entry, dict):
                    raise ParseError(path, f"{where}: expected an object", line=line)
                kind = entry.get("type")
                if not isinstance(kind, str):
                    raise ParseError(path, f"{where}: missing 'type'", line=line)
                kind = kind.lower()
                if kind == "project":
                    continue
                name = normalize_name(_ECOSYSTEM, raw_name)
                if kind not in _PACKAGE_TYPES:
                    skipped.append(Skipped(name, f"unknown entry type {entry['type']!r}", line))
                    continue
                version = entry.get("resolved")
                if not isinstance(version, str) or not version:
                    skipped.append(Skipped(name, "no 'resolved' version", line))
                    continue
                direct = kind == "direct"
                first = found.get((name, version))
                if first is None:
                    found[(name, version)] = (line, direct)
                elif direct and not first[1]:
                    found[(name, version)] = (first[0], True)

        components = tuple(
            Component(
                ecosystem=_ECOSYSTEM,
                name=name,
                version=version,
                source=path,
                line=line,
                direct=direct,
            )
            for (name, version), (line, direct) in found.items()
        )
        return ParseResult(components=components, skipped=tuple(skipped))
