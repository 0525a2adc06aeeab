"""Executing a policy decision: notify, ticket, log, and the evidence of it all.

Actions are idempotent per (finding, trigger, action, target): ``action_deliveries`` holds one
row for each, and a row marked ``delivered`` is never sent again, by this run or any later one.
A failed delivery is recorded with its error and retried on the next run; it never stops the
scan. Notifications to the same target in one run go out as one message listing every finding.

Every decision lands in the evidence ledger: trigger fired (with the evaluated values),
notification sent or failed, exception used or expired, deploy blocked or allowed, and the
``log`` action's entries. Markers in ``action_deliveries`` (action ``fired``, ``exception``)
keep the once-per-finding entries from repeating on every scan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.ledger import EntryInput, Subject, kinds
from runink.model.finding import Finding
from runink.policy.actions import Log, Notify, RecipientKind, Ticket
from runink.policy.evaluate import Outcome
from runink.services.gate import Enrichment, GateDecision, PolicySetup
from runink.store.db import utcnow
from runink.store.tables import action_deliveries

if TYPE_CHECKING:  # the notify stack (httpx, TLS) is imported only when something is sent
    from runink.notify.dispatch import Target
    from runink.notify.message import AlertFacts

_FIRED = "fired"  # marker action: the trigger.fired entry was written
_EXCEPTION = "exception"  # marker action: exception.used / exception.expired was written


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One thing done (or found already done) for one finding."""

    finding: str  # "ID in purl"
    trigger: str
    action: str
    target: str
    status: str  # delivered | failed | already delivered | logged | would send (dry run)
    error: str | None = None


@dataclass(slots=True)
class ActionsReport:
    records: list[ActionRecord] = field(default_factory=list)
    entries: list[EntryInput] = field(default_factory=list)  # for the evidence ledger

    @property
    def failed(self) -> list[ActionRecord]:
        return [r for r in self.records if r.status == "failed"]


def finding_key(artifact: str, finding: Finding) -> str:
    """A finding's identity across runs: artifact × vulnerability × component."""
    text = f"{artifact}\0{finding.id}\0{finding.component.purl}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(slots=True)
class _Pending:
    key: str
    finding: Finding
    ticket: Ticket | None  # the ticket action, for its title and labels
    trigger: str
    index: int
    action: str
    target: str
    alert: AlertFacts


