"""A component: one package version found in an inventory source."""

from __future__ import annotations

from dataclasses import dataclass, field

from runink.model._slots import slot_init
from runink.model.purl import build_purl


@slot_init  # parsers create one per package: a third faster than the generated __init__
@dataclass(frozen=True, slots=True)
class Component:
    """One package at one version, as found in one place.

    ``name`` is normalized for the ecosystem (see ``runink.model.ecosystems.normalize_name``).
    ``source`` is the file it came from (relative to the scan root), ``line`` its 1-based line
    where the format has lines. ``direct`` and ``scope`` are None where the format does not say.
    ``path`` is the dependency path from a root to this component, when the format has a graph.
    """

    ecosystem: str
    name: str
    version: str
    source: str = ""
    line: int | None = None
    direct: bool | None = None
    scope: str | None = None  # "runtime", "dev", "optional", "test", "build", ...
    path: tuple[str, ...] = field(default=())
    purl_override: str | None = None  # when the source carried its own purl (SBOMs)

    @property
    def purl(self) -> str:
        if self.purl_override:
            return self.purl_override
        return build_purl(self.ecosystem, self.name, self.version)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.ecosystem, self.name, self.version)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry a parser saw but could not turn into a component, and why."""

    name: str
    reason: str
    line: int | None = None
