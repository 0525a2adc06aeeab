"""``uv.lock``: uv's universal lockfile (``version = 1``, revisions 1 to 3).

Every ``[[package]]`` is one resolved distribution. Packages whose ``source`` is ``virtual`` or
``editable``, and the workspace ``members`` named in ``[manifest]``, are the project's own code:
they are the roots of the graph, not components, and are not reported. Every other package is a
component, whatever its source (registry, ``git``, ``url``, ``path``, ``directory``): its
version is what uv recorded for that source. Several entries with the same name and version
(one per source or per platform wheel) are reported once.

The graph comes from each package's ``dependencies`` and ``optional-dependencies`` (a
dependency with ``extra = [...]`` also pulls that package's optional dependencies for those
extras). The roots' edges give ``direct`` and ``scope``:

* ``runtime``: reached from a root's ``dependencies`` (or ``[manifest] requirements``);
* ``optional``: reached only from a root's ``optional-dependencies`` (its extras);
* ``dev``: reached only from a root's ``dev-dependencies`` (dependency groups) or
  ``[manifest.dependency-groups]``.

Every root's own dependencies count: which workspace members ship is not in the file, and the
stronger scope is the safer one. ``direct`` is True for a package a root depends on, False for
one only reached through other packages. ``path`` is a shortest chain of package names from a
root's dependency to the package within the strongest scope that reaches it, so that it shows
why the package has that scope. When the file has no root at all, packages that nothing depends
on are taken as the direct ones (the others' ``direct`` is then unknown) and scope is None. A
package that no root reaches keeps ``direct``/``scope`` None and no path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._python_common import (
    ECOSYSTEM,
    DependencyGraph,
    NameCache,
    bad_name_skip,
    decode_elided,
    key_line,
    merge_duplicates,
    valid_name,
)
from runink.inventory._toml import entry_lines, load_toml
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped

__all__ = ["UvLockParser"]


class UvLockParser:
    """uv's ``uv.lock``."""

    format = "uv.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.uv_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        # Blanking the hash lists keeps every line where it was, so the (much smaller) result
        # also serves to find the entries' lines.
        text = decode_elided(path, data, ("wheels",), ("sdist",))
        doc = load_toml(path, text)
        version = doc.get("version")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
            raise ParseError(
                path,
                f"'version' must be an integer, not {version!r}",
                line=key_line(text, "version"),
            )
        raw = doc.get("package", [])
        if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
            raise ParseError(
                path, "'package' must be an array of tables", line=key_line(text, "package")
            )
        packages: list[dict[str, Any]] = raw
        lines = entry_lines(text, "package", packages)
        manifest = doc.get("manifest")
        manifest = manifest if isinstance(manifest, dict) else {}
        pypi_names = NameCache()
        members = {pypi_names[m] for m in manifest.get("members", ()) if isinstance(m, str)}

        skipped: list[Skipped] = []
        names: list[str] = []
        roots: set[int] = set()
        is_component: list[bool] = []
        by_name: dict[str, list[int]] = {}
        for i, pkg in enumerate(packages):
            name = pkg.get("name")
            if not isinstance(name, str) or not valid_name(name):
                skipped.append(bad_name_skip(name, lines[i]))
                names.append("")
                is_component.append(False)
                continue
            norm = pypi_names[name]
            names.append(norm)
            by_name.setdefault(norm, []).append(i)
            source = pkg.get("source")
            local = isinstance(source, dict) and ("virtual" in source or "editable" in source)
            if local or norm in members:
                roots.add(i)
                is_component.append(False)
                continue
            version = pkg.get("version")
            if not isinstance(version, str) or not version:
                skipped.append(Skipped(norm, "no version recorded for this package", lines[i]))
                is_component.append(False)
                continue
            is_component.append(True)

        graph = _Graph(packages, names, roots, by_name, pypi_names)
        edges = graph.edges
        targets = graph.targets
        for i, pkg in enumerate(packages):
            deps = pkg.get("dependencies")
            if deps and names[i] and i not in roots:  # (no entries, no targets)
                found = targets(deps)
                if i in found:
                    found = [t for t in found if t != i]
                edges[i].extend(found)
        starts: dict[str, list[int]] = {"runtime": [], "optional": [], "dev": []}
        for r in sorted(roots):
            pkg = packages[r]
            starts["runtime"].extend(graph.targets(pkg.get("dependencies")))
            for kind, key in (("optional", "optional-dependencies"), ("dev", "dev-dependencies")):
                groups = pkg.get(key)
                if isinstance(groups, dict):
                    for entries in groups.values():
                        starts[kind].extend(graph.targets(entries))
        starts["runtime"].extend(graph.targets(manifest.get("requirements")))
        manifest_groups = manifest.get("dependency-groups")
        if isinstance(manifest_groups, dict):
            for entries in manifest_groups.values():
                starts["dev"].extend(graph.targets(entries))
        graph.finish()

        all_starts = starts["runtime"] + starts["optional"] + starts["dev"]
        scopes: list[str | None]
        has_roots = bool(roots or all_starts)
        if has_roots:
            direct_packages = {graph.package_of[t] for t in all_starts}
            scopes, paths = graph.scopes([(k, starts[k]) for k in ("runtime", "optional", "dev")])
        else:
            # No root in the file: what nothing depends on was asked for directly.
            sources = [s for s in graph.sources() if s < len(packages) and is_component[s]]
            direct_packages = set(sources)
            scopes = [None] * graph.size
            paths = graph.shortest(sources)

        components: list[Component] = []
        append = components.append
        names_along = graph.names_along
        for i, pkg in enumerate(packages):
            if not is_component[i]:
                continue
            node_path = paths[i]
            # True for a root's dependency; False for a package only reached through others,
            # when the roots are known; None when unreachable, or (without roots) for anything
            # not a source.
            if i in direct_packages:
                direct: bool | None = True
            elif node_path is None or not has_roots:
                direct = None
            else:
                direct = False
            append(
                Component(
                    ECOSYSTEM,
                    names[i],
                    pkg["version"],
                    path,
                    lines[i],
                    direct,
                    scopes[i],
                    () if node_path is None else names_along(node_path),
                )
            )
        return ParseResult(components=merge_duplicates(components), skipped=tuple(skipped))


