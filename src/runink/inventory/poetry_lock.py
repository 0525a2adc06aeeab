"""``poetry.lock``: Poetry's lockfile (lock-version 1.x, written by Poetry 1.x, and 2.x).

Every ``[[package]]`` is a component, whatever its ``[package.source]`` (the PyPI default, a
private index, ``git``, ``url``, ``file`` or ``directory``): its version is the one Poetry
resolved. The project itself is never in the file.

``scope`` comes from what the file records:

* lock-version 2.1 (Poetry 2): ``groups``. A package in the ``main`` group is ``runtime``, or
  ``optional`` when ``optional = true`` (only installed with one of the project's extras); a
  package only in other groups (``dev``, ``test``, ``docs``, ...) is ``dev``.
* lock-version 1.x (Poetry < 1.5): ``category = "main"`` or ``"dev"``, read the same way.
* lock-version 2.0 (Poetry 1.5 to 1.8) records neither: scope is ``optional`` for
  ``optional = true`` packages and None otherwise.

The project's own dependencies are in ``pyproject.toml``, not in the lockfile, so ``direct`` is
only known for packages nothing else in the file depends on: they must have been asked for by
the project, and are direct (True). Others stay None (they may be direct too). ``path`` is a
shortest chain from such a package, following each package's ``[package.dependencies]``.
"""

from __future__ import annotations

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

__all__ = ["PoetryLockParser"]


def _scope(pkg: dict[str, Any]) -> str | None:
    optional = pkg.get("optional") is True
    groups = pkg.get("groups")
    if isinstance(groups, list) and groups:
        if "main" in groups:
            return "optional" if optional else "runtime"
        return "dev"
    category = pkg.get("category")
    if category == "main":
        return "optional" if optional else "runtime"
    if category == "dev":
        return "dev"
    return "optional" if optional else None


class PoetryLockParser:
    """Poetry's ``poetry.lock``."""

    format = "poetry.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.poetry_lock(filename, head)

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
        names: list[str] = []
        usable: list[bool] = []
        by_name: dict[str, list[int]] = {}
        for i, pkg in enumerate(packages):
            name = pkg.get("name")
            if not isinstance(name, str) or not valid_name(name):
                skipped.append(bad_name_skip(name, lines[i]))
                names.append("")
                usable.append(False)
                continue
            norm = pypi_names[name]
            names.append(norm)
            by_name.setdefault(norm, []).append(i)
            version = pkg.get("version")
            if not isinstance(version, str) or not version:
                skipped.append(Skipped(norm, "no version recorded for this package", lines[i]))
                usable.append(False)
                continue
            usable.append(True)

        graph = DependencyGraph(len(packages))
        edges = graph.edges
        for i, pkg in enumerate(packages):
            deps = pkg.get("dependencies")
            if not deps or not names[i] or not isinstance(deps, dict):
                continue
            out = edges[i]
            for dep_name in deps:
                for target in by_name.get(pypi_names[dep_name], ()):
                    if target != i:  # (what ``graph.add`` does)
                        out.append(target)
        sources = [s for s in graph.sources() if names[s]]
        paths = graph.shortest(sources)
        direct = set(sources)

        components: list[Component] = []
        for i, pkg in enumerate(packages):
            if not usable[i]:
                continue
            nodes = paths[i]
            components.append(
                Component(
                    ECOSYSTEM,
                    names[i],
                    pkg["version"],
                    path,
                    lines[i],
                    True if i in direct else None,
                    _scope(pkg),
                    tuple([names[n] for n in nodes]) if nodes else (),
                )
            )
        return ParseResult(components=merge_duplicates(components), skipped=tuple(skipped))
