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
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from runink.services.gate import PolicySetup
from runink.services.inventory import present_by_key
from runink.services.lease import Lease
from runink.store import advisory_repo
from runink.store import inventory_repo as repo
from runink.store.db import utcnow
from runink.store.inventory_repo import EXCEPTED, FIXED, OPEN, ArtifactRecord, Key

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
    changed: set[str] = set()
    cves: set[str] = set()
    for event in batch:
        if event.kind in _ADVISORY_KINDS:
            changed.add(event.subject)
            for key in event_keys(event):
                keys.add(key)
                event_seq[key] = event.seq
            if event.kind == EventKind.ADVISORY_WITHDRAWN:
                withdrawn.add(event.subject)
        elif event.kind in _CVE_KINDS:
            cves.add(event.subject)
    touched: set[int] = set()
    if keys:
        _process_advisories(conn, keys, changed, withdrawn, event_seq, cache, now, report, touched)
    if cves:
        # KEV/EPSS facts feed the triggers: run them again where such a CVE is open.
        rows = repo.query_findings(conn, vulnerabilities=cves, status=OPEN)
        for artifact, _ in rows:
            if artifact.id not in touched:
                enqueue(conn, artifact, Changes(), actor=ACTOR, now=now, force=True)
                touched.add(artifact.id)
    report.artifacts += len(touched)


