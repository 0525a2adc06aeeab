"""``Cargo.lock``: the resolved crate graph of a Rust workspace (lockfile versions 1 to 4).

Each ``[[package]]`` from crates.io (``source = "registry+https://github.com/rust-lang/
crates.io-index"`` or ``"sparse+https://index.crates.io/"``) is a component in the
``crates.io`` ecosystem. A package without ``source`` is a crate of the workspace itself (a
member or a path dependency): it is not a component and is not reported. A git dependency or a
crate from another registry is ``Skipped`` with the reason, because crates.io advisories do not
describe it.

``direct`` is True for crates that a workspace crate depends on, False for the others; it is
None when the file has no workspace crate to tell from.

Cargo writes this file in a fixed layout, so a line scanner reads it; anything outside that
layout (hand edits, inline tables) falls back to the standard TOML parser, which also reports
malformed TOML with its line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims, _toml
from runink.inventory.base import ParseResult, decode_utf8
from runink.model.component import Component, Skipped

__all__ = ["CargoLockParser"]

_ECOSYSTEM: Final = "crates.io"
_CRATES_IO_SOURCES: Final = frozenset(
    {
        "registry+https://github.com/rust-lang/crates.io-index",
        "sparse+https://index.crates.io/",
    }
)

_KV_STRING = re.compile(r'([A-Za-z0-9_-]+) = "([^"\\]*)"')
_KV_INT = re.compile(r"([A-Za-z0-9_-]+) = (\d+)")
_QUOTED_KV_STRING = re.compile(r'"[^"\\]*" = "[^"\\]*"')
_ARRAY_ITEM = re.compile(r'"([^"\\]*)",?')
_ARRAY_OPEN = re.compile(r"([A-Za-z0-9_-]+) = \[")
_ARRAY_EMPTY = re.compile(r"([A-Za-z0-9_-]+) = \[\]")
_TABLE = re.compile(r"\[[A-Za-z0-9_.-]+\]|\[\[[A-Za-z0-9_.-]+\]\]")
_TOMLLIB_LINE = re.compile(r"at line (\d+)")
_PACKAGE_HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*package[ \t]*\]\]", re.MULTILINE)
_ROOT_HEADER = re.compile(rb"^[ \t]*\[[ \t]*root[ \t]*\]", re.MULTILINE)


@dataclass(slots=True)
class _Package:
    name: object = None
    version: object = None
    source: object = None
    dependencies: object = ()
    line: int | None = None
    root: bool = False


class _NotSimple(Exception):
    """The file leaves Cargo's own layout: read it with the full TOML parser."""


def _scan(text: str) -> list[_Package]:
    """Read Cargo's own layout line by line; raise ``_NotSimple`` on anything else."""
    packages: list[_Package] = []
    current: _Package | None = None
    top_level = True  # before the first table only "version = N" is expected
    keys: set[str] = set()
    array: list[str] | None = None
    array_key = ""
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if array is not None:
            if line == "]":
                if current is not None and array_key == "dependencies":
                    current.dependencies = tuple(array)
                array = None
                continue
            m = _ARRAY_ITEM.fullmatch(line)
            if m is None:
                raise _NotSimple
            array.append(m.group(1))
            continue
        if not line or line.startswith("#"):
            continue
        if line[0] == "[":
            top_level = False
            if line == "[[package]]":
                current = _Package(line=lineno)
                packages.append(current)
            elif line == "[root]":
                current = _Package(line=lineno, root=True)
                packages.append(current)
            elif _TABLE.fullmatch(line) and line.strip("[]") not in ("package", "root"):
                current = None
            else:
                raise _NotSimple
            keys = set()
            continue
        if top_level:
            if _KV_INT.fullmatch(line) and line.startswith("version ") and "version" not in keys:
                keys.add("version")
                continue
            raise _NotSimple
        m = _KV_STRING.fullmatch(line)
        if m is not None:
            key = m.group(1)
            if key in keys:
                raise _NotSimple
            keys.add(key)
            if current is not None:
                if key == "name":
                    current.name = m.group(2)
                elif key == "version":
                    current.version = m.group(2)
                elif key == "source":
                    current.source = m.group(2)
            continue
        m = _ARRAY_OPEN.fullmatch(line) or _ARRAY_EMPTY.fullmatch(line)
        if m is not None:
            key = m.group(1)
            if key in keys:
                raise _NotSimple
            keys.add(key)
            if line[-1] == "[":
                array, array_key = [], key
            continue
        if current is None and _QUOTED_KV_STRING.fullmatch(line):
            continue  # [metadata] checksums of lockfile version 1
        raise _NotSimple
    if array is not None:
        raise _NotSimple
    return packages


