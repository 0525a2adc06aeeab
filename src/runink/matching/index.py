"""An in-memory index of affected entries by (ecosystem base, normalized name).

Entries are compiled lazily, once, the first time a component of that name is matched; a
warm index therefore matches with dictionary lookups and a few comparisons per component.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from runink.errors import UnsupportedEcosystemError
from runink.matching.ranges import CompiledEntry, compile_entry
from runink.model.advisory import Affected
from runink.model.ecosystems import base_ecosystem


@dataclass(frozen=True, slots=True)
class AdvisoryInfo:
    """What a finding shows about an advisory record."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    score: float | None
    severity: str | None
    vector: str | None
    score_version: str | None
    published: str | None
    modified: str | None
    withdrawn: bool = False


ParserFactory = Callable[[str], Callable[[str], Any] | None]


def default_parser_factory(ecosystem_base: str) -> Callable[[str], Any] | None:
    """The version parser for an ecosystem, memoized per version text; None if unsupported."""
    from runink import versions

    try:
        scheme = versions.scheme_for(ecosystem_base)
    except UnsupportedEcosystemError:
        return None
    cache: dict[str, Any] = {}
    parse = scheme.parse

    def cached(text: str) -> Any:
        try:
            return cache[text]
        except KeyError:
            value = cache[text] = parse(text)
            return value

    return cached


@dataclass
class AdvisoryIndex:
    """Affected entries and advisory details, keyed for matching."""

    raw: dict[tuple[str, str], list[tuple[str, Affected]]] = field(default_factory=dict)
    infos: dict[str, AdvisoryInfo] = field(default_factory=dict)
    parser_factory: ParserFactory = default_parser_factory
    _compiled: dict[tuple[str, str], tuple[CompiledEntry, ...]] = field(default_factory=dict)
    _parsers: dict[str, Callable[[str], Any] | None] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[str, Affected]],
        infos: Iterable[AdvisoryInfo],
        parser_factory: ParserFactory = default_parser_factory,
    ) -> AdvisoryIndex:
        index = cls(parser_factory=parser_factory)
        index.infos = {info.id: info for info in infos}
        for advisory_id, entry in entries:
            info = index.infos.get(advisory_id)
            if info is None or info.withdrawn:
                continue  # withdrawn advisories never match
            key = (base_ecosystem(entry.ecosystem), entry.name)
            index.raw.setdefault(key, []).append((advisory_id, entry))
        return index

    def parser(self, ecosystem_base: str) -> Callable[[str], Any] | None:
        try:
            return self._parsers[ecosystem_base]
        except KeyError:
            parser = self._parsers[ecosystem_base] = self.parser_factory(ecosystem_base)
            return parser

    def entries(self, ecosystem_base: str, name: str) -> tuple[CompiledEntry, ...]:
        key = (ecosystem_base, name)
        compiled = self._compiled.get(key)
        if compiled is None:
            parse = self.parser(ecosystem_base)
            compiled = tuple(
                compile_entry(advisory_id, entry, parse)
                for advisory_id, entry in self.raw.get(key, ())
            )
            self._compiled[key] = compiled
        return compiled

    def compile_all(self) -> None:
        for eco_base, name in list(self.raw):
            self.entries(eco_base, name)

    @property
    def package_count(self) -> int:
        return len(self.raw)