@dataclass(slots=True)
class _Executor:
    engine: Engine
    decision: GateDecision
    enrichment: Enrichment
    actor: str
    scan_id: str | None
    now: dt.datetime
    done: dict[tuple[str, str, int, str], tuple[str, int]] = field(default_factory=dict)
    report: ActionsReport = field(default_factory=ActionsReport)
    entries: list[EntryInput] = field(default_factory=list)
    markers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def setup(self) -> PolicySetup:
        return self.decision.setup

    @property
    def artifact_name(self) -> str:
        return self.setup.artifact.name or ""

    def subject(self, finding: Finding | None = None) -> Subject:
        return Subject(
            artifact=self.artifact_name,
            repo=self.artifact_name if self.setup.artifact.kind == "repo" else None,
            vulnerability=finding.id if finding else None,
            component=finding.component.purl if finding else None,
        )

    def load_done(self, keys: Sequence[str]) -> None:
        t = action_deliveries
        with self.engine.connect() as conn:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                rows = conn.execute(
                    sa.select(
                        t.c.finding_key,
                        t.c.trigger,
                        t.c.action_index,
                        t.c.target,
                        t.c.status,
                        t.c.attempts,
                    ).where(t.c.finding_key.in_(chunk))
                )
                for r in rows:
                    self.done[(r.finding_key, r.trigger, r.action_index, r.target)] = (
                        r.status,
                        r.attempts,
                    )

    def is_done(self, key: str, trigger: str, index: int, target: str) -> bool:
        state = self.done.get((key, trigger, index, target))
        return state is not None and state[0] == "delivered"

    def mark(
        self, key: str, finding: Finding, trigger: str, index: int, action: str, target: str
    ) -> None:
        self.done[(key, trigger, index, target)] = ("delivered", 1)
        self.markers.append(
            self.row(key, finding, trigger, index, action, target, ok=True, error=None)
        )

    def row(
        self,
        key: str,
        finding: Finding,
        trigger: str,
        index: int,
        action: str,
        target: str,
        *,
        ok: bool,
        error: str | None,
    ) -> dict[str, Any]:
        return {
            "finding_key": key,
            "trigger": trigger,
            "action_index": index,
            "action": action,
            "target": target[:512],
            "artifact": self.artifact_name[:255],
            "vulnerability": finding.id[:255],
            "purl": finding.component.purl,
            "status": "delivered" if ok else "failed",
            "last_error": error,
        }

    # -- per finding -----------------------------------------------------------------------

    def alert(self, finding: Finding, outcome: Outcome, trigger: str) -> AlertFacts:
        from runink.notify.message import AlertFacts

        facts = outcome.context.vulnerability  # KEV/EPSS as services.gate joined them
        kev_dates = [self.enrichment.kev[a] for a in finding.aliases if a in self.enrichment.kev]
        reasons = [a.policy for _, a in outcome.blocks]
        artifact = self.setup.artifact
        return AlertFacts.from_finding(
            finding,
            artifact_name=artifact.name,
            artifact_kind=artifact.kind,
            environment=artifact.environment,
            owners=self.setup.owners.emails,
            team=artifact.team,
            trigger=trigger,
            blocked_reason="; ".join(dict.fromkeys(reasons)) if reasons else None,
            kev=facts.kev,
            kev_date_added=min(kev_dates) if kev_dates else None,
            epss_score=facts.epss,
            epss_percentile=facts.epss_percentile,
        )

    def plan(self, finding: Finding, outcome: Outcome, pending: list[_Pending]) -> None:
        key = finding_key(self.artifact_name, finding)
        name = f"{finding.id} in {finding.component.purl}"
        for coverage in outcome.coverages:
            exc = coverage.exception
            marker = f"exception:{exc.name}:{'used' if coverage.suppresses else 'expired'}"
            if self.is_done(key, "", -1, marker):
                continue
            if coverage.suppresses:
                payload: dict[str, Any] = {
                    "exception": exc.name,
                    "expires": exc.expires.isoformat(),
                }
                kind = kinds.EXCEPTION_USED
            else:
                payload = {"exception": exc.name, "expired_on": exc.expires.isoformat()}
                kind = kinds.EXCEPTION_EXPIRED
            self.entries.append(
                EntryInput(
                    actor=self.actor, kind=kind, subject=self.subject(finding), payload=payload
                )
            )
            self.mark(key, finding, "", -1, _EXCEPTION, marker)
        for firing in outcome.fired:
            trigger = firing.trigger
            if not self.is_done(key, trigger.name, -1, _FIRED):
                self.entries.append(
                    EntryInput(
                        actor=f"policy:{trigger.name}",
                        kind=kinds.TRIGGER_FIRED,
                        subject=self.subject(finding),
                        payload={
                            "trigger": trigger.name,
                            "values": dict(firing.values),
                            "when": trigger.when,
                            "policy": trigger.location.path,
                            "actions": [a.name for a in trigger.actions],
                        },
                    )
                )
                self.mark(key, finding, trigger.name, -1, _FIRED, _FIRED)
            for index, action in enumerate(trigger.actions):
                if isinstance(action, Notify):
                    targets = _targets(self.setup, action)
                    if not targets:
                        self.report.records.append(
                            ActionRecord(
                                name,
                                trigger.name,
                                "notify",
                                "owner",
                                "failed",
                                "no owner e-mail is known for this artifact (set owners or "
                                "maintainer_email in runink.yaml, or the ownership map)",
                            )
                        )
                    for target in targets:
                        label = _label(target)
                        if self.is_done(key, trigger.name, index, label):
                            self.report.records.append(
                                ActionRecord(
                                    name, trigger.name, "notify", label, "already delivered"
                                )
                            )
                            continue
                        pending.append(
                            _Pending(
                                key,
                                finding,
                                None,
                                trigger.name,
                                index,
                                "notify",
                                label,
                                self.alert(finding, outcome, trigger.name),
                            )
                        )
                elif isinstance(action, Ticket):
                    label = f"ticket:{action.channel}"
                    if self.is_done(key, trigger.name, index, label):
                        self.report.records.append(
                            ActionRecord(name, trigger.name, "ticket", label, "already delivered")
                        )
                        continue
                    pending.append(
                        _Pending(
                            key,
                            finding,
                            action,
                            trigger.name,
                            index,
                            "ticket",
                            label,
                            self.alert(finding, outcome, trigger.name),
                        )
                    )
                elif isinstance(action, Log):
                    if self.is_done(key, trigger.name, index, "ledger"):
                        continue
                    self.entries.append(
                        EntryInput(
                            actor=f"policy:{trigger.name}",
                            kind=kinds.EVENT_LOGGED,
                            subject=self.subject(finding),
                            payload={"entry": action.entry, "trigger": trigger.name},
                        )
                    )
                    self.mark(key, finding, trigger.name, index, "log", "ledger")
                    self.report.records.append(
                        ActionRecord(name, trigger.name, "log", "ledger", "logged")
                    )

    # -- delivery --------------------------------------------------------------------------

    def deliver(self, pending: list[_Pending]) -> None:
        if not pending:
            return
        from runink.notify.dispatch import ChannelTarget, Dispatcher
        from runink.notify.settings import load_notify_settings
        from runink.notify.ticket import send_ticket

        settings = self.setup.notify or load_notify_settings()
        dispatcher = Dispatcher(settings)
        batches: dict[tuple[str, str], list[_Pending]] = {}
        for p in pending:
            group = p.target if p.action == "notify" else f"{p.target}\0{p.key}\0{p.trigger}"
            batches.setdefault((p.action, group), []).append(p)
        for (action, _), items in batches.items():
            target_label = items[0].target
            alerts = list({id(p.alert): p.alert for p in items}.values())
            unique_alerts = list({(a.vulnerability_id, a.purl): a for a in alerts}.values())
            if action == "notify":
                result = dispatcher.deliver(_parse_label(target_label), unique_alerts)
            else:
                channel_name = target_label.split(":", 1)[1]
                channel = settings.channel(channel_name)
                ticket = items[0].ticket
                if channel is None:
                    result = dispatcher.deliver(ChannelTarget(channel_name), unique_alerts)
                else:
                    result = send_ticket(
                        channel,
                        unique_alerts,
                        options=dispatcher.options,
                        title=ticket.title if ticket else None,
                        labels=ticket.labels if ticket else (),
                    )
            rows = []
            for p in items:
                name = f"{p.finding.id} in {p.finding.component.purl}"
                self.report.records.append(
                    ActionRecord(
                        name,
                        p.trigger,
                        p.action,
                        target_label,
                        "delivered" if result.ok else "failed",
                        result.error,
                    )
                )
                rows.append(
                    self.row(
                        p.key,
                        p.finding,
                        p.trigger,
                        p.index,
                        p.action,
                        target_label,
                        ok=result.ok,
                        error=result.error,
                    )
                )
            self._write_rows(rows)
            triggers = sorted({p.trigger for p in items})
            findings = sorted({f"{p.finding.id} in {p.finding.component.purl}" for p in items})
            if result.ok:
                payload: dict[str, Any] = {
                    "channel": result.channel or target_label,
                    "recipients": result.recipient,
                    "trigger": ", ".join(triggers),
                    "findings": findings,
                }
                kind = kinds.NOTIFICATION_SENT
            else:
                payload = {
                    "channel": result.channel or target_label,
                    "error": result.error or "failed",
                    "recipients": result.recipient,
                    "attempts": result.attempts,
                    "trigger": ", ".join(triggers),
                    "findings": findings,
                }
                kind = kinds.NOTIFICATION_FAILED
            self.entries.append(
                EntryInput(actor=self.actor, kind=kind, subject=self.subject(), payload=payload)
            )

    def _write_rows(self, rows: list[dict[str, Any]]) -> None:
        """Upsert delivery rows in one transaction (attempts counted, first attempt kept)."""
        if not rows:
            return
        t = action_deliveries
        now = self.now
        with self.engine.begin() as conn:
            for row in rows:
                where = sa.and_(
                    t.c.finding_key == row["finding_key"],
                    t.c.trigger == row["trigger"],
                    t.c.action_index == row["action_index"],
                    t.c.target == row["target"],
                )
                delivered_at = now if row["status"] == "delivered" else None
                updated = conn.execute(
                    sa.update(t)
                    .where(where)
                    .values(
                        status=row["status"],
                        last_error=row["last_error"],
                        attempts=t.c.attempts + 1,
                        last_attempt_at=now,
                        delivered_at=delivered_at,
                    )
                )
                if updated.rowcount == 0:
                    conn.execute(
                        sa.insert(t).values(
                            **row,
                            attempts=1,
                            first_attempt_at=now,
                            last_attempt_at=now,
                            delivered_at=delivered_at,
                        )
                    )


