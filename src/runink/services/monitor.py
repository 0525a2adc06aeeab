"""Event-driven re-evaluation of the stored inventory, and the ``watch`` loop.

``process_events`` reads the change events after the monitor's offset, in batches. For each
batch it collects the packages the changed advisories name (old *and* new affected packages,
so a narrowed or withdrawn advisory closes what it no longer affects), finds the current
inventory components with those (ecosystem base, name) keys through
``ix_inventory_components_lookup``, re-matches only those components against an index holding
only those packages, and reconciles their findings. KEV and EPSS events re-run the triggers of
the artifacts with an open finding for that CVE. The finding transitions, the outbox rows and
the consumer offset are one transaction: a crash loses nothing and repeats nothing.

``flush_outbox`` (``services.findings``) then runs the triggers, once per artifact.

``run_cycle`` is one ``watch`` step: finish any outbox left by a crash, sync the feeds,
process every new event, act. ``watch`` repeats it every interval until stopped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy.engine import Connection, Engine

from runink.feeds.events import ChangeEvent, EventKind, commit_offset, consumer_offset, read_events
from runink.feeds.sync import SyncReport, run_sync
from runink.matching.index import AdvisoryIndex
from runink.matching.matcher import Matcher
from runink.model.component import Component
from runink.model.ecosystems import base_ecosystem
from runink.model.finding import Finding
from runink.services.findings import Changes, FlushReport, Scope, SetupCache, enqueue, flush_outbox
from runink.services.findings import reconcile as reconcile_findings
from runink.services.inventory import present_by_key
from runink.store import advisory_repo
from runink.store import inventory_repo as repo
from runink.store.db import utcnow
from runink.store.inventory_repo import EXCEPTED, OPEN, Key

CONSUMER: Final = "monitor"
ACTOR: Final = "runink/watch"
_ADVISORY_KINDS: Final = frozenset(
    {EventKind.ADVISORY_ADDED, EventKind.ADVISORY_MODIFIED, EventKind.ADVISORY_WITHDRAWN}
)
_CVE_KINDS: Final = frozenset(
    {EventKind.KEV_ADDED, EventKind.KEV_REMOVED, EventKind.EPSS_THRESHOLD_CROSSED}
)


@dataclass(slots=True)
class ProcessReport:
    events: int = 0
    batches: int = 0
    components: int = 0  # components re-matched
    artifacts: int = 0  # artifacts whose findings or triggers were touched
    changes: Changes = field(default_factory=Changes)
    last_seq: int = 0


def event_keys(event: ChangeEvent) -> set[Key]:
    """The (ecosystem base, normalized name) keys an advisory event names."""
    keys: set[Key] = set()
    for package in event.details.get("packages", ()):
        ecosystem, name = package.get("ecosystem"), package.get("name")
        if isinstance(ecosystem, str) and isinstance(name, str):
            keys.add((base_ecosystem(ecosystem), name))
    return keys


def _match(matcher: Matcher, components: Iterable[Component]) -> list[Finding]:
    cache: dict[tuple[str, str, str], tuple[Finding, ...]] = {}
    out: list[Finding] = []
    for component in components:
        found = cache.get(component.key)
        if found is None:
            found = cache[component.key] = matcher.match(component).findings
            out.extend(found)
        else:
            out.extend(dataclasses.replace(f, component=component) for f in found)
    return out


def process_batch(
    conn: Connection,
    batch: list[ChangeEvent],
    cache: SetupCache,
    *,
    now: dt.datetime,
    report: ProcessReport,
) -> None:
    """Re-evaluate what ``batch`` touches, inside the caller's transaction."""
    keys: set[Key] = set()
    event_seq: dict[Key, int] = {}
    withdrawn: set[str] = set()
    cves: set[str] = set()
    for event in batch:
        if event.kind in _ADVISORY_KINDS:
            for key in event_keys(event):
                keys.add(key)
                event_seq[key] = event.seq
            if event.kind == EventKind.ADVISORY_WITHDRAWN:
                withdrawn.add(event.subject)
        elif event.kind in _CVE_KINDS:
            cves.add(event.subject)
    touched: set[int] = set()
    if keys:
        by_artifact = repo.components_for_keys(conn, keys)
        if by_artifact:
            entries, infos = advisory_repo.load_index_rows(conn, keys)
            matcher = Matcher(AdvisoryIndex.build(entries, infos))
            artifacts = repo.artifacts_by_id(conn, by_artifact.keys())
            stored = repo.findings_of(conn, by_artifact.keys(), keys=frozenset(keys))
            frozen_keys = frozenset(keys)
            for artifact_id, components in sorted(by_artifact.items()):
                artifact = artifacts[artifact_id]
                report.components += len(components)
                matched = _match(matcher, components)
                scope = Scope(
                    keys=frozen_keys,
                    present=present_by_key(components),
                    withdrawn=frozenset(withdrawn),
                    event_seq=event_seq,
                )
                changes = reconcile_findings(
                    conn,
                    artifact,
                    cache.setup(artifact),
                    matched,
                    stored.get(artifact_id, []),
                    scope,
                    origin="event",
                    now=now,
                )
                report.changes.add(changes)
                if changes.any:
                    enqueue(conn, artifact, changes, actor=ACTOR, now=now)
                    touched.add(artifact_id)
    if cves:
        # KEV/EPSS facts feed the triggers: run them again where such a CVE is open.
        rows = repo.query_findings(conn, vulnerabilities=cves, status=OPEN)
        for artifact, _ in rows:
            if artifact.id not in touched:
                enqueue(conn, artifact, Changes(), actor=ACTOR, now=now, force=True)
                touched.add(artifact.id)
    report.artifacts += len(touched)


