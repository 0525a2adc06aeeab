"""Gradle dependency lock files.

``gradle.lockfile`` and ``buildscript-gradle.lockfile`` (Gradle 6+) hold one line per module,
``group:artifact:version=configuration,configuration``, plus comments and a final
``empty=...`` line naming the configurations that resolved to nothing. The older per-configuration
files (``gradle/dependency-locks/<configuration>.lockfile``) hold ``group:artifact:version``
lines. Each module is a component in the ``Maven`` ecosystem, named ``group:artifact``.

``scope`` is read from the configurations: ``"test"`` when every configuration is a test one
(``testRuntimeClasspath``, ``androidTestCompileClasspath``...), ``"build"`` when every one is a
build-tool configuration (the buildscript ``classpath``, annotation processors, ``kapt``,
``ksp``), ``"runtime"`` when a runtime classpath needs it, else ``"compile"``. The old format
names no configuration in its lines: its scope is None. Lock files do not tell direct from
transitive dependencies: ``direct`` is None.

A line that is not a lock entry is ``Skipped`` with its text (Gradle would refuse the file).
"""

from __future__ import annotations

import re
from typing import Final

from runink.inventory import _claims
from runink.inventory.base import ParseResult, decode_utf8
from runink.model.component import Component, Skipped

__all__ = ["GradleLockfileParser"]

_ECOSYSTEM: Final = "Maven"
_COORDINATE = re.compile(r"^([^:\s=]+):([^:\s=]+):([^:\s=]+)$")
_BUILD_CONFIGURATIONS: Final = frozenset({"classpath", "annotationProcessor", "kapt", "ksp"})
_TEST_WORD = re.compile(r"(?:^test|Test)(?:[A-Z]|$)")


def _is_test(configuration: str) -> bool:
    return bool(_TEST_WORD.search(configuration))


def _is_build(configuration: str) -> bool:
    return (
        configuration in _BUILD_CONFIGURATIONS
        or "AnnotationProcessor" in configuration
        or configuration.startswith(("kapt", "ksp"))
    )


def scope_of(configurations: list[str]) -> str | None:
    """The scope that a set of Gradle configuration names implies."""
    if not configurations:
        return None
    if all(_is_test(c) for c in configurations):
        return "test"
    if all(_is_build(c) for c in configurations):
        return "build"
    main = [c for c in configurations if not _is_test(c) and not _is_build(c)]
    if any("runtime" in c.lower() for c in main):
        return "runtime"
    return "compile"


class GradleLockfileParser:
    """Parser for ``gradle.lockfile``, ``buildscript-gradle.lockfile`` and ``*.lockfile``."""

    format = "gradle.lockfile"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.gradle_lockfile(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_utf8(path, data)
        components: list[Component] = []
        skipped: list[Skipped] = []
        seen: set[tuple[str, str]] = set()
        for lineno, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            coordinate, sep, configs = line.partition("=")
            if coordinate == "empty" and sep:
                continue  # configurations that resolved to no module
            m = _COORDINATE.match(coordinate)
            if m is None:
                skipped.append(
                    Skipped(line, "not a 'group:artifact:version=configurations' line", lineno)
                )
                continue
            group, artifact, version = m.groups()
            configurations = [c.strip() for c in configs.split(",") if c.strip()] if sep else []
            name = f"{group}:{artifact}"
            if (name, version) in seen:
                continue
            seen.add((name, version))
            components.append(
                Component(
                    ecosystem=_ECOSYSTEM,
                    name=name,
                    version=version,
                    source=path,
                    line=lineno,
                    scope=scope_of(configurations),
                )
            )
        return ParseResult(components=tuple(components), skipped=tuple(skipped))