def _targets(setup: PolicySetup, action: Notify) -> list[Target]:
    """Where a ``notify`` goes: one e-mail to every address it resolves to, then each channel."""
    from runink.notify.dispatch import ChannelTarget, EmailTarget

    emails: list[str] = []
    channels: list[Target] = []
    for recipient in action.who:
        if recipient.kind is RecipientKind.ADDRESS:
            emails.append(recipient.value)
        elif recipient.kind is RecipientKind.OWNER:
            emails.extend(setup.owners.emails)
        elif recipient.kind is RecipientKind.TEAM:
            emails.extend(setup.team_emails or setup.owners.emails)
        else:
            channels.append(ChannelTarget(recipient.value))
    found: list[Target] = []
    if emails:
        found.append(EmailTarget(tuple(dict.fromkeys(emails))))
    return found + channels


def _label(target: Target) -> str:
    from runink.notify.dispatch import EmailTarget

    if isinstance(target, EmailTarget):
        return "email:" + ",".join(sorted(target.addresses))
    return f"channel:{target.name}"


def _parse_label(label: str) -> Target:
    from runink.notify.dispatch import ChannelTarget, EmailTarget

    kind, _, rest = label.partition(":")
    if kind == "email":
        return EmailTarget(tuple(rest.split(",")))
    return ChannelTarget(rest)


