"""Bun's text lockfile ``bun.lock`` (lockfileVersion 0 and 1; JSON with trailing commas).

``packages`` maps an install key to a tuple whose first element is the resolved identity
``name@spec``: ``["name@1.2.3", registry, INFO, integrity]`` for registry packages, and
``["name@github:user/repo#sha", INFO, tag]``, ``["name@file:path", INFO]``,
``["name@link:path", INFO]``, ``["name@workspace:path"]``, ``["name@https://...tgz", INFO]``
for the rest. Keys nest like ``node_modules``: ``chalk/supports-color`` is the copy of
``supports-color`` that ``chalk`` gets; an alias's key is the alias, while the identity names the
real package.

* Direct: the packages that a workspace (``workspaces``, ``""`` being the root) depends on.
* Scope: reachable from a workspace's ``dependencies`` through required and peer edges ->
  ``"runtime"``; else through optional edges too -> ``"optional"``; else from its
  ``peerDependencies`` -> ``"peer"``; else from ``devDependencies`` -> ``"dev"``.
* Path: the shortest chain of names from a direct dependency.
* Not components: workspace and root entries (the project itself, omitted silently);
  ``file:``/``link:`` packages, git/GitHub dependencies and non-registry tarballs are
  ``Skipped`` with the reason. A tuple whose identity is not a string is ``Skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

import orjson

from runink.inventory import _claims
from runink.inventory._js_common import (
    ComponentCollector,
    JsonKeyLines,
    SpecKind,
    classify_spec,
    is_semver,
    json_error_line,
    reachable,
    redact_url,
    registry_tarball_version,
    shortest_paths,
    split_name_spec,
    strip_bom,
)
from runink.inventory.base import ParseError, ParseResult

__all__ = ["BunLockParser"]

# Strings are kept as they are; comments and the comma of a trailing comma are dropped. An
# unterminated string or comment matches to the end of its line or of the file (the JSON parser
# then reports it), which keeps the scan linear on hostile input.
_JSONC = re.compile(
    rb'("(?:[^"\\\n]|\\.)*"?)|//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/)?|,(\s*[\]}])',
)
_TRAILING_COMMA = re.compile(rb",\s*[\]}]")
_RUNTIME_EDGES: Final = ("dependencies", "peerDependencies")
_ALL_EDGES: Final = ("dependencies", "optionalDependencies", "peerDependencies")


class BunLockParser:
    """``bun.lock`` (the text lockfile; the binary ``bun.lockb`` is not read)."""

    format = "bun.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.bun_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        data = strip_bom(data)
        doc = _load_jsonc(path, data)
        collector = ComponentCollector(path)
        _parse_doc(path, data, doc, collector)
        return ParseResult(components=collector.components(), skipped=collector.skipped())


def _strip_jsonc(data: bytes) -> bytes:
    """``_JSONC.sub(rb"\\1\\2", data)``: comments and trailing commas dropped, strings kept.

    That substitution matches every string of the document to step over it, and Python 3.11
    expands the replacement template in Python for each one: most of the parse time. Here only
    the places that may need a cut are looked at (a ``,`` before a closing bracket, a ``//``);
    strings and ``//`` comments end at a line end, so the original scan, replayed from the
    start of the candidate's line, says whether the candidate is in a string (left alone) or
    is what that scan would cut. A document with ``/*`` (a block comment may span lines) takes
    the full substitution.
    """
    if b"/*" in data:
        return _JSONC.sub(rb"\1\2", data)
    candidates = sorted(
        [m.start() for m in _TRAILING_COMMA.finditer(data)] + _all_positions(data, b"//")
    )
    if not candidates:
        return data
    pieces: list[bytes] = []
    done = 0  # data[:done] is copied or cut
    for pos in candidates:
        if pos < done:
            continue  # inside a cut already made (a comment holding "//" or ",]")
        cut = _cut_at(data, pos)
        if cut is not None:
            pieces.append(data[done:pos])
            done = cut
    pieces.append(data[done:])
    return b"".join(pieces)


def _all_positions(data: bytes, needle: bytes) -> list[int]:
    found: list[int] = []
    at = data.find(needle)
    while at >= 0:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def _cut_at(data: bytes, pos: int) -> int | None:
    """Where the cut starting at ``pos`` ends, when the full scan would cut there (a comment,
    or a trailing comma: only the comma goes); None when ``pos`` lies in a string."""
    for match in _JSONC.finditer(data, data.rfind(b"\n", 0, pos) + 1):
        if match.end() <= pos:
            continue
        if match.start() != pos or match.group(1) is not None:
            return None
        return pos + 1 if match.group(2) is not None else match.end()
    return None


def _load_jsonc(path: str, data: bytes) -> dict[str, Any]:
    cleaned = _strip_jsonc(data)
    try:
        doc = orjson.loads(cleaned)
    except orjson.JSONDecodeError as exc:
        raise ParseError(
            path, f"invalid JSON: {exc.msg}", line=json_error_line(cleaned, exc.pos)
        ) from None
    if not isinstance(doc, dict):
        raise ParseError(path, "expected a JSON object at the top level", line=1)
    version = doc.get("lockfileVersion")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ParseError(path, f"lockfileVersion: expected an integer, got {version!r}")
    return doc


def _segments(key: str) -> list[str]:
    """Install names along a package key: ``a/@s/b/c`` -> ``["a", "@s/b", "c"]``."""
    parts = key.split("/")
    out: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        if part.startswith("@") and index + 1 < len(parts):
            out.append(f"{part}/{parts[index + 1]}")
            index += 2
        else:
            out.append(part)
            index += 1
    return out


def _resolve(packages: dict[str, Any], parent: list[str], name: str) -> str | None:
    """Node-style lookup: the nearest ``parent.../name`` key, then the top-level ``name``."""
    for cut in range(len(parent), -1, -1):
        candidate = "/".join((*parent[:cut], name))
        if candidate in packages:
            return candidate
    return None


def _info(entry: list[Any]) -> dict[str, Any]:
    for item in entry[1:3]:
        if isinstance(item, dict):
            return item
    return {}


def _dep_names(info: dict[str, Any], fields: Iterable[str]) -> Iterator[str]:
    for field in fields:
        deps = info.get(field)
        if isinstance(deps, dict):
            yield from deps


def _classify(ident: str) -> tuple[str, str] | tuple[None, str] | None:
    """(name, version) of a registry release, (None, reason) to skip, or None to omit."""
    name, spec = split_name_spec(ident)
    if not name or not spec:
        return None, f"cannot read package identity {ident!r}"
    if spec.startswith(("workspace:", "root:")):
        return None
    if is_semver(spec):
        return name, spec
    kind = classify_spec(spec)
    shown = redact_url(spec)
    if kind == SpecKind.GIT:
        return None, f"git dependency {shown} is not a registry release"
    if kind == SpecKind.LOCAL:
        return None, f"local dependency {shown} is not a registry package"
    if kind == SpecKind.TARBALL:
        found = registry_tarball_version(spec, name)
        if found is not None:
            return name, found
        return None, f"tarball dependency {shown} is not a registry release"
    return None, f"unrecognised package identity {redact_url(ident)!r}"


def _parse_doc(path: str, data: bytes, doc: dict[str, Any], out: ComponentCollector) -> None:
    packages = doc.get("packages", {})
    if not isinstance(packages, dict):
        raise ParseError(path, "packages: expected an object")
    workspaces = doc.get("workspaces", {})
    if not isinstance(workspaces, dict):
        raise ParseError(path, "workspaces: expected an object")

    lines = JsonKeyLines(data)
    lines.line_of("packages")
    releases: dict[str, tuple[str, str, int | None]] = {}
    infos: dict[str, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    omitted: set[str] = set()  # workspaces and the root
    for key, entry in packages.items():
        line = lines.line_of(key, b"[" if isinstance(entry, list) else None)
        install_name = _segments(key)[-1]
        if not isinstance(entry, list) or not entry:
            out.skip(install_name, "package entry is not a non-empty array", line)
            continue
        infos[key] = _info(entry)
        ident = entry[0]
        labels[key] = (split_name_spec(ident)[0] if isinstance(ident, str) else "") or install_name
        if not isinstance(ident, str):
            out.skip(install_name, "package entry does not start with a name@version string", line)
            continue
        result = _classify(ident)
        if result is None:
            omitted.add(key)
            continue
        name, detail = result
        if name is None:
            out.skip(split_name_spec(ident)[0] or install_name, detail, line)
            continue
        releases[key] = (name, detail, line)

    def edges_for(fields: tuple[str, ...], *, with_optional_peers: bool) -> Any:
        """The targets of a key's edges, found once per key (the walks below ask up to four
        times for each)."""
        found: dict[str, list[str]] = {}

        def cached(key: str) -> list[str]:
            targets = found.get(key)
            if targets is None:
                targets = found[key] = list(edges(key))
            return targets

        def edges(key: str) -> Iterator[str]:
            info = infos.get(key)
            if not info:
                return
            parent = _segments(key)
            optional_peers = info.get("optionalPeers")
            skip: set[str] = set()
            if not with_optional_peers and isinstance(optional_peers, list):
                skip = {p for p in optional_peers if isinstance(p, str)}
            for field in fields:
                for dep in _dep_names(info, (field,)):
                    if field == "peerDependencies" and dep in skip:
                        continue
                    target = _resolve(packages, parent, dep)
                    if target is not None and target in infos and target not in omitted:
                        yield target

        return cached

    runtime_edges = edges_for(_RUNTIME_EDGES, with_optional_peers=False)
    all_edges = edges_for(_ALL_EDGES, with_optional_peers=True)

    starts: dict[str, list[str]] = {"runtime": [], "optional": [], "peer": [], "dev": []}
    groups = (
        ("dependencies", "runtime"),
        ("optionalDependencies", "optional"),
        ("peerDependencies", "peer"),
        ("devDependencies", "dev"),
    )
    for where, workspace in workspaces.items():
        if not isinstance(workspace, dict):
            continue
        own = workspace.get("name")
        parent = [own] if where and isinstance(own, str) and own else []
        for field, scope in groups:
            for dep in _dep_names(workspace, (field,)):
                target = _resolve(packages, parent, dep)
                if target is not None and target in infos and target not in omitted:
                    starts[scope].append(target)
    direct = {key for group in starts.values() for key in group}
    known = bool(workspaces)

    scopes: dict[str, str] = {}
    for scope, members in (
        ("dev", reachable(starts["dev"], all_edges)),
        ("peer", reachable(starts["peer"], all_edges)),
        ("optional", reachable([*starts["runtime"], *starts["optional"]], all_edges)),
        ("runtime", reachable(starts["runtime"], runtime_edges)),
    ):
        for key in members:
            scopes[key] = scope  # later (more production-like) groups win

    first_hops = [*starts["runtime"], *starts["optional"], *starts["peer"], *starts["dev"]]
    paths = shortest_paths(first_hops, all_edges, labels.__getitem__)
    for key, (name, version, line) in releases.items():
        out.add(
            name,
            version,
            line=line,
            direct=(key in direct) if known else None,
            scope=scopes.get(key) if known else None,
            path=paths.get(key) or (name,),
        )