#: A hook called after a batch's writes and before its commit (tests inject crashes here).
BatchHook = Callable[[list[ChangeEvent]], None]


def process_events(
    engine: Engine,
    cache: SetupCache | None = None,
    *,
    limit: int = 500,
    now: Callable[[], dt.datetime] = utcnow,
    before_commit: BatchHook | None = None,
    stop: threading.Event | None = None,
) -> ProcessReport:
    """Process every event after the monitor's offset, one transaction per batch."""
    cache = cache or SetupCache()
    report = ProcessReport()
    while stop is None or not stop.is_set():
        with repo.write_transaction(engine) as conn:
            after = consumer_offset(conn, CONSUMER)
            batch = read_events(conn, after, limit)
            if not batch:
                report.last_seq = after
                break
            process_batch(conn, batch, cache, now=now(), report=report)
            if before_commit is not None:
                before_commit(batch)
            commit_offset(conn, CONSUMER, batch[-1].seq, now=now())
        report.events += len(batch)
        report.batches += 1
        report.last_seq = batch[-1].seq
    return report


def recheck_exceptions(engine: Engine, cache: SetupCache | None = None) -> Changes:
    """Reopen excepted findings whose exception expired or was removed (exceptions expire
    with time, not with an event), and except open ones a new exception covers."""
    cache = cache or SetupCache()
    total = Changes()
    now = utcnow()
    with repo.write_transaction(engine) as conn:
        excepted = repo.query_findings(conn, status=EXCEPTED)
        artifact_ids = {a.id for a, _ in excepted}
        for artifact, _ in repo.query_findings(conn, status=OPEN):
            if cache.setup(artifact).policy.exceptions:
                artifact_ids.add(artifact.id)
        if not artifact_ids:
            return total
        artifacts = repo.artifacts_by_id(conn, artifact_ids)
        stored = repo.findings_of(conn, artifact_ids, statuses=(OPEN, EXCEPTED))
        for artifact_id, records in stored.items():
            artifact = artifacts[artifact_id]
            setup = cache.setup(artifact)
            present = present_by_key([r.component for r in records])
            changes = reconcile_findings(
                conn,
                artifact,
                setup,
                [r.as_finding() for r in records],
                records,
                Scope(keys=None, present=present),
                origin="reevaluate",
                now=now,
            )
            total.add(changes)
            enqueue(conn, artifact, changes, actor=ACTOR, now=now)
    return total


@dataclass(slots=True)
class ReevaluateReport:
    artifacts: int = 0
    components: int = 0
    distinct: int = 0
    changes: Changes = field(default_factory=Changes)
    seconds: float = 0.0


