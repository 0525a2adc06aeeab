"""npm's ``package-lock.json`` and ``npm-shrinkwrap.json`` (lockfileVersion 1, 2 and 3).

Version 2 and 3 files list every installed package under ``packages``, keyed by its install
location (``node_modules/a/node_modules/b``); the root project is ``""`` and workspace or other
local directories are keys without ``node_modules/``. Version 1 files (and npm 2-4 shrinkwraps
without a ``lockfileVersion``) nest entries under ``dependencies``. A version 2 file carries
both; ``packages`` is read when present.

* Name: the entry's ``name`` field when present (aliases: ``"foo": "npm:bar@1"`` is installed
  at ``node_modules/foo`` with ``"name": "bar"``), else the last path segment. In version 1,
  an aliased entry's version reads ``npm:bar@1.0.0``.
* Direct: the root's (and each workspace's) ``dependencies``, ``devDependencies``,
  ``optionalDependencies`` and ``peerDependencies``, resolved the way Node resolves modules.
  Version 1 does not record the root's dependencies, so ``direct`` is None there.
* Scope: ``dev`` -> ``"dev"``; ``optional`` or ``devOptional`` -> ``"optional"``; ``peer`` ->
  ``"peer"``; otherwise ``"runtime"``.
* Path: the shortest chain of dependency names from a direct dependency, following each
  entry's ``dependencies``/``optionalDependencies``/``peerDependencies`` (``requires`` in
  version 1) through Node's module resolution; entries no chain reaches fall back to their
  ``node_modules`` nesting.
* Not components: the root, workspace packages and links to them (omitted silently); other
  local directories and ``file:`` tarballs, git dependencies and non-registry tarballs are
  ``Skipped`` with the reason (a tarball URL of the registry form ``<name>/-/<name>-<v>.tgz``
  is a registry release).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import Any, Final

import orjson

from runink.inventory import _claims
from runink.inventory._js_common import (
    ComponentCollector,
    JsonKeyLines,
    SpecKind,
    alias_target,
    classify_spec,
    json_error_line,
    redact_url,
    registry_tarball_version,
    shortest_paths,
    strip_bom,
)
from runink.inventory.base import ParseError, ParseResult

__all__ = ["PackageLockParser"]

_NM: Final = "node_modules/"
_ROOT_DEP_FIELDS: Final = (
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
)
_INSTALLED_DEP_FIELDS: Final = ("dependencies", "optionalDependencies", "peerDependencies")


class PackageLockParser:
    """``package-lock.json`` / ``npm-shrinkwrap.json``."""

    format = "package-lock.json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.package_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        data = strip_bom(data)
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise ParseError(
                path, f"invalid JSON: {exc.msg}", line=json_error_line(data, exc.pos)
            ) from None
        if not isinstance(doc, dict):
            raise ParseError(path, "expected a JSON object at the top level", line=1)
        version = doc.get("lockfileVersion")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ParseError(path, f"lockfileVersion: expected an integer, got {version!r}")
        collector = ComponentCollector(path)
        packages = doc.get("packages")
        if packages is not None and (version is None or version >= 2):
            if not isinstance(packages, dict):
                raise ParseError(path, "packages: expected an object")
            _parse_packages(data, packages, collector)
        else:
            dependencies = doc.get("dependencies")
            if dependencies is not None:
                if not isinstance(dependencies, dict):
                    raise ParseError(path, "dependencies: expected an object")
                _parse_v1(data, dependencies, collector)
        return ParseResult(components=collector.components(), skipped=collector.skipped())


# --------------------------------------------------------------------------- v2 / v3


def _segments(location: str) -> list[str]:
    """Package names along a ``node_modules`` location (scoped names kept whole)."""
    return [part.rstrip("/") for part in location.split(_NM)[1:]]


def _resolve(packages: dict[str, Any], location: str, name: str) -> str | None:
    """Node's lookup of ``name`` required from ``location``: nearest ``node_modules`` upward."""
    directory = location
    while True:
        candidate = f"{directory}/{_NM}{name}" if directory else f"{_NM}{name}"
        if candidate in packages:
            return candidate
        if not directory:
            return None
        cut = directory.rfind("/")
        directory = directory[:cut] if cut != -1 else ""


def _dep_names(entry: dict[str, Any], fields: tuple[str, ...]) -> Iterator[str]:
    for field in fields:
        deps = entry.get(field)
        if isinstance(deps, dict):
            yield from deps
        elif isinstance(deps, list):  # bundleDependencies-style lists are tolerated
            yield from (d for d in deps if isinstance(d, str))


