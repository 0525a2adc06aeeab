"""``runink scan``: discover, match, and decide whether the build may pass.

The gate is ``--fail-on SEVERITY`` until the trigger language lands: a finding at or above the
threshold blocks. A missing advisory database, or one older than ``--max-age``, is an error
(exit 3), never a silent pass.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
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


class FailOn(enum.StrEnum):
    """The gate threshold. ``any`` also blocks on findings of unknown severity; ``never``
    reports without blocking."""

    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    any = "any"
    never = "never"

    def blocks(self, severity: str | None) -> bool:
        if self is FailOn.never:
            return False
        if self is FailOn.any:
            return True
        if severity is None:
            return False
        try:
            return Severity.parse(severity) >= Severity.parse(self.value)
        except ValueError:
            return False


@dataclass(frozen=True, slots=True)
class ScanOptions:
    fail_on: FailOn = FailOn.high
    max_age: dt.timedelta | None = dt.timedelta(days=7)  # None: do not check freshness
    strict: bool = False
    discovery: DiscoveryOptions = field(default_factory=DiscoveryOptions)


@dataclass(frozen=True, slots=True)
class ComponentProblem:
    component: Component
    message: str


@dataclass(slots=True)
class ScanReport:
    root: Path
    inventory: Inventory
    findings: list[Finding]
    problems: list[ComponentProblem]
    options: ScanOptions
    data_as_of: dt.datetime | None

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if self.options.fail_on.blocks(f.severity)]

    @property
    def blocked(self) -> bool:
        return bool(self.blocking)

    @property
    def strict_failure(self) -> bool:
        return self.options.strict and bool(self.inventory.failed or self.inventory.partial)


def check_freshness(engine: Engine, max_age: dt.timedelta | None) -> dt.datetime | None:
    """The time of the last import; raises ``AdvisoryDataError`` if missing or stale."""
    with engine.connect() as conn:
        total = advisory_repo.count_advisories(conn)
        last = advisory_repo.last_import_time(conn)
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
                f if occurrence is occurrences[0] else dataclasses.replace(f, component=occurrence)
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
