"""The matching core: components against compiled OSV entries, merged into findings by alias."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Final

from runink.errors import InvalidVersionError
from runink.matching.index import AdvisoryIndex, AdvisoryInfo
from runink.matching.ranges import CompiledEntry
from runink.model.advisory import canonical_id
from runink.model.component import Component
from runink.model.ecosystems import base_ecosystem, ecosystem_matches
from runink.model.finding import Finding, FindingDetails, MatchReason

_SCORE_VERSION_RANK = {"4.0": 4, "3.1": 3, "3.0": 2, "2.0": 1}


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Findings for one component, and why it could not be fully checked (if so)."""

    component: Component
    findings: tuple[Finding, ...] = ()
    problem: str | None = None  # "unsupported ecosystem ...", "invalid version ..."


@dataclass(frozen=True, slots=True)
class _GroupFacts:
    """What a finding takes from its advisories alone: the same for every component."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    score: float | None
    severity: str | None
    vector: str | None
    published: str | None
    modified: str | None


@dataclass(slots=True)
class _Hit:
    advisory_id: str
    reasons: list[MatchReason]
    fixed: tuple[Any, str] | None  # smallest fixed event above the installed version


class Matcher:
    """Matches components against an ``AdvisoryIndex``.

    The index must not change once a matcher uses it: what each package's entries say is
    cached, per version region and per version text.
    """

    def __init__(self, index: AdvisoryIndex) -> None:
        self.index = index
        self._facts: dict[tuple[str, ...], _GroupFacts] = {}
        self._hot: dict[
            tuple[str, str],
            tuple[Callable[[str], Any] | None, tuple[CompiledEntry, ...], _Segments | None],
        ] = {}
        # (ecosystem, name) -> version text -> what ``match`` reports for it.
        self._known: dict[tuple[str, str], dict[str, _Outcome]] = {}

    def match_all(self, components: Iterable[Component]) -> list[MatchResult]:
        match = self.match
        return [match(c) for c in components]

    def match(self, component: Component) -> MatchResult:
        known = self._known.get((component.ecosystem, component.name))
        outcome = None if known is None else known.get(component.version)
        if outcome is None:
            outcome = self._evaluate(component)
        # Built without the dataclass ``__init__``s (the hot path: one finding per matched
        # vulnerability, each sharing its region's details).
        details, problem = outcome
        result = _new(MatchResult)
        _set_result_component(result, component)
        _set_result_problem(result, problem)
        if not details:
            _set_result_findings(result, ())
        elif len(details) == 1:
            finding = _new(Finding)
            _set_finding_component(finding, component)
            _set_finding_details(finding, details[0])
            _set_result_findings(result, (finding,))
        else:
            findings = []
            for d in details:
                finding = _new(Finding)
                _set_finding_component(finding, component)
                _set_finding_details(finding, d)
                findings.append(finding)
            _set_result_findings(result, tuple(findings))
        return result

    def _evaluate(self, component: Component) -> _Outcome:
        """What ``match`` reports for this component's (ecosystem, name, version text)."""
        ident = (component.ecosystem, component.name)
        hot = self._hot.get(ident)
        if hot is None:
            hot = self._hot[ident] = self._prepare(component)
        parse, entries, segments = hot
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
        outcome: _Outcome
        if not entries:
            outcome = ((), problem) if problem is not None else _NOTHING
        elif key is None or segments is None:
            details = self._templates(component.ecosystem, component.version, key, entries)
            outcome = (details, problem)
        else:
            keys = segments.keys
            if keys is not None and hasattr(key, "sort_key"):
                k = key.sort_key
                i = bisect_left(keys, k)
                region = 2 * i + 1 if i < len(keys) and not k < keys[i] else 2 * i
            else:
                bounds = segments.bounds
                i = bisect_left(bounds, key)
                region = 2 * i + 1 if i < len(bounds) and not key < bounds[i] else 2 * i
            found = segments.regions.get(region)
            if found is None:
                details = self._templates(component.ecosystem, component.version, key, entries)
                found = segments.regions[region] = (details, None) if details else _NOTHING
            outcome = found  # parsed, so no problem
        known = self._known.get(ident)
        if known is None:
            known = self._known[ident] = {}
        elif len(known) >= _KNOWN_TEXTS_PER_PACKAGE:
            known.clear()  # bounded memory for long-running matchers; re-evaluated as met
        known[component.version] = outcome
        return outcome

    def _prepare(
        self, component: Component
    ) -> tuple[Callable[[str], Any] | None, tuple[CompiledEntry, ...], _Segments | None]:
        """Per (ecosystem, name): the version parser, the compiled entries and the regions.

        Between two consecutive bounds of any entry (interval ends, listed versions, fixed
        events), and at each bound, every comparison has the same outcome, so the findings are
        the same for every version in that region: each region is evaluated once, by the first
        version that falls into it.
        """
        eco_base = base_ecosystem(component.ecosystem)
        parse = self.index.parser(eco_base)
        entries = self.index.entries(eco_base, component.name)
        segments = None
        if entries and parse is not None:
            segments = _Segments.build([e for e in entries if _applies(component.ecosystem, e)])
        return parse, entries, segments

    def match_direct(self, component: Component) -> MatchResult:
        """``match`` without the segment cache: every entry evaluated for this version.

        Kept as the reference the cached path is tested against (tests/matching)."""
        eco_base = base_ecosystem(component.ecosystem)
        parse = self.index.parser(eco_base)
        key: Any = None
        if parse is not None:
            try:
                key = parse(component.version)
            except InvalidVersionError:
                key = None
        entries = self.index.entries(eco_base, component.name)
        templates = self._templates(component.ecosystem, component.version, key, entries)
        return MatchResult(
            component,
            tuple(
                Finding(
                    component=component,
                    id=d.id,
                    aliases=d.aliases,
                    advisories=d.advisories,
                    summary=d.summary,
                    score=d.score,
                    severity=d.severity,
                    vector=d.vector,
                    fixed=d.fixed,
                    reasons=d.reasons,
                    published=d.published,
                    modified=d.modified,
                )
                for d in templates
            ),
        )

    def _templates(
        self,
        ecosystem: str,
        version_text: str,
        key: Any,
        entries: tuple[CompiledEntry, ...],
    ) -> tuple[FindingDetails, ...]:
        hits: dict[str, _Hit] = {}
        for entry in entries:
            if not _applies(ecosystem, entry):
                continue
            reasons = _entry_reasons(entry, version_text, key)
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
            return ()
        groups = [list(hits.values())] if len(hits) == 1 else _merge(hits, self.index.infos)
        templates = [self._template(group) for group in groups]
        templates.sort(key=lambda t: t.id)
        return tuple(templates)

    def _group_facts(self, advisory_ids: tuple[str, ...]) -> _GroupFacts:
        facts = self._facts.get(advisory_ids)
        if facts is None:
            infos = [self.index.infos[a] for a in advisory_ids]
            ids: set[str] = set()
            for info in infos:
                ids.add(info.id)
                ids.update(info.aliases)
            primary = max(infos, key=_score_rank)
            facts = self._facts[advisory_ids] = _GroupFacts(
                id=canonical_id(ids),
                aliases=tuple(sorted(ids)),
                summary=next(
                    (i.summary for i in sorted(infos, key=_summary_rank) if i.summary), ""
                ),
                score=primary.score,
                severity=primary.severity,
                vector=primary.vector,
                published=min((i.published for i in infos if i.published), default=None),
                modified=max((i.modified for i in infos if i.modified), default=None),
            )
        return facts

    def _template(self, group: list[_Hit]) -> FindingDetails:
        group.sort(key=lambda h: h.advisory_id)
        advisories = tuple(h.advisory_id for h in group)
        # The fix that every agreeing source accepts: the largest of their smallest fixes.
        fixed: str | None = None
        best: Any = None
        for h in group:
            if h.fixed is not None and (best is None or best < h.fixed[0]):
                best, fixed = h.fixed
        facts = self._group_facts(advisories)
        return FindingDetails(
            id=facts.id,
            aliases=facts.aliases,
            advisories=advisories,
            summary=facts.summary,
            score=facts.score,
            severity=facts.severity,
            vector=facts.vector,
            fixed=fixed,
            reasons=tuple(r for h in group for r in h.reasons),
            published=facts.published,
            modified=facts.modified,
        )


