"""``pdm.lock``: PDM's lockfile (``lock_version`` 4.x).

Every ``[[package]]`` is a resolved distribution with ``name`` and ``version``. PDM writes one
more entry per extras combination that something asks for (``extras = ["socks"]``), with the
same name and version: they are one component.

* A package from a registry, ``url``, a VCS (``git``, ``hg``, ``svn``, ``bzr``) or a
  non-editable ``path`` is a component at its recorded version.
* An ``editable`` local ``path`` is the project's own code (a workspace package), not a
  dependency: it is not reported.
* ``conda_managed`` packages come from conda channels, not PyPI: ``Skipped``.
* An entry without a version is ``Skipped``.

``scope``: with the ``inherit_metadata`` strategy (PDM's default since 2.11) each package lists
the ``groups`` that need it. ``default`` means ``runtime``. The other groups are either the
project's optional-dependency groups (extras) or its development groups, and the lockfile does
not say which, so they map to ``optional``, which unlike ``dev`` does not suggest the package
never ships. Without ``groups`` scope is None.

The project's own requirements are in ``pyproject.toml``, so ``direct`` is True only for
packages nothing else in the file depends on (they must be requested by the project), None for
the others; ``path`` is a shortest chain through the ``dependencies`` lists from such a package.
"""

from __future__ import annotations

from typing import Any

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._python_common import (
    ECOSYSTEM,
    SCOPE_RANK,
    DependencyGraph,
    NameCache,
    bad_name_skip,
    decode_elided,
    key_line,
    requirement_name,
    valid_name,
)
from runink.inventory._toml import entry_lines, load_toml
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped

__all__ = ["PdmLockParser"]


def _scope(groups: object) -> str | None:
    if not isinstance(groups, list) or not groups:
        return None
    return "runtime" if "default" in groups else "optional"


class PdmLockParser:
    """PDM's ``pdm.lock``."""

    format = "pdm.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.pdm_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        # Blanking the hash lists keeps every line where it was (see elide_hash_arrays).
        text = decode_elided(path, data, ("files",))
        doc = load_toml(path, text)
        raw = doc.get("package", [])
        if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
            raise ParseError(
                path, "'package' must be an array of tables", line=key_line(text, "package")
            )
        packages: list[dict[str, Any]] = raw
        lines = entry_lines(text, "package", packages)

        pypi_names = NameCache()
        skipped: list[Skipped] = []
        # One node per (name, version); the entries for extras of it add their groups and edges.
        node_of: dict[tuple[str, str], int] = {}
        node_names: list[str] = []
        node_versions: list[str] = []
        node_lines: list[int | None] = []
        node_scopes: list[str | None] = []
        by_name: dict[str, list[int]] = {}
        entry_node: list[int | None] = []
        for i, pkg in enumerate(packages):
            entry_node.append(None)
            name = pkg.get("name")
            if not isinstance(name, str) or not valid_name(name):
                skipped.append(bad_name_skip(name, lines[i]))
                continue
            norm = pypi_names[name]
            if pkg.get("conda_managed") is True:
                skipped.append(
                    Skipped(norm, "conda-managed package, not a PyPI distribution", lines[i])
                )
                continue
            if pkg.get("editable") is True and "path" in pkg:
                continue  # the project's own code, installed in development mode
            version = pkg.get("version")
            if not isinstance(version, str) or not version:
                skipped.append(Skipped(norm, "no version recorded for this package", lines[i]))
                continue
            scope = _scope(pkg.get("groups"))
            node = node_of.get((norm, version))
            if node is None:
                node = len(node_names)
                node_of[(norm, version)] = node
                node_names.append(norm)
                node_versions.append(version)
                node_lines.append(lines[i])
                node_scopes.append(scope)
                by_name.setdefault(norm, []).append(node)
            elif SCOPE_RANK.get(scope, 3) < SCOPE_RANK.get(node_scopes[node], 3):
                node_scopes[node] = scope
            entry_node[i] = node

        graph = DependencyGraph(len(node_names))
        for i, pkg in enumerate(packages):
            node = entry_node[i]
            deps = pkg.get("dependencies")
            if node is None or not isinstance(deps, list):
                continue
            for dep in deps:
                dep_name = requirement_name(dep) if isinstance(dep, str) else None
                if dep_name is None:
                    continue
                for target in by_name.get(pypi_names[dep_name], ()):
                    graph.add(node, target)
        sources = graph.sources()
        direct = set(sources)
        paths = graph.shortest(sources)

        components = tuple(
            Component(
                ecosystem=ECOSYSTEM,
                name=node_names[n],
                version=node_versions[n],
                source=path,
                line=node_lines[n],
                direct=True if n in direct else None,
                scope=node_scopes[n],
                path=tuple(node_names[p] for p in nodes) if (nodes := paths[n]) else (),
            )
            for n in range(len(node_names))
        )
        return ParseResult(components=components, skipped=tuple(skipped))