def execute(
    engine: Engine,
    decision: GateDecision,
    enrichment: Enrichment,
    *,
    actor: str = "runink/scan",
    scan_id: str | None = None,
    now: dt.datetime | None = None,
) -> ActionsReport:
    """Run every action of ``decision`` once per (finding, trigger, action, target). The
    decisions come back as ledger entries (``report.entries``) for the caller to append in one
    batch with the scan's own entries. Delivery failures are results, not errors."""
    executor = _Executor(
        engine=engine,
        decision=decision,
        enrichment=enrichment,
        actor=actor,
        scan_id=scan_id,
        now=now or utcnow(),
    )
    name = executor.artifact_name
    keys = [finding_key(name, f) for f in decision.findings]
    executor.load_done(keys)
    pending: list[_Pending] = []
    for finding, outcome in zip(decision.findings, decision.evaluation.outcomes, strict=True):
        executor.plan(finding, outcome, pending)
    executor._write_rows(executor.markers)
    executor.deliver(pending)
    gate_payload: dict[str, Any]
    if decision.blocked:
        blocking = decision.blocking()
        gate_payload = {
            "reason": "; ".join(decision.reasons),
            "policy": "; ".join(decision.reasons),
            "trigger": ", ".join(
                sorted({t.name for o in decision.evaluation.outcomes for t, _ in o.blocks})
            ),
            "findings": sorted({f"{f.id} in {f.component.purl}" for f in blocking}),
        }
        gate_kind = kinds.DEPLOY_BLOCKED
    else:
        used = sorted(
            {
                c.exception.name
                for o in decision.evaluation.outcomes
                for c in o.coverages
                if c.suppresses
            }
        )
        gate_payload = {"reason": "no finding triggered block_deploy"}
        if used:
            gate_payload["exceptions"] = used
        gate_kind = kinds.DEPLOY_ALLOWED
    executor.entries.append(
        EntryInput(
            actor=actor,
            kind=gate_kind,
            subject=Subject(artifact=name),
            payload=gate_payload,
        )
    )
    executor.report.entries = executor.entries
    return executor.report