def _applies(ecosystem: str, entry: CompiledEntry) -> bool:
    return entry.ecosystem == ecosystem or ecosystem_matches(ecosystem, entry.ecosystem)


#: What ``match`` reports for one version text: the shared details of each finding (sorted by
#: id), and why the component could not be fully checked, if so.
_Outcome = tuple[tuple[FindingDetails, ...], str | None]
_NOTHING: Final[_Outcome] = ((), None)
#: Version texts remembered per package before the package's memo starts afresh.
_KNOWN_TEXTS_PER_PACKAGE: Final = 4096

# ``match`` builds results and findings by setting their slots directly.
_sort_key = attrgetter("sort_key")
_new = object.__new__
_set_result_component = MatchResult.__dict__["component"].__set__
_set_result_findings = MatchResult.__dict__["findings"].__set__
_set_result_problem = MatchResult.__dict__["problem"].__set__
_set_finding_component = Finding.__dict__["component"].__set__
_set_finding_details = Finding.__dict__["details"].__set__


@dataclass(slots=True)
class _Segments:
    bounds: list[Any]  # sorted, distinct parsed versions
    regions: dict[int, _Outcome]  # region -> its outcome (never a problem: versions parsed)
    keys: list[Any] | None = None  # the bounds' sort keys, when every bound has one

    @classmethod
    def build(cls, entries: list[CompiledEntry]) -> _Segments:
        points: list[Any] = []
        for entry in entries:
            points.extend(entry.version_keys)
            points.extend(k for k, _ in entry.fixed)
            for iv in entry.intervals:
                if iv.lower is not None:
                    points.append(iv.lower)
                if iv.upper is not None:
                    points.append(iv.upper)
        bounds: list[Any] = []
        if points and len({p.__class__ for p in points}) == 1 and hasattr(points[0], "sort_key"):
            # Versions of one class order by their sort keys (plain tuples): sorting and
            # bisecting those compares in C, with the same outcomes as comparing the versions.
            points.sort(key=_sort_key)
            keys: list[Any] = []
            for p in points:
                k = p.sort_key
                if not keys or keys[-1] < k:
                    bounds.append(p)
                    keys.append(k)
            return cls(bounds, {}, keys)
        points.sort()
        for p in points:
            if not bounds or bounds[-1] < p:
                bounds.append(p)
        same = all(hasattr(b, "sort_key") for b in bounds)
        return cls(bounds, {}, [b.sort_key for b in bounds] if same else None)


def _entry_reasons(entry: CompiledEntry, version_text: str, key: Any) -> list[MatchReason]:
    reasons: list[MatchReason] = []
    if entry.list_reason is not None and (
        version_text in entry.version_texts or (key is not None and key in entry.version_keys)
    ):
        reasons.append(entry.list_reason)
    if key is not None:
        for iv in entry.intervals:
            if iv.reason is not None and iv.contains(key):
                reasons.append(iv.reason)
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
