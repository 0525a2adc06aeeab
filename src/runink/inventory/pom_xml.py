"""``pom.xml``: the dependencies a Maven project declares.

What is read, without any network access (parent POMs and imported BOMs are not fetched):

* ``<dependencies>`` of the project and of every profile: components with ``direct=True``.
  Profile activation cannot be decided from the file alone, so every profile counts.
* ``<dependencyManagement>`` of the project and of profiles: a managed version applies to a
  declared dependency without its own ``<version>``; a managed entry that no dependency
  declares is still a component, with ``direct=False``, because it pins the version of a
  transitive dependency. ``<scope>import</scope>`` entries are BOMs, not packages.
* ``${...}`` placeholders from ``<properties>`` (the project's, plus the profile's own for
  its dependencies), ``${project.version}``, ``${project.groupId}``,
  ``${project.artifactId}``, ``${project.parent.version}`` (and their ``pom.``/bare forms).
  The project's version falls back to the parent's, as Maven's inheritance does.

Names are ``groupId:artifactId`` in the ``Maven`` ecosystem. ``scope`` is the Maven scope
(``compile`` when none is given, else ``provided``, ``runtime``, ``test``, ``system``); a
managed-only entry keeps the scope it declares, if any.

``Skipped`` (with the reason): a dependency whose version is inherited from a parent or BOM,
a placeholder this file does not define, a version range (``[1.0,2.0)``; an exact ``[1.2]`` is
read as ``1.2``), ``LATEST``/``RELEASE``, or a missing groupId/artifactId.
Build plugins and their dependencies are not project dependencies and are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._xml import XmlElement, parse_xml
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped

__all__ = ["PomXmlParser"]

_ECOSYSTEM: Final = "Maven"
_PLACEHOLDER = re.compile(r"\$\{([^${}]+)\}")
_MAX_EXPANSIONS: Final = 20
_MAX_EXPANDED_LENGTH: Final = 4096


@dataclass(frozen=True, slots=True)
class _Dep:
    group: str | None
    artifact: str | None
    version: str | None
    scope: str | None
    dtype: str | None
    line: int
    properties: dict[str, str]
    managed: bool


class _Unresolved(Exception):
    """A placeholder that cannot be replaced; ``reason`` says why, for a ``Skipped``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _interpolate(text: str, properties: dict[str, str]) -> str:
    """Replace ``${name}`` placeholders; raise ``_Unresolved`` when that is not possible."""
    original = text
    too_long = _Unresolved(f"{original!r} expands beyond {_MAX_EXPANDED_LENGTH} characters")
    budget = [0]  # characters substituted in the current pass

    def lookup(m: re.Match[str]) -> str:
        key = m.group(1).strip()
        if key not in properties:
            raise _Unresolved(
                f"{original!r} uses ${{{key}}}, which this file does not define (a parent POM, "
                "settings or the command line may)"
            )
        value = properties[key]
        budget[0] += len(value)
        if budget[0] > _MAX_EXPANDED_LENGTH:
            raise too_long  # stop before building a huge string
        return value

    for _ in range(_MAX_EXPANSIONS):
        if "${" not in text:
            return text
        if len(text) > _MAX_EXPANDED_LENGTH:
            raise too_long
        budget[0] = 0
        new = _PLACEHOLDER.sub(lookup, text)
        if new == text:
            return text  # "${" without a well-formed placeholder: kept as written
        text = new
    raise _Unresolved(f"{original!r} does not resolve: its properties refer to each other")


def _deps(container: XmlElement | None, properties: dict[str, str], managed: bool) -> list[_Dep]:
    if container is None:
        return []
    holder = container.find("dependencies")
    if holder is None:
        return []
    out = []
    for d in holder.findall("dependency"):
        out.append(
            _Dep(
                group=d.child_text("groupId") or None,
                artifact=d.child_text("artifactId") or None,
                version=d.child_text("version") or None,
                scope=d.child_text("scope") or None,
                dtype=d.child_text("type") or None,
                line=d.line,
                properties=properties,
                managed=managed,
            )
        )
    return out


def _project_properties(project: XmlElement) -> dict[str, str]:
    props: dict[str, str] = {}
    parent = project.find("parent")
    builtins: dict[str, str | None] = {
        "groupId": project.child_text("groupId"),
        "artifactId": project.child_text("artifactId"),
        "version": project.child_text("version"),
    }
    if parent is not None:
        for key in ("groupId", "artifactId", "version"):
            value = parent.child_text(key)
            if value:
                for prefix in ("project.parent.", "parent."):
                    props[prefix + key] = value
                if not builtins[key] and key != "artifactId":
                    builtins[key] = value  # inherited from the parent, as Maven does
    for key, value in builtins.items():
        if value:
            for prefix in ("project.", "pom.", ""):
                props[prefix + key] = value
    block = project.find("properties")
    if block is not None:
        for child in block.children:
            props[child.tag] = child.text.strip()
    return props


