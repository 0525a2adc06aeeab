"""Yarn's ``yarn.lock``: classic (Yarn 1, its own indented format) and berry (Yarn 2+, YAML).

A file is read as berry when it has a top-level ``__metadata:`` key or YAML-style
``version:``/``resolution:`` fields, and as classic otherwise.

Classic entries are ``"a@^1.0.0", a@~1.1:`` headers with ``version "1.2.3"``, ``resolved``,
``integrity`` and ``dependencies:``/``optionalDependencies:`` blocks; it is read by a line
parser. Berry entries are keyed by descriptors (``"a@npm:^1.0.0, a@npm:^1.1.0"``) and carry
``resolution: "a@npm:1.2.3"``, ``dependencies``, ``languageName`` and ``linkType``.

* Name and version: classic takes the name from the header (``alias@npm:real@range`` is the
  real package) and the ``version`` field; berry takes both from ``resolution``. A berry
  ``patch:`` resolution (``a@patch:a@npm%3A1.2.3#...``) is the patched registry package ``a``
  1.2.3; ``virtual:`` references are read through to the package they wrap.
* Not components: workspaces (berry ``workspace:`` resolutions, ``linkType: soft``) are the
  project's own packages and are omitted silently; ``file:``/``link:``/``portal:`` packages,
  git dependencies and non-registry tarballs are ``Skipped`` with the reason.
* Direct: classic files do not record the root's dependencies, so ``direct`` is None. Berry
  files record each workspace with its dependencies (dev dependencies included), so a package
  that a workspace depends on is direct and every other package is not; a berry file without
  workspace entries gives None.
* Scope: neither flavour records dev/optional per package; ``scope`` is None.
* Path: the shortest chain from a direct dependency (berry), or from a package that nothing
  else depends on (classic: those are certainly direct), following ``dependencies`` and
  ``optionalDependencies``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import unquote

import orjson

from runink.inventory import _claims
from runink.inventory._js_common import (
    ComponentCollector,
    SpecKind,
    YamlMap,
    alias_target,
    classify_spec,
    load_yaml,
    redact_url,
    registry_tarball_version,
    shortest_paths,
    split_name_spec,
    strip_bom,
)
from runink.inventory.base import ParseError, ParseResult

__all__ = ["YarnLockParser"]

_BERRY_FIELD = re.compile(rb'^ +"?(?:version|resolution)"?: ', re.MULTILINE)
_CONFLICT_MARKERS: Final = ("<<<<<<<", "=======", ">>>>>>>")
_DEP_BLOCKS: Final = ("dependencies", "optionalDependencies")


class YarnLockParser:
    """``yarn.lock``, classic and berry."""

    format = "yarn.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.yarn_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        data = strip_bom(data)
        collector = ComponentCollector(path)
        if _is_berry(data):
            _parse_berry(path, data, collector)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise ParseError(path, "not valid UTF-8", line=line) from None
            _parse_classic(path, text, collector)
        return ParseResult(components=collector.components(), skipped=collector.skipped())


def _is_berry(data: bytes) -> bool:
    if data.startswith(b"__metadata:") or b"\n__metadata:" in data:
        return True
    # Without the metadata block, the first entries' fields tell.
    return _BERRY_FIELD.search(data, 0, 65536) is not None


# --------------------------------------------------------------------------- shared


def _non_registry_reason(kind: str, spec: str, version: str) -> str:
    shown = redact_url(spec)
    declared = f" (declares version {version})" if version else ""
    if kind == SpecKind.GIT:
        return f"git dependency {shown}{declared} is not a registry release"
    if kind == SpecKind.TARBALL:
        return f"tarball dependency {shown}{declared} is not a registry release"
    return f"local dependency {shown} is not a registry package"


# --------------------------------------------------------------------------- classic


@dataclass(slots=True)
class _ClassicEntry:
    line: int
    descriptors: list[str]
    fields: dict[str, str] = field(default_factory=dict)
    deps: list[tuple[str, str]] = field(default_factory=list)


def _unquote(path: str, token: str, line: int) -> str:
    if len(token) < 2 or not token.endswith('"'):
        raise ParseError(path, f"unterminated string {token!r}", line=line)
    inner = token[1:-1]
    if "\\" not in inner:
        return inner
    try:
        value = orjson.loads(token)
    except orjson.JSONDecodeError:
        raise ParseError(path, f"invalid string {token!r}", line=line) from None
    if not isinstance(value, str):  # pragma: no cover - a quoted token always decodes to str
        raise ParseError(path, f"invalid string {token!r}", line=line)
    return value


_QUOTED_OR_BARE = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|([^",]+))\s*(?:,|$)')


def _header_descriptors(path: str, header: str, line: int) -> list[str]:
    if '"' not in header:
        parts = [p.strip() for p in header.split(",")]
    else:
        parts = []
        pos = 0
        while pos < len(header):
            match = _QUOTED_OR_BARE.match(header, pos)
            if match is None or match.end() == pos:
                raise ParseError(path, f"cannot read entry header {header!r}", line=line)
            quoted, bare = match.groups()
            parts.append(_unquote(path, quoted, line) if quoted else bare.strip())
            pos = match.end()
    if not parts or any(not p for p in parts):
        raise ParseError(path, f"empty descriptor in entry header {header!r}", line=line)
    return parts


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _key_value(path: str, body: str, line: int) -> tuple[str, str]:
    """``key value`` (either part may be quoted) -> (key, value)."""
    if body[0] != '"':  # the common case, ``name "value"``, without escapes
        key, sep, rest = body.partition(" ")
        if (
            sep
            and len(rest) > 1
            and rest[0] == '"'
            and rest[-1] == '"'
            and "\\" not in rest
            and key[-1] != ":"
        ):
            return key, rest[1:-1]
    if body.startswith('"'):
        match = _QUOTED.match(body)
        if match is None:
            raise ParseError(path, f"unterminated string in {body!r}", line=line)
        key = _unquote(path, match.group(), line)
        rest = body[match.end() :].strip()
    else:
        key, _, rest = body.partition(" ")
        rest = rest.strip()
    if key.endswith(":") and rest:
        raise ParseError(
            path, f"unexpected ':' after {key[:-1]!r} in a classic yarn.lock", line=line
        )
    if rest.startswith('"'):
        rest = _unquote(path, rest, line)
    return key, rest


def _read_classic(path: str, text: str) -> list[_ClassicEntry]:
    entries: list[_ClassicEntry] = []
    entry: _ClassicEntry | None = None
    block: str | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        if not line or line[0] == "#":
            continue
        if line[0] != " ":
            if line.startswith(_CONFLICT_MARKERS):
                raise ParseError(path, "unresolved merge conflict marker", line=number)
            if line[0] == "\t":
                raise ParseError(path, "tabs are not allowed for indentation", line=number)
            if not line.endswith(":"):
                raise ParseError(
                    path, f"expected an entry header ending in ':', got {line!r}", line=number
                )
            entry = _ClassicEntry(number, _header_descriptors(path, line[:-1], number))
            entries.append(entry)
            block = None
            continue
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if entry is None:
            raise ParseError(path, "indented line before any entry header", line=number)
        if body[0] == "#":
            continue
        if indent == 2:
            if body.endswith(":") and " " not in body.strip('"'):
                block = _unquote(path, body[:-1], number) if body[0] == '"' else body[:-1]
                continue
            block = None
            if body.startswith("integrity "):  # not needed; by far the longest line
                continue
            key, value = _key_value(path, body, number)
            entry.fields[key] = value
        elif indent == 4:
            if block is None:
                raise ParseError(path, "unexpected indentation (no open block)", line=number)
            key, value = _key_value(path, body, number)
            if block in _DEP_BLOCKS:
                entry.deps.append((key, value))
        else:
            raise ParseError(path, f"unexpected indentation of {indent} spaces", line=number)
    return entries


# How far from a registry release a descriptor's kind is; the farthest one decides an entry.
_NON_REGISTRY_RANK: Final = {
    SpecKind.WORKSPACE: 4,
    SpecKind.LOCAL: 3,
    SpecKind.GIT: 2,
    SpecKind.TARBALL: 1,
}


def _classic_release(entry: _ClassicEntry) -> tuple[str, str] | str | None:
    """(name, version) of a registry release, the reason it is not one, or None to omit."""
    version = entry.fields.get("version", "")
    real = split_name_spec(entry.descriptors[0])[0]
    worst: tuple[int, str, str] | None = None  # (rank, kind, spec)
    for descriptor in entry.descriptors:
        spec = split_name_spec(descriptor)[1]
        kind = classify_spec(spec)
        if kind == SpecKind.ALIAS:
            target = alias_target(spec)
            if target is not None:
                real = target[0]
            continue
        rank = _NON_REGISTRY_RANK.get(kind)
        if rank is not None and (worst is None or rank > worst[0]):
            worst = (rank, kind, spec)
    if worst is not None:
        _, kind, spec = worst
        if kind == SpecKind.WORKSPACE:
            return None
        if kind == SpecKind.TARBALL:
            found = registry_tarball_version(entry.fields.get("resolved", spec), real)
            if found is not None:
                return real, found
        return _non_registry_reason(kind, spec, version)
    if not version:
        return "entry has no version"
    return real, version


def _parse_classic(path: str, text: str, out: ComponentCollector) -> None:
    entries = _read_classic(path, text)
    by_descriptor: dict[str, int] = {}
    for index, entry in enumerate(entries):
        for descriptor in entry.descriptors:
            by_descriptor.setdefault(descriptor, index)

    releases: dict[int, tuple[str, str]] = {}
    omitted: set[int] = set()  # workspaces
    for index, entry in enumerate(entries):
        release = _classic_release(entry)
        if isinstance(release, tuple):
            releases[index] = release
        elif release is None:
            omitted.add(index)
        else:
            out.skip(split_name_spec(entry.descriptors[0])[0], release, entry.line)

    def edges(index: int) -> Iterator[int]:
        for dep, spec in entries[index].deps:
            target = by_descriptor.get(f"{dep}@{spec}")
            if target is None and not spec:
                target = by_descriptor.get(dep)
            if target is not None and target not in omitted:
                yield target

    # Skipped entries (git, local) stay in the graph: their dependencies are still real.
    nodes = [i for i in range(len(entries)) if i not in omitted]
    required: set[int] = set()
    for index in nodes:
        required.update(edges(index))

    def label(index: int) -> str:
        release = releases.get(index)
        return release[0] if release else split_name_spec(entries[index].descriptors[0])[0]

    paths = shortest_paths([i for i in nodes if i not in required], edges, label)
    for index, names in shortest_paths([i for i in nodes if i not in paths], edges, label).items():
        paths.setdefault(index, names)

    for index, (name, version) in releases.items():
        out.add(name, version, line=entries[index].line, path=paths.get(index, (name,)))


# --------------------------------------------------------------------------- berry


def _berry_release(name: str, reference: str, version: str) -> tuple[str, str] | str | None:
    """(name, version) of a registry release, the reason it is not one, or None to omit."""
    if reference.startswith("virtual:") and "#" in reference:
        reference = reference.split("#", 1)[1]
    if reference.startswith("npm:"):
        target = reference[4:].split("::", 1)[0]
        if target and not target[0].isdigit() and "@" in target[1:]:
            name, target = split_name_spec(target)  # npm:real@1.2.3
        return (name, target) if target else f"resolution {name}@{reference} has no version"
    if reference.startswith("patch:"):
        inner = unquote(reference[6:].split("#", 1)[0])
        inner_name, inner_reference = split_name_spec(inner)
        if not inner_reference:
            return f"cannot read patched package {inner!r}"
        return _berry_release(inner_name or name, inner_reference, version)
    if reference.startswith("workspace:"):
        return None
    if reference.startswith("exec:"):
        return f"exec: package {name} is built by a script, not a registry release"
    kind = classify_spec(reference)
    if kind == SpecKind.TARBALL:
        found = registry_tarball_version(reference, name)
        if found is not None:
            return name, found
    if kind == SpecKind.REGISTRY:  # an unknown protocol: never guess
        return f"unrecognised resolution {name}@{redact_url(reference)}"
    return _non_registry_reason(kind, reference.split("::", 1)[0], version)


def _parse_berry(path: str, data: bytes, out: ComponentCollector) -> None:
    documents = [d for d in load_yaml(path, data) if d is not None and d != ""]
    if not documents:
        return
    if len(documents) > 1:
        raise ParseError(path, "expected one YAML document")
    doc = documents[0]
    if not isinstance(doc, YamlMap):
        raise ParseError(path, "expected a mapping of entries at the top level", line=1)

    # index -> (line, entry); descriptor -> index.
    entries: list[tuple[int, YamlMap]] = []
    by_descriptor: dict[str, int] = {}
    names: list[str] = []  # install name of each entry, from its first descriptor
    workspaces: list[int] = []
    releases: dict[int, tuple[str, str]] = {}
    for key, entry in doc.items():
        if key == "__metadata":
            continue
        line = doc.lines[key]
        first = key.split(",", 1)[0].strip()
        if not isinstance(entry, YamlMap):
            out.skip(split_name_spec(first)[0], "entry is not a mapping", line)
            continue
        index = len(entries)
        entries.append((line, entry))
        names.append(split_name_spec(first)[0])
        for descriptor in key.split(","):
            by_descriptor.setdefault(descriptor.strip(), index)
        resolution = entry.get("resolution")
        version = entry.get("version")
        version = version if isinstance(version, str) else ""
        if not isinstance(resolution, str) or "@" not in resolution[1:]:
            out.skip(split_name_spec(first)[0], "entry has no resolution", line)
            continue
        name, reference = split_name_spec(resolution)
        release = _berry_release(name, reference, version)
        if release is None:
            workspaces.append(index)
        elif isinstance(release, str):
            out.skip(name, release, line)
        else:
            releases[index] = release

    def targets(index: int) -> Iterator[int]:
        deps = entries[index][1].get("dependencies")
        if not isinstance(deps, YamlMap):
            return
        for dep, spec in deps.items():
            if not isinstance(spec, str):
                continue
            target = by_descriptor.get(f"{dep}@{spec}")
            if target is None:
                target = by_descriptor.get(f"{dep}@npm:{spec}")
            if target is not None:
                yield target

    # Skipped entries (git, local) stay in the graph: their dependencies are still real.
    omitted = set(workspaces)

    def edges(index: int) -> Iterator[int]:
        return (t for t in targets(index) if t not in omitted)

    direct: dict[int, None] = {}  # an ordered set
    for workspace in workspaces:
        for target in edges(workspace):
            direct[target] = None

    def label(index: int) -> str:
        release = releases.get(index)
        return release[0] if release else names[index]

    if workspaces:
        paths = shortest_paths(direct, edges, label)
    else:  # no root recorded: start from what nothing depends on
        required = {t for i in range(len(entries)) for t in edges(i)}
        paths = shortest_paths([i for i in range(len(entries)) if i not in required], edges, label)
    known = bool(workspaces)
    for index, (name, version) in releases.items():
        out.add(
            name,
            version,
            line=entries[index][0],
            direct=(index in direct) if known else None,
            path=paths.get(index, (name,)),
        )
