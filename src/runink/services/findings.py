"""The finding lifecycle of stored artifacts, and the work that follows a transition.

A finding is one (artifact, vulnerability canonical id, purl). ``reconcile`` compares what the
matcher says now with what is stored and moves each finding through its lifecycle::

    (new) ──opened──► open ──closed (fixed, component_removed, advisory_withdrawn,
                       ▲ │            advisory_narrowed, no_longer_affected)──► fixed
                       │ └──closed (excepted)──► excepted
                       └────reopened (reintroduced, exception_expired, exception_removed)──┘

Every transition becomes a ledger entry (finding.opened / finding.closed / finding.reopened).
The entries, and the artifact whose triggers must run, go into ``monitor_outbox`` in the same
transaction as the transitions; ``flush_outbox`` then runs the triggers (``services.gate`` and
``services.actions``), appends the entries and the actions' evidence to the ledger in one
batch, stamps the alert time and deletes the row. A crash between the two leaves the row for
the next run: no transition is lost, and delivery stays once per (finding, trigger, target).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import Connection, Engine

from runink.config import Settings, load_config_file, load_settings
from runink.ledger import EntryInput, Ledger, Subject, kinds
from runink.model.finding import Finding
from runink.policy.context import ArtifactFacts
from runink.policy.defaults import effective_policy
from runink.policy.document import Policy, load_policy
from runink.services.actions import ActionRecord, execute
from runink.services.gate import Enrichment, PolicySetup, decide_findings, load_enrichment
from runink.services.ownership import OwnershipRule, parse_ownership, resolve_owners
from runink.store import inventory_repo as repo
from runink.store.db import utcnow
from runink.store.inventory_repo import (
    EXCEPTED,
    FIXED,
    OPEN,
    ArtifactMeta,
    ArtifactRecord,
    FindingRecord,
    Key,
)

Origin = Literal["ingest", "event", "reevaluate"]


def facts_of(meta: ArtifactMeta) -> ArtifactFacts:
    return ArtifactFacts(
        name=meta.name,
        kind=meta.kind,
        environment=meta.environment,
        team=meta.team,
        owners=meta.owners,
        labels=dict(meta.labels),
        maintainer_email=meta.maintainer_email,
        team_label=meta.team_label,
    )


@functools.cache
def _default_policy() -> Policy:
    """The default policy, compiled once per process (it never changes)."""
    return effective_policy(None, None)


@dataclass(slots=True)
class SetupCache:
    """Policies and owner routing of stored artifacts, loaded once per run.

    The policy is the artifact's stored ``runink.yaml`` (``policy_path``) when it still
    exists, else the default policy; a policy file that no longer parses is an error naming it.
    """

    settings: Settings = field(default_factory=load_settings)
    _rules: tuple[OwnershipRule, ...] | None = None
    _policies: dict[str | None, Policy] = field(default_factory=dict)
    _setups: dict[int, PolicySetup] = field(default_factory=dict)

    def rules(self) -> tuple[OwnershipRule, ...]:
        if self._rules is None:
            config = load_config_file(self.settings)
            self._rules = parse_ownership(config, str(self.settings.config_path))
        return self._rules

    def policy(self, path: str | None) -> Policy:
        key = path if path and Path(path).is_file() else None
        if key not in self._policies:
            if key is None:
                self._policies[key] = _default_policy()
            else:
                self._policies[key] = effective_policy(load_policy([Path(key)]), None)
        return self._policies[key]

    def setup(self, artifact: ArtifactRecord) -> PolicySetup:
        cached = self._setups.get(artifact.id)
        if cached is not None:
            return cached
        meta = artifact.meta
        rules = self.rules()
        owners = resolve_owners(
            artifact_name=meta.name,
            artifact_path=Path(meta.path) if meta.path else None,
            owners=meta.owners,
            maintainer_email=meta.maintainer_email,
            team=meta.team,
            team_label=meta.team_label,
            rules=rules,
        )
        facts = facts_of(meta)
        if facts.team is None and owners.team is not None:
            facts = ArtifactFacts(
                name=facts.name,
                kind=facts.kind,
                environment=facts.environment,
                team=owners.team,
                owners=facts.owners,
                labels=dict(facts.labels),
                maintainer_email=facts.maintainer_email,
                team_label=facts.team_label,
            )
        team_emails = tuple(
            dict.fromkeys(
                e for r in rules if owners.team and r.team == owners.team for e in r.emails
            )
        )
        files = (Path(meta.policy_path),) if meta.policy_path else ()
        setup = PolicySetup(self.policy(meta.policy_path), facts, owners, files, team_emails)
        self._setups[artifact.id] = setup
        return setup


@dataclass(frozen=True, slots=True)
class Scope:
    """Which stored findings a reconciliation is about, and what is present now.

    ``keys`` None: every finding of the artifact (ingest, full re-evaluation); otherwise only
    those of components named by the keys (a change event). ``present`` maps each key in scope
    to the purls of the artifact's current components of that package.
    """

    keys: frozenset[Key] | None
    present: Mapping[Key, Collection[str]]
    withdrawn: frozenset[str] = frozenset()
    event_seq: Mapping[Key, int] = field(default_factory=dict)


@dataclass(slots=True)
class Changes:
    """The transitions of one reconciliation."""

    opened: int = 0
    reopened: int = 0
    closed: int = 0
    excepted: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)  # ledger entry inputs
    alert: list[tuple[str, str]] = field(default_factory=list)  # (vulnerability, purl)

    @property
    def any(self) -> bool:
        return bool(self.entries)

    def add(self, other: Changes) -> None:
        self.opened += other.opened
        self.reopened += other.reopened
        self.closed += other.closed
        self.excepted += other.excepted


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _entry(
    artifact: ArtifactMeta, kind: str, vulnerability: str, purl: str, payload: dict[str, Any]
) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject": {
            "artifact": artifact.name,
            "repo": artifact.name if artifact.kind == "repo" else None,
            "vulnerability": vulnerability,
            "component": purl,
        },
        "payload": {k: v for k, v in payload.items() if v is not None},
    }


def entry_input(item: Mapping[str, Any], actor: str) -> EntryInput:
    subject = item["subject"]
    return EntryInput(
        actor=actor,
        kind=item["kind"],
        subject=Subject(
            artifact=subject.get("artifact"),
            repo=subject.get("repo"),
            vulnerability=subject.get("vulnerability"),
            component=subject.get("component"),
        ),
        payload=item["payload"],
    )


def _exceptions_for(
    setup: PolicySetup, matched: Sequence[Finding], today: dt.date
) -> list[tuple[str | None, bool]]:
    """Per finding: the name of the active exception covering it (or None), and whether an
    expired exception covers it."""
    if not setup.policy.exceptions:
        return [(None, False)] * len(matched)
    decision = decide_findings(matched, setup, Enrichment(), today)
    out: list[tuple[str | None, bool]] = []
    for outcome in decision.evaluation.outcomes:
        by = outcome.suppressed_by
        out.append((by.name if by is not None else None, bool(outcome.expired)))
    return out


def reconcile(
    conn: Connection,
    artifact: ArtifactRecord,
    setup: PolicySetup,
    matched: Sequence[Finding],
    stored: Sequence[FindingRecord],
    scope: Scope,
    *,
    origin: Origin,
    now: dt.datetime,
) -> Changes:
    """Bring the stored findings of ``artifact`` in ``scope`` in line with ``matched``."""
    changes = Changes()
    meta = artifact.meta
    unique: dict[tuple[str, str], Finding] = {}
    for finding in matched:
        unique.setdefault((finding.id, repo.purl_of(finding.component)), finding)
    current = list(unique.values())
    coverage = _exceptions_for(setup, current, now.date())
    by_identity = {(r.vulnerability, r.purl): r for r in stored}
    new_rows: list[dict[str, Any]] = []
    for finding, (exception, expired) in zip(current, coverage, strict=True):
        identity = (finding.id[:255], repo.purl_of(finding.component))
        record = by_identity.pop(identity, None)
        status = EXCEPTED if exception else OPEN
        facts = repo.finding_values(finding)
        payload_common = {
            "advisories": list(finding.advisories),
            "aliases": list(finding.aliases),
            "severity": finding.severity,
            "score": finding.score,
            "fixed_version": finding.fixed,
            "origin": origin,
        }
        if record is None:
            key = (facts["ecosystem_base"], facts["name"])
            row = {
                "artifact_id": artifact.id,
                **facts,
                "status": status,
                "reason": "excepted" if exception else "first_seen",
                "exception": exception,
                "opened_at": now,
                "fixed_at": None,
                "excepted_at": now if exception else None,
                "reopened": 0,
                "updated_at": now,
                "opened_by": origin,
                "event_seq": scope.event_seq.get(key) if origin == "event" else None,
                "advisory_published": _parse_time(finding.published),
                "advisory_modified": _parse_time(finding.modified),
                "alerted_at": None,
            }
            new_rows.append(row)
            changes.opened += 1
            changes.entries.append(
                _entry(
                    meta,
                    kinds.FINDING_OPENED,
                    identity[0],
                    identity[1],
                    {**payload_common, "status": status, "exception": exception},
                )
            )
            if exception:
                changes.excepted += 1
            else:
                changes.alert.append(identity)
            continue
        if record.status == OPEN and exception:
            repo.update_finding(
                conn,
                record.id,
                {**facts, "status": EXCEPTED, "reason": "excepted", "exception": exception,
                 "excepted_at": now, "updated_at": now},
            )  # fmt: skip
            changes.excepted += 1
            changes.entries.append(
                _entry(
                    meta,
                    kinds.FINDING_CLOSED,
                    identity[0],
                    identity[1],
                    {"reason": "excepted", "exception": exception, "origin": origin},
                )
            )
        elif record.status == EXCEPTED and not exception:
            reason = "exception_expired" if expired else "exception_removed"
            _reopen(conn, record, facts, reason, now, changes, meta, origin)
            changes.alert.append(identity)
        elif record.status == FIXED:
            values = {**facts, "exception": exception}
            if exception:
                values["excepted_at"] = now
            _reopen(conn, record, values, "reintroduced", now, changes, meta, origin, status)
            if not exception:
                changes.alert.append(identity)
        elif _facts_changed(record, facts):
            repo.update_finding(conn, record.id, {**facts, "updated_at": now})
    for record in by_identity.values():
        if record.status == FIXED:
            continue
        if scope.keys is not None and record.key not in scope.keys:
            continue
        reason = _close_reason(record, scope, origin)
        repo.update_finding(
            conn,
            record.id,
            {"status": FIXED, "reason": reason, "fixed_at": now, "updated_at": now,
             "exception": None},
        )  # fmt: skip
        changes.closed += 1
        changes.entries.append(
            _entry(
                meta,
                kinds.FINDING_CLOSED,
                record.vulnerability,
                record.purl,
                {"reason": reason, "origin": origin, "was": record.status},
            )
        )
    repo.insert_findings(conn, new_rows)
    return changes


def _reopen(
    conn: Connection,
    record: FindingRecord,
    values: Mapping[str, Any],
    reason: str,
    now: dt.datetime,
    changes: Changes,
    meta: ArtifactMeta,
    origin: Origin,
    status: str = OPEN,
) -> None:
    repo.update_finding(
        conn,
        record.id,
        {
            **values,
            "status": status,
            "reason": reason,
            "fixed_at": None,
            "reopened": record.reopened + 1,
            "updated_at": now,
        },
    )
    changes.reopened += 1
    changes.entries.append(
        _entry(
            meta,
            kinds.FINDING_REOPENED,
            record.vulnerability,
            record.purl,
            {"reason": reason, "origin": origin, "status": status, "was": record.status},
        )
    )


def _facts_changed(record: FindingRecord, facts: Mapping[str, Any]) -> bool:
    return bool(
        record.score != facts["score"]
        or record.severity != facts["severity"]
        or record.fixed_version != facts["fixed_version"]
        or record.aliases_json != facts["aliases"]
    )


def _close_reason(record: FindingRecord, scope: Scope, origin: Origin) -> str:
    present = scope.present.get(record.key, ())
    if record.purl not in present:
        return "fixed" if present else "component_removed"
    if scope.withdrawn and any(a in scope.withdrawn for a in record.advisories):
        return "advisory_withdrawn"
    return "advisory_narrowed" if origin == "event" else "no_longer_affected"


def enqueue(
    conn: Connection,
    artifact: ArtifactRecord,
    changes: Changes,
    *,
    actor: str,
    now: dt.datetime,
    force: bool = False,
) -> None:
    """Write the outbox row for these transitions (in the caller's transaction)."""
    if not changes.any and not force:
        return
    ids = repo.finding_ids(conn, artifact.id, changes.alert)
    repo.add_outbox(
        conn,
        artifact.id,
        actor=actor,
        entries=changes.entries,
        finding_ids=sorted(ids.values()),
        now=now,
    )


@dataclass(slots=True)
class FlushReport:
    artifacts: int = 0
    entries: int = 0
    records: list[ActionRecord] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # artifacts whose gate now denies


def flush_outbox(
    engine: Engine,
    cache: SetupCache | None = None,
    *,
    act: bool = True,
    now: dt.datetime | None = None,
) -> FlushReport:
    """Run the triggers of every artifact in the outbox and record the evidence.

    Per artifact: its open and excepted findings are evaluated with its policy and the
    actions executed (idempotent per finding, trigger, action and target); the outbox's
    ledger entries and the actions' evidence are appended as one batch; then the rows are
    deleted and the alerted findings stamped. ``act=False`` only appends the entries.
    """
    cache = cache or SetupCache()
    report = FlushReport()
    while True:
        with engine.connect() as conn:
            rows = repo.pending_outbox(conn, limit=200)
            if not rows:
                return report
            artifacts = repo.artifacts_by_id(conn, {r.artifact_id for r in rows})
            stored = repo.findings_of(conn, artifacts.keys(), statuses=(OPEN, EXCEPTED))
        grouped: dict[int, list[repo.OutboxRow]] = {}
        for row in rows:
            grouped.setdefault(row.artifact_id, []).append(row)
        for artifact_id, items in grouped.items():
            artifact = artifacts.get(artifact_id)
            entries = [entry_input(e, items[0].actor) for r in items for e in r.entries]
            if artifact is not None and act:
                setup = cache.setup(artifact)
                found = [r.as_finding() for r in stored.get(artifact_id, [])]
                enrichment = load_enrichment(engine, found)
                decision = decide_findings(found, setup, enrichment)
                actions = execute(engine, decision, enrichment, actor=items[0].actor)
                report.records.extend(actions.records)
                entries.extend(actions.entries)
                if decision.blocked:
                    report.blocked.append(artifact.name)
            if entries:
                Ledger(engine).append(entries)
            stamp = now or utcnow()
            with repo.write_transaction(engine) as conn:
                repo.stamp_alerted(conn, [i for r in items for i in r.finding_ids], stamp)
                for r in items:
                    repo.delete_outbox(conn, r.id)
            report.artifacts += 1
            report.entries += len(entries)