def _workspace_patterns(root: dict[str, Any]) -> list[str]:
    spaces = root.get("workspaces")
    if isinstance(spaces, dict):  # {"packages": [...]} as yarn writes it
        spaces = spaces.get("packages")
    if not isinstance(spaces, list):
        return []
    return [p.strip().removeprefix("./").rstrip("/") for p in spaces if isinstance(p, str)]


def _parse_packages(data: bytes, packages: dict[str, Any], out: ComponentCollector) -> None:
    lines = JsonKeyLines(data)
    root = packages.get("")
    root = root if isinstance(root, dict) else None
    patterns = _workspace_patterns(root) if root is not None else []

    # Every installed package (location -> (name, entry)), and the registry releases among
    # them (location -> (version, line)). Skipped ones stay in the graph so that paths and
    # direct-ness flow through, e.g., a git dependency to its registry dependencies.
    nodes: dict[str, tuple[str, dict[str, Any]]] = {}
    releases: dict[str, tuple[str, int | None]] = {}
    local_dirs: dict[str, dict[str, Any]] = {}  # workspaces and file: directories
    links: dict[str, str] = {}  # node_modules location -> target location

    for location, entry in packages.items():
        line = lines.line_of(location, b"{" if isinstance(entry, dict) else None)
        if location == "":
            continue
        if not location.startswith(_NM) and f"/{_NM}" not in location:
            if isinstance(entry, dict):
                local_dirs[location] = entry
                if not any(fnmatch.fnmatchcase(location, p) for p in patterns):
                    name = entry.get("name")
                    out.skip(
                        name if isinstance(name, str) and name else location,
                        f"local directory package {location!r} is not a registry package",
                        line,
                    )
            continue
        segment = location.rsplit(_NM, 1)[1]
        if not isinstance(entry, dict):
            out.skip(segment, f"packages[{location!r}]: expected an object", line)
            continue
        if entry.get("link") is True:
            target = entry.get("resolved")
            if isinstance(target, str):
                links[location] = target
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            name = segment
        nodes[location] = (name, entry)
        version = entry.get("version")
        if not isinstance(version, str):
            version = ""
        resolved = entry.get("resolved")
        if isinstance(resolved, str) and resolved:
            reason = _non_registry_reason(resolved, name, version)
            if reason is not None:
                out.skip(name, reason, line)
                continue
        if not version and isinstance(resolved, str):
            version = registry_tarball_version(resolved, name) or ""
        if not version:
            out.skip(name, "entry has no version", line)
            continue
        releases[location] = (version, line)

    def lookup(location: str, dep: str) -> str | None:
        target = _resolve(packages, location, dep)
        if target is not None and target in links:
            return None  # a workspace or local directory: an importer of its own
        return target if target in nodes else None

    def edges(location: str) -> Iterator[str]:
        entry = nodes[location][1]
        for dep in _dep_names(entry, _INSTALLED_DEP_FIELDS):
            target = lookup(location, dep)
            if target is not None:
                yield target

    direct: dict[str, None] = {}  # an ordered set
    if root is not None:
        for location, entry in [("", root), *local_dirs.items()]:
            for dep in _dep_names(entry, _ROOT_DEP_FIELDS):
                target = lookup(location, dep)
                if target is not None:
                    direct[target] = None
    paths = shortest_paths(direct, edges, lambda location: nodes[location][0])

    for location, (version, line) in releases.items():
        name, entry = nodes[location]
        is_direct = None if root is None else location in direct
        chain = paths.get(location) or tuple(_segments(location))
        out.add(name, version, line=line, direct=is_direct, scope=_scope(entry), path=chain)


def _scope(entry: dict[str, Any]) -> str:
    if entry.get("dev") is True:
        return "dev"
    if entry.get("optional") is True or entry.get("devOptional") is True:
        return "optional"
    if entry.get("peer") is True:
        return "peer"
    return "runtime"


def _non_registry_reason(resolved: str, name: str, version: str) -> str | None:
    """Why a ``resolved`` location is not a registry release, or None when it is."""
    kind = classify_spec(resolved)
    if kind == SpecKind.REGISTRY or (
        kind == SpecKind.TARBALL and registry_tarball_version(resolved, name) is not None
    ):
        return None
    shown = redact_url(resolved)
    if kind == SpecKind.GIT:
        declared = f" (declares version {version})" if version else ""
        return f"git dependency {shown}{declared} is not a registry release"
    if kind == SpecKind.TARBALL:
        return f"tarball dependency {shown} is not a registry release"
    return f"local dependency {shown} is not a registry package"