def reevaluate_all(engine: Engine, cache: SetupCache | None = None) -> ReevaluateReport:
    """Match every current component of every artifact again (one transaction): the safety
    net after an advisory import that wrote no events, or a policy change."""
    started = time.perf_counter()
    cache = cache or SetupCache()
    report = ReevaluateReport()
    now = utcnow()
    with repo.write_transaction(engine) as conn:
        entries, infos = advisory_repo.load_index_rows(conn)
        matcher = Matcher(AdvisoryIndex.build(entries, infos))
        by_artifact: dict[int, list[Component]] = {}
        for artifact_id, component in repo.iter_current_components(conn):
            by_artifact.setdefault(artifact_id, []).append(component)
        artifacts = repo.artifacts_by_id(conn, by_artifact.keys())
        stored = repo.findings_of(conn, artifacts.keys())
        results: dict[tuple[str, str, str], tuple[Finding, ...]] = {}
        for artifact_id, components in by_artifact.items():
            report.components += len(components)
            matched: list[Finding] = []
            for component in components:
                found = results.get(component.key)
                if found is None:
                    found = results[component.key] = matcher.match(component).findings
                    matched.extend(found)
                elif found:
                    matched.extend(dataclasses.replace(f, component=component) for f in found)
            artifact = artifacts[artifact_id]
            changes = reconcile_findings(
                conn,
                artifact,
                cache.setup(artifact),
                matched,
                stored.get(artifact_id, []),
                Scope(keys=None, present=present_by_key(components)),
                origin="reevaluate",
                now=now,
            )
            report.changes.add(changes)
            enqueue(conn, artifact, changes, actor=ACTOR, now=now)
        report.artifacts = len(by_artifact)
        report.distinct = len(results)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(slots=True)
class CycleReport:
    sync: SyncReport | None = None
    recovered: FlushReport | None = None
    events: ProcessReport = field(default_factory=ProcessReport)
    exceptions: Changes = field(default_factory=Changes)
    flush: FlushReport = field(default_factory=FlushReport)
    seconds: float = 0.0


def sync_ecosystems(conn: Connection) -> list[str]:
    """The OSV ecosystems followed by default: the inventory's, plus those already stored or
    synced (``runink db sync`` and ``watch`` without ``--ecosystem``)."""
    from runink.feeds.osv import present_ecosystems

    return sorted({*repo.inventory_ecosystems(conn), *present_ecosystems(conn)})


def run_cycle(
    engine: Engine,
    *,
    sync: bool = True,
    stop: threading.Event | None = None,
    sync_fn: Callable[..., SyncReport] = run_sync,
) -> CycleReport:
    """One watch step: recover, sync, process events, act. Each step checks ``stop`` first."""
    started = time.perf_counter()
    report = CycleReport()
    cache = SetupCache()

    def stopping() -> bool:
        return stop is not None and stop.is_set()

    report.recovered = flush_outbox(engine, cache)  # work a crash left behind
    if sync and not stopping():
        report.sync = sync_fn(engine, default_ecosystems=sync_ecosystems)
    if not stopping():
        report.events = process_events(engine, cache, stop=stop)
    if not stopping():
        report.exceptions = recheck_exceptions(engine, cache)
    report.flush = flush_outbox(engine, cache)
    report.seconds = time.perf_counter() - started
    return report


def latency_summary(engine: Engine) -> dict[str, float | int | None]:
    """Advisory-to-alert latency of event-opened findings: alert time − advisory modified."""
    with engine.connect() as conn:
        values = sorted(repo.event_latencies(conn))
    if not values:
        return {"findings": 0, "p50_seconds": None, "p95_seconds": None}
    return {
        "findings": len(values),
        "p50_seconds": statistics.median(values),
        "p95_seconds": _percentile(values, 0.95),
    }


def _percentile(sorted_values: list[float], q: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = q * (len(sorted_values) - 1)
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def format_latency(summary: dict[str, float | int | None]) -> str:
    """One status line, e.g. ``advisory-to-alert latency: p50 4m12s, p95 9m03s (12 findings)``."""
    n = summary.get("findings") or 0
    if not n:
        return "advisory-to-alert latency: no event-opened findings yet"
    return (
        f"advisory-to-alert latency: p50 {_duration(summary['p50_seconds'])}, "
        f"p95 {_duration(summary['p95_seconds'])} ({n} event-opened findings)"
    )


def _duration(seconds: float | int | None) -> str:
    if seconds is None:
        return "-"
    s = float(seconds)
    if s < 0:
        return f"-{_duration(-s)}"
    if s < 60:
        return f"{s:.1f}s"
    minutes, sec = divmod(int(s), 60)
    if minutes < 60:
        return f"{minutes}m{sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