def _process_advisories(
    conn: Connection,
    keys: set[Key],
    changed: set[str],
    withdrawn: set[str],
    event_seq: dict[Key, int],
    cache: SetupCache,
    now: dt.datetime,
    report: ProcessReport,
    touched: set[int],
) -> None:
    """Re-match the current components named by ``keys`` and reconcile the findings the
    changed advisories can affect.

    Those are the finding identities (canonical ids) of ``_identities``: a finding outside
    them is the same before and after these events, so neither side of it is loaded. Both
    sides are narrowed to the same identities, so the transitions are those a reconciliation
    of every finding of the packages would make for these events. Each distinct (ecosystem,
    name, version) is matched once for the whole batch.
    """
    component_rows = repo.component_rows_for_keys(conn, keys)
    if not component_rows:
        return
    report.components += len(component_rows)
    by_artifact: dict[int, list[repo.ComponentRow]] = {}
    for row in component_rows:
        by_artifact.setdefault(row[1], []).append(row)
    # Each distinct (ecosystem, name, version) is matched once. The matcher reads only those
    # (and the purl it reports): the findings are given each artifact's own component below.
    to_match: dict[tuple[str, str, str], Component] = {}
    for _, _, eco, name, version, purl, _ in component_rows:
        if (eco, name, version) not in to_match:
            to_match[(eco, name, version)] = Component(eco, name, version, purl_override=purl)
    rows = repo.FindingRows(conn, keys)
    cited_before = repo.findings_citing(conn, keys, changed, rows)
    package_rows = advisory_repo.load_package_rows(conn, keys)
    # Match against the advisories linked to the changed ones (``_connected``), widened until
    # it holds every identity compared: then the findings compared are exactly those a match
    # against every advisory of the packages gives. Only those advisories are parsed and
    # loaded in full.
    seeds = set(changed).union(cited_before, *cited_before.values())
    while True:
        nodes = _connected(package_rows.aliases, seeds)
        matcher = Matcher(AdvisoryIndex.build(*package_rows.index_rows(conn, nodes)))
        results: dict[tuple[str, str, str], tuple[Finding, ...]] = {
            key: matcher.match(component).findings for key, component in to_match.items()
        }
        vulnerabilities = _identities(conn, keys, changed, cited_before, results.values(), rows)
        missing = vulnerabilities - nodes
        if not missing:
            break
        if any(len(v) >= 255 for v in missing):  # a truncated id: use every advisory
            seeds = set(package_rows.aliases)
        seeds |= missing
    if not vulnerabilities:
        return
    # Compare as plain tuples first: only an artifact where a finding would open, reopen,
    # close or change, or whose policy has exceptions, is reconciled from full records. What
    # a component is expected to hold depends on its (ecosystem, name, version, purl) only:
    # worked out once per distinct one, so each of the ~1,400 rows of a popular package costs
    # a dictionary lookup.
    expected_of: dict[tuple[str, str, str, str], dict[tuple[str, str], _Expected]] = {}

    def expected_for(row: repo.ComponentRow) -> dict[tuple[str, str], _Expected]:
        key = (row[2], row[3], row[4], row[5])
        found = expected_of.get(key)
        if found is None:
            found = expected_of[key] = {}
            purl = repo.purl_of_parts(row[2], row[3], row[4], row[5])
            for finding in results[key[:3]]:
                vulnerability = finding.id[:255]
                if vulnerability in vulnerabilities:
                    found.setdefault((vulnerability, purl), _expected(finding))
        return found

    light = repo.light_findings_by_vulnerability(rows, keys, vulnerabilities, by_artifact.keys())
    with_exceptions: dict[str | None, bool] = {}  # policy path → has exceptions (one look each)
    involved = []
    for artifact_id, items in sorted(by_artifact.items()):
        if len(items) == 1:
            expected = expected_for(items[0])
        else:
            expected = {}
            for row in items:
                for identity, facts in expected_for(row).items():
                    expected.setdefault(identity, facts)
        stored_light = light.get(artifact_id)
        if not expected and stored_light is None:
            continue  # neither matched nor stored: nothing to reconcile
        policy_path = items[0][6]
        excepts = with_exceptions.get(policy_path)
        if excepts is None:
            excepts = with_exceptions[policy_path] = bool(cache.policy(policy_path).exceptions)
        # Equal dictionaries are the common case and need no walk (``_unchanged`` also
        # accepts stored findings that are fixed and no longer expected).
        if excepts or (stored_light != expected and not _unchanged(expected, stored_light or {})):
            involved.append(artifact_id)
    if not involved:
        return
    stored = repo.findings_by_vulnerability(conn, keys, vulnerabilities, involved)
    artifacts = repo.artifacts_by_id(conn, involved)
    full = repo.components_by_id(conn, [row[0] for a in involved for row in by_artifact[a]])
    frozen_keys = frozenset(keys)
    frozen_withdrawn = frozenset(withdrawn)
    for artifact_id in involved:
        artifact = artifacts[artifact_id]
        components = [full[row[0]] for row in by_artifact[artifact_id]]
        matched: list[Finding] = []
        for component in components:
            for finding in results[component.key]:
                if finding.id[:255] in vulnerabilities:
                    matched.append(
                        finding
                        if finding.component == component
                        else dataclasses.replace(finding, component=component)
                    )
        scope = Scope(
            keys=frozen_keys,
            present=present_by_key(components),
            withdrawn=frozen_withdrawn,
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


def _connected(aliases: Mapping[str, Sequence[str]], seeds: set[str]) -> set[str]:
    """Every id and alias linked to ``seeds`` through shared ids and aliases (as the matcher
    merges advisories), the seeds included; ``aliases`` maps each advisory id of the packages
    to its aliases.

    A finding merges only advisories so linked, and its canonical id is one of their ids or
    aliases. So every finding that holds one of these advisories, or whose id is one of these
    names, is the same whether the other advisories of the packages are in the index or not:
    matching against these alone skips the hundreds of unrelated advisories a popular package
    can have.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for advisory_id, names in aliases.items():
        root = find(advisory_id)
        for alias in names:
            other = find(alias)
            if other != root:
                parent[other] = root
    roots = {find(s) for s in seeds}
    return {x for x in list(parent) if find(x) in roots}


def _identities(
    conn: Connection,
    keys: set[Key],
    changed: set[str],
    cited_before: dict[str, set[str]],
    results: Iterable[tuple[Finding, ...]],
    rows: repo.FindingRows,
) -> set[str]:
    """The canonical ids of the findings of packages ``keys`` that changed advisories can
    affect.

    Findings are groups of advisories merged through shared aliases. The groups a changed
    advisory X belonged to before (``cited_before``: the stored findings citing X) and
    belongs to now (the new matches citing X) hold every advisory whose group can differ: a
    group that never held X keeps the same members, as only X's data changed. So the
    identities are those of the stored findings and of the new matches citing any advisory of
    those groups (X included); every other finding is left as stored.
    """
    matches = [f for found in results for f in found]
    involved = set(changed)
    for cited in cited_before.values():
        involved |= cited
    for finding in matches:
        if changed.intersection(finding.advisories):
            involved.update(finding.advisories)
    if involved == changed:  # no merged group: the stored findings citing X are all
        identities = set(cited_before)
    else:
        identities = set(repo.findings_citing(conn, keys, involved, rows))
    for finding in matches:
        if involved.intersection(finding.advisories):
            identities.add(finding.id[:255])
    return identities


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
        artifact_ids = repo.artifact_ids_with_status(conn, EXCEPTED)
        with_open = repo.artifact_ids_with_status(conn, OPEN) - artifact_ids
        for artifact in repo.artifacts_by_id(conn, with_open).values():
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


#: The outcome a reconciliation leaves alone: (status, score, severity, fixed, aliases JSON).
_Expected = tuple[str, float | None, str | None, str | None, str]


def reevaluate_all(
    engine: Engine,
    cache: SetupCache | None = None,
    *,
    artifact: str | None = None,
    chunk: int = 250,
    progress: Callable[[int, int], None] | None = None,
) -> ReevaluateReport:
    """Match every current component of every artifact (or of the one named) again and bring
    the findings in line: the safety net after an advisory import that wrote no events, a
    change of matching rules, or a policy change.

    Each distinct (ecosystem, name, version) is matched once. Artifacts are taken ``chunk`` at
    a time, one transaction each (transitions and outbox rows together, as elsewhere): their
    components and stored findings are read as plain tuples and compared with the matches;
    only an artifact where something differs (a finding to open, reopen, close or update, or
    a policy with exceptions) is reconciled in full, exactly as before. Re-running is
    idempotent. ``progress(done, total)`` is called after each chunk.
    """
    started = time.perf_counter()
    cache = cache or SetupCache()
    report = ReevaluateReport()
    now = utcnow()
    with engine.connect() as conn:
        ids = repo.current_artifact_ids(conn, artifact)
        if not ids:
            report.seconds = time.perf_counter() - started
            return report
        if artifact is not None:
            keys = {
                (repo.base_of(eco), name) for _, eco, name, _, _ in repo.light_components(conn, ids)
            }
            entries, infos = advisory_repo.load_index_rows(conn, keys)
        else:
            entries, infos = advisory_repo.load_index_rows(conn)
    matcher = Matcher(AdvisoryIndex.build(entries, infos))
    full: dict[tuple[str, str, str], tuple[Finding, ...]] = {}
    light: dict[tuple[str, str, str], tuple[tuple[str, _Expected], ...]] = {}

    def expected_of(
        eco: str, name: str, version: str, purl: str
    ) -> tuple[tuple[str, _Expected], ...]:
        key = (eco, name, version)
        found = light.get(key)
        if found is None:
            matches = full[key] = matcher.match(
                Component(eco, name, version, purl_override=purl)
            ).findings
            found = light[key] = tuple((f.id[:255], _expected(f)) for f in matches)
        return found

    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with repo.write_transaction(engine) as conn:
            rows = repo.light_components(conn, part)
            stored = repo.light_findings(conn, part)
            artifacts = repo.artifacts_by_id(conn, part)
            by_artifact: dict[int, list[repo.LightComponent]] = {}
            for row in rows:
                by_artifact.setdefault(row[0], []).append(row)
            for artifact_id, items in by_artifact.items():
                report.artifacts += 1
                report.components += len(items)
                expected: dict[tuple[str, str], _Expected] = {}
                for _, eco, name, version, purl in items:
                    for vulnerability, facts in expected_of(eco, name, version, purl):
                        expected.setdefault((vulnerability, purl), facts)
                record = artifacts[artifact_id]
                setup = cache.setup(record)
                if not setup.policy.exceptions and _unchanged(
                    expected, stored.get(artifact_id, {})
                ):
                    continue
                changes = _reevaluate_one(conn, record, setup, full, now)
                report.changes.add(changes)
                enqueue(conn, record, changes, actor=ACTOR, now=now)
        if progress is not None:
            progress(min(start + chunk, len(ids)), len(ids))
    report.distinct = len(light)
    report.seconds = time.perf_counter() - started
    return report


def _expected(finding: Finding) -> _Expected:
    """What a stored finding holds when a reconciliation leaves it alone."""
    return (
        OPEN,
        finding.score,
        finding.severity,
        finding.fixed,
        repo.aliases_json(finding.aliases),
    )


def _unchanged(
    expected: dict[tuple[str, str], _Expected],
    stored: dict[tuple[str, str], repo.LightFinding],
) -> bool:
    """True when a reconciliation (without exceptions) would change nothing: every match is
    stored open with the same facts, and every other stored finding is fixed."""
    for identity, facts in expected.items():
        if stored.get(identity) != facts:
            return False
    return all(row[0] == FIXED or identity in expected for identity, row in stored.items())


def _reevaluate_one(
    conn: Connection,
    artifact: ArtifactRecord,
    setup: PolicySetup,
    results: dict[tuple[str, str, str], tuple[Finding, ...]],
    now: dt.datetime,
) -> Changes:
    """Reconcile every finding of one artifact with its current components."""
    assert artifact.current_snapshot_id is not None
    components = repo.current_components(conn, artifact.current_snapshot_id)
    matched: list[Finding] = []
    for component in components:
        for finding in results[component.key]:
            matched.append(
                finding
                if finding.component == component
                else dataclasses.replace(finding, component=component)
            )
    stored = repo.findings_of(conn, [artifact.id]).get(artifact.id, [])
    return reconcile_findings(
        conn,
        artifact,
        setup,
        matched,
        stored,
        Scope(keys=None, present=present_by_key(components)),
        origin="reevaluate",
        now=now,
    )


@dataclass(slots=True)
class CycleReport:
    sync: SyncReport | None = None
    recovered: FlushReport | None = None
    events: ProcessReport = field(default_factory=ProcessReport)
    exceptions: Changes = field(default_factory=Changes)
    flush: FlushReport = field(default_factory=FlushReport)
    seconds: float = 0.0
    lease_lost: bool = False  # another watcher took the lease: the cycle stopped before a step


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
    lease: Lease | None = None,
) -> CycleReport:
    """One watch step: recover, sync, process events, act. Each step checks ``stop`` first,
    and, with a ``lease``, renews it first: a watcher that lost its lease (it stalled past the
    lease's time to live and another watcher took over) starts no further step."""
    started = time.perf_counter()
    report = CycleReport()
    cache = SetupCache()

    def stopping() -> bool:
        return stop is not None and stop.is_set()

    def may_run() -> bool:
        if lease is not None and not report.lease_lost and not lease.acquire().held:
            report.lease_lost = True
        return not report.lease_lost

    if may_run():
        report.recovered = flush_outbox(engine, cache)  # work a crash left behind
    if sync and not stopping() and may_run():
        report.sync = sync_fn(engine, default_ecosystems=sync_ecosystems)
    if not stopping() and may_run():
        report.events = process_events(engine, cache, stop=stop)
    if not stopping() and may_run():
        report.exceptions = recheck_exceptions(engine, cache)
    if may_run():
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