# --------------------------------------------------------------------------- v1


def _walk_v1(top: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every ``(chain, entry)`` of a v1 ``dependencies`` tree, in document (pre-)order."""
    stack: list[tuple[tuple[str, ...], Iterator[tuple[str, Any]]]] = [((), iter(top.items()))]
    while stack:
        parent, items = stack[-1]
        for key, entry in items:
            chain = (*parent, key)
            yield chain, entry
            nested = entry.get("dependencies") if isinstance(entry, dict) else None
            if isinstance(nested, dict) and nested:
                stack.append((chain, iter(nested.items())))
                break
        else:
            stack.pop()


def _parse_v1(data: bytes, top: dict[str, Any], out: ComponentCollector) -> None:
    lines = JsonKeyLines(data)
    # chain of install names (the nesting) -> (label, entry, line), in document order; the
    # registry releases among them: chain -> (name, version).
    nodes: dict[tuple[str, ...], tuple[str, dict[str, Any], int | None]] = {}
    releases: dict[tuple[str, ...], tuple[str, str]] = {}
    for chain, entry in _walk_v1(top):
        key = chain[-1]
        line = lines.line_of(key, b"{" if isinstance(entry, dict) else None)
        if not isinstance(entry, dict):
            out.skip(key, f"dependencies[{key!r}]: expected an object", line)
            continue
        version = entry.get("version")
        if not isinstance(version, str) or not version:
            nodes[chain] = (key, entry, line)
            out.skip(key, "entry has no version", line)
            continue
        release = _v1_release(key, version)
        if isinstance(release, str):
            nodes[chain] = (key, entry, line)
            out.skip(key, release, line)
        else:
            nodes[chain] = (release[0], entry, line)
            releases[chain] = release

    def resolve(chain: tuple[str, ...], name: str) -> tuple[str, ...] | None:
        for cut in range(len(chain), -1, -1):
            candidate = (*chain[:cut], name)
            if candidate in nodes:
                return candidate
        return None

    def edges(chain: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        requires = nodes[chain][1].get("requires")
        if isinstance(requires, dict):
            for dep in requires:
                target = resolve(chain, dep)
                if target is not None:
                    yield target

    def label(chain: tuple[str, ...]) -> str:
        return nodes[chain][0]

    # The root's own dependencies are not recorded in v1: top-level entries that nothing
    # requires are certainly direct (or extraneous), and every chain from them is real.
    required: set[tuple[str, ...]] = set()
    for chain in nodes:
        required.update(edges(chain))
    tops: list[tuple[str, ...]] = [c for c in nodes if len(c) == 1]
    paths = shortest_paths([c for c in tops if c not in required], edges, label)
    # Top-level entries only reachable through a cycle.
    for chain, names in shortest_paths([c for c in tops if c not in paths], edges, label).items():
        paths.setdefault(chain, names)

    for chain, (name, version) in releases.items():
        _, entry, line = nodes[chain]
        nesting = tuple(nodes[chain[: i + 1]][0] for i in range(len(chain)))
        chain_names = paths.get(chain) or nesting
        out.add(name, version, line=line, direct=None, scope=_scope_v1(entry), path=chain_names)


def _scope_v1(entry: dict[str, Any]) -> str:
    if entry.get("dev") is True:
        return "dev"
    if entry.get("optional") is True:
        return "optional"
    return "runtime"


def _v1_release(key: str, version: str) -> tuple[str, str] | str:
    """(name, version) of a v1 entry that is a registry release, else the reason it is not."""
    kind = classify_spec(version)
    if kind == SpecKind.REGISTRY:
        return key, version
    if kind == SpecKind.ALIAS:
        target = alias_target(version)
        if target is not None and target[1]:
            return target
        return f"cannot read aliased version {version!r}"
    shown = redact_url(version)
    if kind == SpecKind.GIT:
        return f"git dependency {shown} has no registry version"
    if kind == SpecKind.TARBALL:
        found = registry_tarball_version(version, key)
        if found is not None:
            return key, found
        return f"tarball dependency {shown} is not a registry release"
    return f"local dependency {shown} is not a registry package"
