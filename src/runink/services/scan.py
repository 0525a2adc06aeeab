"""``runink scan``: discover, match, and decide whether the build may pass.

The gate is ``--fail-on SEVERITY`` until the trigger language lands: a finding at or above the
threshold blocks. A missing advisory database, or one older than ``--max-age``, is an error
(exit 3), never a silent pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from runink.errors import AdvisoryDataError
from runink.inventory.base import Parser
from runink.inventory.discovery import DiscoveryOptions, Inventory, discover
from runink.matching.matcher import Matcher
from runink.model.component import Component
from runink.model.finding import Finding
from runink.scoring import Severity
from runink.services.checking import index_for
from runink.store import advisory_repo
from runink.store.db import utcnow


@dataclass(frozen=True, slots=True)
class ScanOptions:
    max_age: dt.timedelta | None = dt.timedelta(days=7)  # None: do not check freshness
    strict: bool = False
    discovery: DiscoveryOptions = field(default_factory=DiscoveryOptions)


@dataclass(frozen=True, slots=True)
class ComponentProblem:
    component: Component
    message: str


FindingIdentity = tuple[str, str, str, int | None]  # (id, purl, source, line)


def identity(finding: Finding) -> FindingIdentity:
    c = finding.component
    return (finding.id, c.purl, c.source, c.line)


@dataclass(frozen=True, slots=True)
class GateView:
    """The policy's verdict as the renderers need it (``services.gate`` computes it)."""

    blocked: bool = False
    reasons: tuple[str, ...] = ()  # the block_deploy policies that fired
    blocking: frozenset[FindingIdentity] = frozenset()
    suppressed: dict[FindingIdentity, str] = field(default_factory=dict)  # -> exception
    expired: dict[FindingIdentity, tuple[str, ...]] = field(default_factory=dict)
    fired: dict[FindingIdentity, tuple[str, ...]] = field(default_factory=dict)  # triggers
    unused_exceptions: tuple[str, ...] = ()
    policy_sources: tuple[str, ...] = ()  # the policy files, or "default policy"


@dataclass(slots=True)
class ScanReport:
    root: Path
    inventory: Inventory
    findings: list[Finding]
    problems: list[ComponentProblem]
    options: ScanOptions
    data_as_of: dt.datetime | None
    gate: GateView = field(default_factory=GateView)

    def is_blocking(self, finding: Finding) -> bool:
        return identity(finding) in self.gate.blocking

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if identity(f) in self.gate.blocking]

    @property
    def blocked(self) -> bool:
        return self.gate.blocked

    @property
    def strict_failure(self) -> bool:
        return self.options.strict and bool(self.inventory.failed or self.inventory.partial)


def check_freshness(engine: Engine, max_age: dt.timedelta | None) -> dt.datetime | None:
    """The time of the last import or OSV sync; raises ``AdvisoryDataError`` if there is no
    data, if it is older than ``max_age``, or if a synced feed is older than its maximum age
    (``feeds.<feed>.max_age``, default ``max_age``; see docs/feeds.md). ``max_age=None`` skips
    both age checks."""
    from runink.feeds import state as feed_state
    from runink.feeds.settings import load_feed_settings

    with engine.connect() as conn:
        total = advisory_repo.count_advisories(conn)
        last = advisory_repo.last_import_time(conn)
        synced = feed_state.newest_success(conn, "osv")  # a sync with no changes is fresh data
        if synced is not None and (last is None or synced > last):
            last = synced
        stale = (
            feed_state.stale_followed_feeds(conn, load_feed_settings(), max_age, utcnow())
            if max_age is not None
            else []
        )
    if total == 0 or last is None:
        raise AdvisoryDataError(
            "the advisory database is empty: run `runink db import PATH` (or `runink db sync`)"
        )
    if max_age is not None:
        age = utcnow() - last
        if age > max_age:
            days = age.total_seconds() / 86400
            raise AdvisoryDataError(
                f"the advisory database is stale: last import {last:%Y-%m-%d %H:%M}Z, "
                f"{days:.1f} days ago, older than --max-age ({max_age.total_seconds() / 86400:g} "
                "days); import fresh data or raise --max-age"
            )
    if stale:
        raise AdvisoryDataError("\n".join(str(s) for s in stale))
    return last


def match_inventory(
    engine: Engine, components: Sequence[Component]
) -> tuple[list[Finding], list[ComponentProblem]]:
    """Match each distinct (ecosystem, name, version) once; findings per occurrence."""
    matcher = Matcher(index_for(engine, components))
    by_key: dict[tuple[str, str, str], list[Component]] = {}
    for component in components:
        by_key.setdefault(component.key, []).append(component)
    findings: list[Finding] = []
    problems: list[ComponentProblem] = []
    for occurrences in by_key.values():
        result = matcher.match(occurrences[0])
        for occurrence in occurrences:
            if result.problem:
                problems.append(ComponentProblem(occurrence, result.problem))
            findings.extend(
                f if occurrence is occurrences[0] else Finding.of(occurrence, f.details)
                for f in result.findings
            )
    findings.sort(key=_finding_order)
    return findings, problems


def _finding_order(f: Finding) -> tuple[int, float, str, str, str, int]:
    rank = Severity.parse(f.severity).rank if f.severity else -1
    return (
        -rank,
        -(f.score or 0.0),
        f.component.name,
        f.id,
        f.component.source,
        f.component.line or 0,
    )


def run_scan(
    engine: Engine,
    root: Path,
    parsers: Sequence[Parser],
    options: ScanOptions,
    progress: Callable[[str], None] | None = None,
) -> ScanReport:
    as_of = check_freshness(engine, options.max_age)
    inventory = discover(root, parsers, options.discovery, progress)
    findings, problems = match_inventory(engine, inventory.components)
    return ScanReport(root, inventory, findings, problems, options, as_of)