def dry_run_records(decision: GateDecision) -> list[ActionRecord]:
    """What ``execute`` would do, without sending, recording or reading delivery state."""
    records: list[ActionRecord] = []
    for finding, outcome in zip(decision.findings, decision.evaluation.outcomes, strict=True):
        name = f"{finding.id} in {finding.component.purl}"
        for firing in outcome.fired:
            for action in firing.trigger.actions:
                if isinstance(action, Notify):
                    targets = [_label(t) for t in _targets(decision.setup, action)] or [
                        "(no owner known)"
                    ]
                    detail = ", ".join(targets)
                elif isinstance(action, Ticket):
                    detail = f"ticket:{action.channel}"
                elif isinstance(action, Log):
                    detail = f"ledger: {action.entry}"
                else:
                    detail = f"block deploy: {action.policy}"
                records.append(
                    ActionRecord(name, firing.trigger.name, action.name, detail, "would run")
                )
    return records


__all__ = [
    "ActionRecord",
    "ActionsReport",
    "dry_run_records",
    "execute",
    "finding_key",
]


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def input_hashes(report_root: Path, paths: Sequence[str]) -> list[dict[str, str]]:
    """``[{path, sha256}]`` for every file the scan read (the scan.started evidence)."""
    found = []
    for rel in paths:
        digest = _sha256(report_root / rel if report_root.is_dir() else report_root)
        if digest is not None:
            found.append({"path": rel, "sha256": digest})
    return found


def policy_hashes(paths: Sequence[Path]) -> list[dict[str, str]]:
    """``[{path, sha256, role: policy}]`` for the policy files in force."""
    found = []
    for path in paths:
        digest = _sha256(path)
        if digest is not None:
            found.append({"path": str(path), "sha256": digest, "role": "policy"})
    return found


def scan_started_entry(
    *,
    scan_id: str,
    artifact: str,
    kind: str | None,
    inputs: list[dict[str, str]],
    advisory_data: dict[str, Any] | None,
    command: str,
    actor: str = "runink/scan",
) -> EntryInput:
    """The scan.started entry (inputs and advisory data version)."""
    subject = Subject(artifact=artifact, repo=artifact if kind == "repo" else None)
    payload: dict[str, Any] = {"scan_id": scan_id, "inputs": inputs, "command": command}
    if advisory_data is not None:
        payload["advisory_data"] = advisory_data
    return EntryInput(actor=actor, kind=kinds.SCAN_STARTED, subject=subject, payload=payload)


def scan_finished_entry(
    *,
    scan_id: str,
    artifact: str,
    kind: str | None,
    findings: int,
    blocked: bool,
    exit_code: int,
    actor: str = "runink/scan",
) -> EntryInput:
    subject = Subject(artifact=artifact, repo=artifact if kind == "repo" else None)
    return EntryInput(
        actor=actor,
        kind=kinds.SCAN_FINISHED,
        subject=subject,
        payload={
            "scan_id": scan_id,
            "findings": findings,
            "blocked": blocked,
            "exit_code": exit_code,
        },
    )