class _Graph(DependencyGraph):
    """The package graph, with one extra node per (package, extra) that something asks for.

    A dependency on ``pkg[extra]`` is an edge to ``pkg`` and one to the node of
    ``(pkg, extra)``, whose edges are ``pkg``'s optional dependencies for that extra. Roots are
    not nodes anyone walks through: a dependency on a root stands for that root's own
    dependencies for the extras asked, which are added in its place.
    """

    def __init__(
        self,
        packages: list[dict[str, Any]],
        names: list[str],
        roots: set[int],
        by_name: dict[str, list[int]],
        pypi_names: NameCache,
    ) -> None:
        super().__init__(len(packages))
        self.packages = packages
        self.names = names
        self.roots = roots
        self.by_name = by_name
        self.pypi_names = pypi_names
        self.package_of: list[int] = list(range(len(packages)))
        self._extra_nodes: dict[tuple[int, str], int] = {}
        self._pending: list[tuple[int, object]] = []

    def _optional(self, index: int, extra: str) -> object:
        optional = self.packages[index].get("optional-dependencies")
        return optional.get(extra) if isinstance(optional, dict) else None

    def _extra_node(self, index: int, extra: str) -> int:
        key = (index, extra)
        node = self._extra_nodes.get(key)
        if node is None:
            node = self.size
            self.size += 1
            self.edges.append([])
            self.package_of.append(index)
            self._extra_nodes[key] = node
            self._pending.append((node, self._optional(index, extra)))
        return node

    def targets(
        self, entries: object, _seen: frozenset[tuple[int, str]] = frozenset()
    ) -> list[int]:
        """The nodes a list of dependency entries points to."""
        out: list[int] = []
        if not isinstance(entries, list):
            return out
        by_name = self.by_name
        pypi_names = self.pypi_names
        roots = self.roots
        for ref in entries:
            if not isinstance(ref, dict):
                continue
            name = ref.get("name")
            if not isinstance(name, str):
                continue
            candidates = by_name.get(pypi_names[name], ())
            if len(candidates) > 1:
                candidates = _narrow(ref, candidates, self.packages)
            # Locked dependencies spell it ``extra``; [manifest] requirements ``extras``.
            extras = ref["extra"] if "extra" in ref else ref.get("extras")
            if not extras:  # the usual case: no extras asked
                if roots.isdisjoint(candidates):
                    out.extend(candidates)
                    continue
                extras = []
            elif isinstance(extras, list):
                extras = [e for e in extras if isinstance(e, str)]
            else:
                extras = []
            for index in candidates:
                if index in roots:
                    for extra in extras:
                        if (index, extra) not in _seen:
                            seen = _seen | {(index, extra)}
                            out.extend(self.targets(self._optional(index, extra), seen))
                    continue
                out.append(index)
                out.extend(self._extra_node(index, extra) for extra in extras)
        return out

    def finish(self) -> None:
        """Add the edges of every extra node created so far (and those they create)."""
        while self._pending:
            node, entries = self._pending.pop()
            for target in self.targets(entries):
                self.add(node, target)

    def names_along(self, nodes: tuple[int, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for node in nodes:
            name = self.names[self.package_of[node]]
            if not out or out[-1] != name:
                out.append(name)
        return tuple(out)


def _narrow(
    ref: Mapping[str, Any], candidates: list[int], packages: list[dict[str, Any]]
) -> list[int]:
    """Of several packages with a dependency entry's name, those its version and source (when
    given) name, or all of them when none matches."""
    narrowed = candidates
    version = ref.get("version")
    if isinstance(version, str):
        narrowed = [c for c in narrowed if packages[c].get("version") == version] or narrowed
    source = ref.get("source")
    if isinstance(source, dict):
        narrowed = [c for c in narrowed if packages[c].get("source") == source] or narrowed
    return narrowed