def _version_problem(version: str) -> str | None:
    """Why this (interpolated) version cannot be matched, or None if it can."""
    if version[0] in "[(":
        return f"version range {version!r}; the version Maven resolves is not in pom.xml"
    if version in ("LATEST", "RELEASE"):
        return f"meta-version {version!r}; the version Maven resolves is not in pom.xml"
    return None


class PomXmlParser:
    """Parser for ``pom.xml``."""

    format = "pom.xml"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.pom_xml(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        project = parse_xml(path, data)
        if project.tag != "project":
            raise ParseError(
                path, f"root element is <{project.tag}>, not <project>", line=project.line
            )
        props = _project_properties(project)
        declared = _deps(project, props, managed=False)
        managed = _deps(project.find("dependencyManagement"), props, managed=True)
        profiles = project.find("profiles")
        for profile in profiles.findall("profile") if profiles is not None else []:
            pprops = dict(props)
            block = profile.find("properties")
            if block is not None:
                for child in block.children:
                    pprops[child.tag] = child.text.strip()
            declared += _deps(profile, pprops, managed=False)
            managed += _deps(profile.find("dependencyManagement"), pprops, managed=True)

        components: list[Component] = []
        skipped: list[Skipped] = []
        # Managed versions, by (name, type); resolved first so declarations can use them.
        managed_by_key: dict[tuple[str, str], _Dep] = {}
        resolved_managed: list[tuple[_Dep, str]] = []
        for dep in managed:
            name = self._name(dep, skipped)
            if name is None:
                continue
            resolved_managed.append((dep, name))
            managed_by_key.setdefault((name, dep.dtype or "jar"), dep)

        seen: set[tuple[str, str]] = set()
        declared_names: set[str] = set()

        def emit(dep: _Dep, name: str, raw_version: str | None, scope: str | None) -> None:
            if raw_version is None:
                skipped.append(
                    Skipped(
                        name,
                        "no <version>: it is managed outside this file (a parent POM or an "
                        "imported BOM), which is not fetched",
                        dep.line,
                    )
                )
                return
            try:
                version = _interpolate(raw_version, dep.properties).strip()
            except _Unresolved as exc:
                skipped.append(Skipped(name, f"version {exc.reason}", dep.line))
                return
            if version.startswith("[") and version.endswith("]") and "," not in version:
                version = version[1:-1].strip()  # an exact "hard" requirement: [1.2]
            problem = _version_problem(version) if version else "empty <version>"
            if problem is not None:
                skipped.append(Skipped(name, problem, dep.line))
                return
            if (name, version) in seen:
                return
            seen.add((name, version))
            components.append(
                Component(
                    ecosystem=_ECOSYSTEM,
                    name=name,
                    version=version,
                    source=path,
                    line=dep.line,
                    direct=not dep.managed,
                    scope=scope,
                )
            )

        for dep in declared:
            name = self._name(dep, skipped)
            if name is None:
                continue
            declared_names.add(name)
            version, scope = dep.version, dep.scope
            if version is None or scope is None:
                entry = managed_by_key.get((name, dep.dtype or "jar"))
                if entry is not None:
                    if version is None and entry.version is not None:
                        dep = _Dep(
                            dep.group,
                            dep.artifact,
                            entry.version,
                            dep.scope,
                            dep.dtype,
                            dep.line,
                            entry.properties,
                            managed=False,
                        )
                        version = entry.version
                    scope = scope or entry.scope
            emit(dep, name, version, scope or "compile")

        for dep, name in resolved_managed:
            if name in declared_names:
                continue
            if (dep.scope or "").strip() == "import":
                continue  # a BOM: its managed versions are not fetched
            emit(dep, name, dep.version, dep.scope)

        return ParseResult(components=tuple(components), skipped=tuple(skipped))

    @staticmethod
    def _name(dep: _Dep, skipped: list[Skipped]) -> str | None:
        label = f"{dep.group or '?'}:{dep.artifact or '?'}"
        if not dep.group or not dep.artifact:
            missing = "groupId" if not dep.group else "artifactId"
            skipped.append(Skipped(label, f"dependency has no <{missing}>", dep.line))
            return None
        try:
            group = _interpolate(dep.group, dep.properties).strip()
            artifact = _interpolate(dep.artifact, dep.properties).strip()
        except _Unresolved as exc:
            skipped.append(Skipped(label, f"coordinates: {exc.reason}", dep.line))
            return None
        return f"{group}:{artifact}"