def _load(path: str, data: bytes, text: str) -> list[_Package]:
    """Read any valid TOML with the standard parser, locating packages by their headers."""
    try:
        doc = _toml.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOMLLIB_LINE.search(str(exc))
        line = int(m.group(1)) if m else None
        raise ParseError(path, f"not valid TOML: {exc}", line=line) from exc
    except RecursionError as exc:  # tomllib recurses into nested arrays and inline tables
        raise ParseError(path, "TOML nested too deeply for a Cargo.lock") from exc
    raw_packages = doc.get("package", [])
    if not isinstance(raw_packages, list):
        raise ParseError(path, "'package' must be an array of tables")
    lines: list[int | None] = [
        data.count(b"\n", 0, m.start()) + 1 for m in _PACKAGE_HEADER.finditer(data)
    ]
    if len(lines) != len(raw_packages):
        lines = [None] * len(raw_packages)
    packages: list[_Package] = []
    for entry, line in zip(raw_packages, lines, strict=True):
        if not isinstance(entry, dict):
            raise ParseError(path, "each 'package' entry must be a table", line=line)
        packages.append(
            _Package(
                name=entry.get("name"),
                version=entry.get("version"),
                source=entry.get("source"),
                dependencies=entry.get("dependencies", ()),
                line=line,
            )
        )
    root = doc.get("root")
    if isinstance(root, dict):
        header = _ROOT_HEADER.search(data)
        root_line = data.count(b"\n", 0, header.start()) + 1 if header else None
        packages.append(
            _Package(
                name=root.get("name"),
                version=root.get("version"),
                dependencies=root.get("dependencies", ()),
                line=root_line,
                root=True,
            )
        )
    return packages


def _direct_keys(path: str, packages: list[_Package]) -> set[tuple[str, str | None]] | None:
    """(name, version-or-None) of every crate that a workspace crate depends on."""
    local = [p for p in packages if p.root or p.source is None]
    if not local:
        return None
    keys: set[tuple[str, str | None]] = set()
    for p in local:
        deps = p.dependencies
        if not isinstance(deps, list | tuple):
            raise ParseError(path, "'dependencies' must be an array", line=p.line)
        for dep in deps:
            if not isinstance(dep, str):
                raise ParseError(path, "each dependency must be a string", line=p.line)
            parts = dep.split(" ")
            keys.add((parts[0], parts[1] if len(parts) > 1 else None))
    return keys


class CargoLockParser:
    """Parser for ``Cargo.lock``."""

    format = "Cargo.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.cargo_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_utf8(path, data)
        try:
            packages = _scan(text)
        except _NotSimple:
            packages = _load(path, data, text)

        direct_keys = _direct_keys(path, packages)
        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for p in packages:
            name, version, source = p.name, p.version, p.source
            if not isinstance(name, str) or not name:
                raise ParseError(path, "package has no 'name'", line=p.line)
            if not isinstance(version, str) or not version:
                raise ParseError(path, f"package {name!r} has no 'version'", line=p.line)
            if p.root or source is None:
                continue  # a crate of the workspace itself
            if not isinstance(source, str):
                raise ParseError(path, f"package {name!r}: 'source' must be a string", line=p.line)
            if source not in _CRATES_IO_SOURCES:
                if source.startswith("git+"):
                    reason = f"git dependency ({source}); crates.io advisories describe releases"
                elif source.startswith(("registry+", "sparse+")):
                    reason = f"from the registry {source.split('+', 1)[1]}, not crates.io"
                else:
                    reason = f"unknown source {source!r}"
                skipped.append(Skipped(name, reason, p.line))
                continue
            if (name, version) in seen:
                continue
            seen.add((name, version))
            direct = None
            if direct_keys is not None:
                direct = (name, None) in direct_keys or (name, version) in direct_keys
            components.append(
                Component(
                    ecosystem=_ECOSYSTEM,
                    name=name,
                    version=version,
                    source=path,
                    line=p.line,
                    direct=direct,
                )
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
