"""The matching core: components against compiled OSV entries, merged into findings by alias."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from runink.errors import InvalidVersionError
from runink.matching.index import AdvisoryIndex, AdvisoryInfo
from runink.matching.ranges import CompiledEntry
from runink.model.advisory import canonical_id
from runink.model.component import Component
from runink.model.ecosystems import base_ecosystem, ecosystem_matches
from runink.model.finding import Finding, MatchReason

_SCORE_VERSION_RANK = {"4.0": 4, "3.1": 3, "3.0": 2, "2.0": 1}


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Findings for one component, and why it could not be fully checked (if so)."""

    component: Component
    findings: tuple[Finding, ...] = ()
    problem: str | None = None  # "unsupported ecosystem ...", "invalid version ..."


@dataclass(slots=True)
class _Hit:
    advisory_id: str
    reasons: list[MatchReason]
    fixed: tuple[Any, str] | None  # smallest fixed event above the installed version


class Matcher:
    """Matches components against an ``AdvisoryIndex``."""

    def __init__(self, index: AdvisoryIndex) -> None:
        self.index = index

    def match_all(self, components: Iterable[Component]) -> list[MatchResult]:
        return [self.match(c) for c in components]

    def match(self, component: Component) -> MatchResult:
        eco_base = base_ecosystem(component.ecosystem)
        parse = self.index.parser(eco_base)
        key: Any = None
        problem: str | None = None
        if parse is None:
            problem = (
                f"unsupported ecosystem {component.ecosystem!r}: only exact version lists checked"
            )
        else:
            try:
                key = parse(component.version)
            except InvalidVersionError as exc:
                problem = f"{exc}: only exact version lists checked"
        entries = self.index.entries(eco_base, component.name)
        if not entries:
            return MatchResult(component, (), problem)
        hits: dict[str, _Hit] = {}
        for entry in entries:
            if entry.ecosystem != component.ecosystem and not ecosystem_matches(
                component.ecosystem, entry.ecosystem
            ):
                continue
            reasons = _entry_reasons(entry, component.version, key)
            if not reasons:
                continue
            hit = hits.get(entry.advisory_id)
            if hit is None:
                hit = hits[entry.advisory_id] = _Hit(entry.advisory_id, [], None)
            hit.reasons.extend(reasons)
            if key is not None:
                for fixed_key, fixed_text in entry.fixed:
                    if key < fixed_key:
                        if hit.fixed is None or fixed_key < hit.fixed[0]:
                            hit.fixed = (fixed_key, fixed_text)
                        break
        if not hits:
            return MatchResult(component, (), problem)
        findings = tuple(
            sorted(
                (self._finding(component, group) for group in _merge(hits, self.index.infos)),
                key=lambda f: f.id,
            )
        )
        return MatchResult(component, findings, problem)

    def _finding(self, component: Component, group: list[_Hit]) -> Finding:
        infos = [self.index.infos[h.advisory_id] for h in group]
        ids: set[str] = set()
        for info in infos:
            ids.add(info.id)
            ids.update(info.aliases)
        primary = max(infos, key=_score_rank)
        summary = next((i.summary for i in sorted(infos, key=_summary_rank) if i.summary), "")
        # The fix that every agreeing source accepts: the largest of their smallest fixes.
        fixes = [h.fixed for h in group if h.fixed is not None]
        fixed = max(fixes, key=lambda f: _Key(f[0]))[1] if fixes else None
        published = min((i.published for i in infos if i.published), default=None)
        modified = max((i.modified for i in infos if i.modified), default=None)
        reasons = tuple(r for h in sorted(group, key=lambda h: h.advisory_id) for r in h.reasons)
        return Finding(
            component=component,
            id=canonical_id(ids),
            aliases=tuple(sorted(ids)),
            advisories=tuple(sorted(h.advisory_id for h in group)),
            summary=summary,
            score=primary.score,
            severity=primary.severity,
            vector=primary.vector,
            fixed=fixed,
            reasons=reasons,
            published=published,
            modified=modified,
        )


class _Key:
    """Wraps a version so ``max`` uses only ``<``."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Key) -> bool:
        return bool(self.v < other.v)


def _entry_reasons(entry: CompiledEntry, version_text: str, key: Any) -> list[MatchReason]:
    reasons: list[MatchReason] = []
    if version_text in entry.version_texts or (key is not None and key in entry.version_keys):
        reasons.append(
            MatchReason(entry.advisory_id, entry.affected_index, entry.ecosystem, "versions-list")
        )
    if key is not None:
        for iv in entry.intervals:
            if iv.contains(key):
                reasons.append(
                    MatchReason(
                        advisory_id=entry.advisory_id,
                        affected_index=entry.affected_index,
                        ecosystem=entry.ecosystem,
                        kind="range",
                        range_index=iv.range_index,
                        range_type=iv.range_type,
                        introduced=iv.lower_text,
                        upper=iv.upper_text,
                        upper_kind=iv.upper_kind,
                        note=iv.note,
                    )
                )
    return reasons


def _merge(hits: dict[str, _Hit], infos: dict[str, AdvisoryInfo]) -> list[list[_Hit]]:
    """Group matched advisories that share any id or alias (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for advisory_id in hits:
        root = find(advisory_id)
        for alias in infos[advisory_id].aliases:
            other = find(alias)
            if other != root:
                parent[other] = root
    groups: dict[str, list[_Hit]] = {}
    for advisory_id, hit in sorted(hits.items()):
        groups.setdefault(find(advisory_id), []).append(hit)
    return list(groups.values())


def _score_rank(info: AdvisoryInfo) -> tuple[int, float, int, str]:
    return (
        _SCORE_VERSION_RANK.get(info.score_version or "", 0),
        info.score or 0.0,
        1 if info.severity else 0,
        info.id,
    )


def _summary_rank(info: AdvisoryInfo) -> tuple[int, str]:
    # GHSA summaries are written for people; prefer them, then the others by id.
    return (0 if info.id.startswith("GHSA-") else 1, info.id)
