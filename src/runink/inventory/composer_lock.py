"""``composer.lock``: Composer's resolved PHP package set.

Entries of ``packages`` are components in the ``Packagist`` ecosystem (scope ``"runtime"``),
entries of ``packages-dev`` have the scope ``"dev"``. Names are ``vendor/name``, lower-cased
(Composer treats names case-insensitively).

Versions: Composer writes tags as they are named, so ``v5.4.1`` and ``5.4.1`` both occur, and
Composer itself drops the leading ``v`` when it normalizes a version. Packagist advisories
(GitHub's and FriendsOfPHP's, as OSV serves them) use the bare form, so the parser strips a
leading ``v`` that precedes a digit. A branch checkout (``dev-main``, ``2.x-dev``) is no
release that an advisory range can place: such entries are ``Skipped``.

The lock file does not say which packages the root ``composer.json`` requires, so ``direct``
is None.
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

__all__ = ["ComposerLockParser"]

_ECOSYSTEM: Final = "Packagist"
_NAME_PREFIX = re.compile(rb'"name"[ \t\r\n]*:[ \t\r\n]*"')
_VERSION_PREFIX = re.compile(rb'[ \t\r\n]*,[ \t\r\n]*"version"[ \t\r\n]*:[ \t\r\n]*"')
_BRANCH = re.compile(r"^dev-|^(?:\d+\.)*x-dev$")
_JSON_ERROR_LINE = re.compile(r"line (\d+)")
_SECTIONS: Final = (("packages", "runtime"), ("packages-dev", "dev"))


def _json_error_line(message: str) -> int | None:
    m = _JSON_ERROR_LINE.search(message)
    return int(m.group(1)) if m else None


def _string_end(data: bytes, start: int) -> int:
    """Index of the quote closing the JSON string whose body starts at ``start``."""
    end = data.find(b'"', start)
    while end > 0 and _escaped(data, end):
        end = data.find(b'"', end + 1)
    return end if end >= 0 else len(data)


def _escaped(data: bytes, quote: int) -> bool:
    backslashes = 0
    i = quote - 1
    while i >= 0 and data[i] == 0x5C:
        backslashes += 1
        i -= 1
    return backslashes % 2 == 1


class _NameLines:
    """Finds, in file order, the line where each package entry names itself.

    Composer writes ``"name"`` and then ``"version"`` as the first keys of a package, which no
    nested object (an author, a funding link) has: that pair is looked for first. A file
    with another key order falls back to the next ``"name": ...`` with the right value.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        # (offset, name, the "version" that directly follows it or None)
        self._entries: list[tuple[int, bytes, bytes | None]] = []
        for m in _NAME_PREFIX.finditer(data):
            end = _string_end(data, m.end())
            version = None
            after = _VERSION_PREFIX.match(data, end + 1)
            if after is not None:
                version = data[after.end() : _string_end(data, after.end())]
            self._entries.append((m.start(), data[m.end() : end], version))
        self._next = 0
        self._pos = 0
        self._line = 1

    def next_line_of(self, name: str, version: object) -> int | None:
        """The line of the next entry for this package after the previous one found."""
        raw_name = name.encode()
        raw_version = version.encode() if isinstance(version, str) else None
        index = self._find(raw_name, raw_version)
        if index is None:
            index = self._find(raw_name, None)
        if index is None:
            return None
        offset = self._entries[index][0]
        self._line += self._data.count(b"\n", self._pos, offset)
        self._pos = offset
        self._next = index + 1
        return self._line

    def _find(self, name: bytes, version: bytes | None) -> int | None:
        for i in range(self._next, len(self._entries)):
            _, found_name, found_version = self._entries[i]
            if not _same(found_name, name):
                continue
            if version is not None and (found_version is None or not _same(found_version, version)):
                continue
            return i
        return None


def _same(raw: bytes, wanted: bytes) -> bool:
    """Whether a raw JSON string body spells ``wanted`` (escapes such as ``\\/`` decoded)."""
    if raw == wanted:
        return True
    return b"\\" in raw and _unescape(raw).encode() == wanted


def _unescape(raw: bytes) -> str:
    try:
        value = orjson.loads(b'"' + raw + b'"')
    except orjson.JSONDecodeError:
        return ""
    return value if isinstance(value, str) else ""


class ComposerLockParser:
    """Parser for ``composer.lock``."""

    format = "composer.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.composer_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        try:
            doc = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError as exc:
            raise ParseError(
                path, f"not valid JSON: {exc}", line=_json_error_line(str(exc))
            ) from exc
        if not isinstance(doc, dict):
            raise ParseError(path, "expected a JSON object at the top level")

        lines = _NameLines(data)
        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for key, scope in _SECTIONS:
            entries = doc.get(key, [])
            if entries is None:
                continue
            if not isinstance(entries, list):
                raise ParseError(path, f"{key}: expected an array")
            for index, entry in enumerate(entries):
                where = f"{key}[{index}]"
                if not isinstance(entry, dict):
                    raise ParseError(path, f"{where}: expected an object")
                raw_name = entry.get("name")
                if not isinstance(raw_name, str) or not raw_name:
                    raise ParseError(path, f"{where}: missing 'name'")
                version = entry.get("version")
                line = lines.next_line_of(raw_name, version)
                if not isinstance(version, str) or not version:
                    raise ParseError(path, f"{where} ({raw_name}): missing 'version'", line=line)
                name = normalize_name(_ECOSYSTEM, raw_name)
                if _BRANCH.search(version):
                    skipped.append(
                        Skipped(
                            name,
                            f"{version!r} is a development branch, not a release; "
                            "advisory ranges cannot place it",
                            line,
                        )
                    )
                    continue
                if version[:1] in ("v", "V") and version[1:2].isdigit():
                    version = version[1:]
                if (name, version) in seen:
                    continue
                seen.add((name, version))
                components.append(
                    Component(
                        ecosystem=_ECOSYSTEM,
                        name=name,
                        version=version,
                        source=path,
                        line=line,
                        scope=scope,
                    )
                )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
