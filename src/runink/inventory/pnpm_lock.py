"""pnpm's ``pnpm-lock.yaml`` (lockfileVersion 5.x, 6.x and 9.x).

Package keys by version:

* 5.x: ``/name/1.2.3``, ``/@scope/name/1.2.3_peer@2.0.0`` (peer suffix after ``_``), and
  ``registry.example.com/name/1.2.3`` for packages from a non-default registry;
* 6.x: ``/name@1.2.3(peer@2.0.0)``;
* 9.x: ``name@1.2.3`` in ``packages`` (no peer suffix) and ``name@1.2.3(peer@2.0.0)`` in
  ``snapshots``, which hold the dependency graph.

Keys are read by their shape, not by the declared ``lockfileVersion``, so a file that mixes
shapes still yields its packages. Peer suffixes never reach the version.

* Direct: packages named by an importer (``importers.<dir>`` or, for a single project in 5.x
  and 6.x, the top-level ``dependencies``/``devDependencies``/``optionalDependencies``).
* Scope: 5.x/6.x read each package's ``dev``/``optional`` flags (``dev: false`` is runtime,
  a missing ``dev`` means both and counts as runtime). 9.x has no flags: a package reachable
  from an importer's ``dependencies`` through required edges is ``"runtime"``, else reachable
  from ``dependencies``/``optionalDependencies`` is ``"optional"``, else from
  ``devDependencies`` is ``"dev"``.
* Path: the shortest chain of names from a direct dependency.
* Not components: workspace links (``link:``) are the project's own packages and are omitted
  silently; ``directory`` resolutions (``file:``), git repositories and non-registry tarballs are
  ``Skipped`` with the reason. Aliases (``foo: npm:bar@1``) are the real package ``bar``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from runink.inventory import _claims
from runink.inventory._js_common import (
    ComponentCollector,
    YamlMap,
    is_semver,
    load_yaml,
    reachable,
    redact_url,
    registry_tarball_version,
    shortest_paths,
    split_name_spec,
)
from runink.inventory.base import ParseError, ParseResult

__all__ = ["PnpmLockParser"]

_IMPORTER_GROUPS: Final = (
    ("dependencies", "runtime"),
    ("optionalDependencies", "optional"),
    ("devDependencies", "dev"),
)
_EMPTY: Final = YamlMap()


class PnpmLockParser:
    """``pnpm-lock.yaml``."""

    format = "pnpm-lock.yaml"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.pnpm_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        doc = _select_document(path, load_yaml(path, data))
        collector = ComponentCollector(path)
        if doc is not None:
            _parse_lock(path, doc, collector)
        return ParseResult(components=collector.components(), skipped=collector.skipped())


def _select_document(path: str, documents: list[Any]) -> YamlMap | None:
    """The lockfile document: pnpm 9+ may put an environment lockfile document first."""
    documents = [d for d in documents if d is not None and d != ""]
    if not documents:
        return None
    for doc in documents:
        if not isinstance(doc, YamlMap):
            raise ParseError(path, "expected a mapping at the top level", line=1)
    chosen = [d for d in documents if "packages" in d or "importers" in d] or documents
    result: YamlMap = chosen[-1]
    return result


def parse_package_key(key: str) -> tuple[str, str] | None:
    """``(name, version)`` of a pnpm package key of any lockfile version, or None.

    The version must be SemVer: ``foo@https://...`` or ``github.com/user/repo/sha`` give None.
    """
    if key.startswith("/"):
        body = key[1:]
    elif "@" in key.split("/", 1)[0][1:] or key.startswith("@"):
        body = key  # 9.x: name@version
    elif key.count("/") >= 2:
        body = key.split("/", 1)[1]  # 5.x with a registry host prefix
    else:
        body = key
    if body.startswith("@"):
        slash = body.find("/")
        if slash <= 1:
            return None
        start = slash + 1
    else:
        start = 0
    ends = [i for i in (body.find("@", start), body.find("/", start)) if i != -1]
    if not ends:
        return None
    cut = min(ends)
    name, rest = body[:cut], body[cut + 1 :]
    if not name or name.endswith("/"):
        return None
    if body[cut] == "@":  # 6.x / 9.x
        paren = rest.find("(")
        version = rest[:paren] if paren != -1 else rest
    else:  # 5.x
        underscore = rest.find("_")
        version = rest[:underscore] if underscore != -1 else rest
    return (name, version) if is_semver(version) else None


def _key_name(key: str) -> str:
    """The package name a key starts with (``foo@file:x`` -> ``foo``), else the key itself."""
    parsed = parse_package_key(key)
    if parsed is not None:
        return parsed[0]
    name, spec = split_name_spec(key.removeprefix("/"))
    slashes = name.count("/")
    if spec and (slashes == 0 or (slashes == 1 and name.startswith("@"))):
        return name
    return key


def _as_map(value: Any) -> YamlMap | None:
    if isinstance(value, YamlMap):
        return value
    if value == "":  # "key:" with nothing after it
        return _EMPTY
    return None


def _dependency_items(entry: YamlMap, fields: Iterable[str]) -> Iterator[tuple[str, str]]:
    for group in fields:
        deps = entry.get(group)
        if isinstance(deps, YamlMap):
            for name, ref in deps.items():
                if isinstance(ref, YamlMap):  # 6.x/9.x importers: {specifier, version}
                    ref = ref.get("version")
                if isinstance(ref, str) and ref:
                    yield name, ref


def _classify(key: str, entry: YamlMap) -> tuple[str, str] | tuple[None, str]:
    """``(name, version)`` of a registry release, or ``(None, reason)``."""
    parsed = parse_package_key(key)
    name_field = entry.get("name")
    version_field = entry.get("version")
    name = name_field if isinstance(name_field, str) and name_field else None
    version = version_field if isinstance(version_field, str) and version_field else None
    if parsed is not None:
        name = name or parsed[0]
        version = version or parsed[1]
    resolution = entry.get("resolution")
    if isinstance(resolution, YamlMap):
        kind = resolution.get("type")
        if kind == "directory" or "directory" in resolution:
            where = resolution.get("directory", key)
            return None, f"local directory dependency {where!r} is not a registry package"
        if kind == "git" or "repo" in resolution:
            repo = redact_url(str(resolution.get("repo", key)))
            commit = resolution.get("commit")
            at = f"#{commit}" if isinstance(commit, str) and commit else ""
            return None, f"git dependency {repo}{at} is not a registry release"
        tarball = resolution.get("tarball")
        if isinstance(tarball, str) and tarball:
            shown = redact_url(tarball)
            if tarball.startswith("file:"):
                return None, f"local tarball {shown} is not a registry package"
            found = registry_tarball_version(tarball, name) if name else None
            if found is None:
                what = "git dependency" if "codeload." in tarball else "tarball dependency"
                return None, f"{what} {shown} is not a registry release"
            return name or "", found
    if name is None or version is None or not is_semver(version):
        return None, f"cannot read a package name and version from {redact_url(key)!r}"
    return name, version


def _resolve(nodes: YamlMap, name: str, ref: str) -> str | None:
    """The node key an importer or package dependency ``name: ref`` points at."""
    if ref.startswith("link:"):
        return None
    for candidate in (f"{name}@{ref}", f"/{name}@{ref}", f"/{name}/{ref}", ref, f"/{ref}"):
        if candidate in nodes:
            return candidate
    return None


def _strip_peers(key: str) -> str:
    paren = key.find("(")
    return key[:paren] if paren != -1 else key


def _parse_lock(path: str, doc: YamlMap, out: ComponentCollector) -> None:
    packages_value = doc.get("packages")
    packages = _EMPTY if packages_value is None else _as_map(packages_value)
    if packages is None:
        raise ParseError(path, "packages: expected a mapping", line=doc.lines.get("packages"))
    snapshots_value = doc.get("snapshots")
    v9 = snapshots_value is not None
    snapshots = _as_map(snapshots_value) if v9 else packages
    if snapshots is None:
        raise ParseError(path, "snapshots: expected a mapping", line=doc.lines.get("snapshots"))

    # Importers: directory -> mapping of dependency groups.
    importers: list[YamlMap] = []
    importers_value = doc.get("importers")
    if isinstance(importers_value, YamlMap):
        importers.extend(m for m in importers_value.values() if isinstance(m, YamlMap))
    if any(group in doc for group, _ in _IMPORTER_GROUPS):
        importers.append(doc)
    direct_known = bool(importers)

    # Registry releases, in document order: package key -> (name, version, line, entry).
    releases: dict[str, tuple[str, str, int, YamlMap]] = {}
    for key, value in packages.items():
        line = packages.lines[key]
        entry = _as_map(value)
        if entry is None:
            out.skip(key, "package entry is not a mapping", line)
            continue
        name, detail = _classify(key, entry)
        if name is None:
            name_field = entry.get("name")
            shown = name_field if isinstance(name_field, str) and name_field else None
            out.skip(shown or _key_name(key), detail, line)
            continue
        releases[key] = (name, detail, line, entry)

    # The graph's nodes are snapshot keys (9.x) or package keys (5.x/6.x).
    def package_of(node: str) -> str:
        return _strip_peers(node) if v9 else node

    def node_entry(node: str) -> YamlMap:
        return _as_map(snapshots.get(node)) or _EMPTY

    def edges_for(fields: tuple[str, ...]) -> Any:
        cache: dict[str, list[str]] = {}  # the graph is walked up to four times

        def edges(node: str) -> list[str]:
            found = cache.get(node)
            if found is None:
                found = cache[node] = [
                    target
                    for name, ref in _dependency_items(node_entry(node), fields)
                    if (target := _resolve(snapshots, name, ref)) is not None
                ]
            return found

        return edges

    required_edges = edges_for(("dependencies",))
    all_edges = edges_for(("dependencies", "optionalDependencies"))

    starts: dict[str, list[str]] = {"runtime": [], "optional": [], "dev": []}
    for importer in importers:
        for group, scope in _IMPORTER_GROUPS:
            for name, ref in _dependency_items(importer, (group,)):
                target = _resolve(snapshots, name, ref)
                if target is not None:
                    starts[scope].append(target)
    direct = {package_of(n) for group in starts.values() for n in group}

    def label(node: str) -> str:
        release = releases.get(package_of(node))
        if release is not None:
            return release[0]
        parsed = parse_package_key(node)
        return parsed[0] if parsed else node

    all_starts = [*starts["runtime"], *starts["optional"], *starts["dev"]]
    paths = shortest_paths(all_starts, all_edges, label)

    scopes: dict[str, str] = {}
    if v9:
        runtime = reachable(starts["runtime"], required_edges)
        optional = reachable([*starts["runtime"], *starts["optional"]], all_edges)
        dev = reachable(starts["dev"], all_edges)
        for scope, members in (("dev", dev), ("optional", optional), ("runtime", runtime)):
            for node in members:
                scopes[node] = scope  # later (more production-like) groups win
    nodes_of: dict[str, list[str]] = {}
    for node in snapshots if v9 else ():
        nodes_of.setdefault(package_of(node), []).append(node)

    for key, (name, version, line, entry) in releases.items():
        is_direct = (key in direct) if direct_known else None
        if v9:
            snapshot_keys = nodes_of.get(key, [])
            for node in snapshot_keys:
                out.add(
                    name,
                    version,
                    line=line,
                    direct=is_direct,
                    scope=scopes.get(node),
                    path=paths.get(node, (name,)),
                )
            if not snapshot_keys:
                out.add(name, version, line=line, direct=is_direct, path=(name,))
        else:
            out.add(
                name,
                version,
                line=line,
                direct=is_direct,
                scope=_flag_scope(entry),
                path=paths.get(key, (name,)),
            )


def _flag_scope(entry: YamlMap) -> str:
    dev = entry.get("dev")
    if dev == "true":
        return "dev"
    if entry.get("optional") == "true":
        return "optional"
    return "runtime"
