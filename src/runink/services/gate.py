"""The policy decision for a scanned artifact: which triggers fire on which findings.

``load_setup`` finds the policy in force (the repository's ``runink.yaml``, ``--policy``
files, ``--fail-on`` sugar or the documented default), the artifact's identity and its owners.
``decide`` turns every finding of a ``ScanReport`` into an evaluation context, joined with KEV,
EPSS and NVD CWE data when the feeds have been synced, and evaluates the policy. Nothing here
acts: ``services.actions`` executes the decision.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.config import Settings, load_config_file, load_settings
from runink.model.finding import Finding
from runink.policy.actions import Notify, Ticket
from runink.policy.context import ArtifactFacts, EvaluationContext, context_from_finding
from runink.policy.defaults import effective_policy
from runink.policy.document import Policy, check_channels, find_repo_policy, load_policy
from runink.policy.evaluate import Evaluation, evaluate
from runink.services.ownership import Owners, parse_ownership, resolve_owners
from runink.services.scan import GateView, ScanReport, identity

if TYPE_CHECKING:  # the notify stack is imported only when a policy notifies
    from runink.notify.settings import NotifySettings


@dataclass(frozen=True, slots=True)
class PolicySetup:
    """The policy in force for one artifact, and who owns it."""

    policy: Policy
    artifact: ArtifactFacts
    owners: Owners
    policy_files: tuple[Path, ...]
    team_emails: tuple[str, ...] = ()  # the ownership map's addresses for the artifact's team
    notify: NotifySettings | None = None  # read with the config when the policy notifies


@dataclass(frozen=True, slots=True)
class Enrichment:
    """KEV, EPSS and CWE facts by CVE id; ``kev_known`` is False when KEV was never synced."""

    kev: dict[str, dt.date] = field(default_factory=dict)
    epss: dict[str, tuple[float, float]] = field(default_factory=dict)
    cwe: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kev_known: bool = False


@dataclass(frozen=True, slots=True)
class GateDecision:
    """The evaluation of a scan, with the per-finding view the renderers need."""

    evaluation: Evaluation
    setup: PolicySetup
    findings: tuple[Finding, ...]  # aligned with evaluation.outcomes

    @property
    def blocked(self) -> bool:
        return self.evaluation.blocked

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.evaluation.block_reasons

    def blocking(self) -> list[Finding]:
        return [f for f, o in zip(self.findings, self.evaluation.outcomes, strict=True) if o.blocks]

    def view(self) -> GateView:
        """What the renderers show: blocking findings, suppressions, expiries, triggers."""
        pairs = list(zip(self.findings, self.evaluation.outcomes, strict=True))
        builtin = tuple(
            "default policy (--fail-on high)" if t.name == "default" else t.name
            for t in self.setup.policy.triggers
            if t.location.path.startswith("<")
        )
        sources = tuple(str(p) for p in self.setup.policy_files) + builtin
        return GateView(
            blocked=self.blocked,
            reasons=self.reasons,
            blocking=frozenset(identity(f) for f, o in pairs if o.blocks),
            suppressed={
                identity(f): o.suppressed_by.name for f, o in pairs if o.suppressed_by is not None
            },
            expired={identity(f): tuple(e.name for e in o.expired) for f, o in pairs if o.expired},
            fired={
                identity(f): tuple(x.trigger.name for x in o.fired) for f, o in pairs if o.fired
            },
            unused_exceptions=tuple(e.name for e in self.evaluation.unused_exceptions),
            policy_sources=sources or ("no triggers (--fail-on never)",),
        )


def load_setup(
    root: Path,
    *,
    policy_files: Sequence[Path] = (),
    fail_on: str | None = None,
    sbom_metadata: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> PolicySetup:
    """The policy for the artifact at ``root``. Policy errors raise ``PolicyError`` (exit 2)."""
    settings = settings or load_settings()
    files = list(policy_files)
    repo_policy = find_repo_policy(root)
    if repo_policy is not None and all(repo_policy.resolve() != p.resolve() for p in files):
        files.insert(0, repo_policy)
    loaded = load_policy(files) if files else None
    policy = effective_policy(loaded, fail_on)
    config = load_config_file(settings)
    notify = None
    if any(
        isinstance(a, Notify | Ticket) for t in policy.triggers for a in t.actions
    ):  # channel names must exist in the server config: a typo is an error, not a lost alert
        from runink.notify.settings import parse_notify_settings
        from runink.policy.source import raise_problems

        notify = parse_notify_settings(config, source=str(settings.config_path), environ=os.environ)
        raise_problems(check_channels(policy, notify.channel_names))
    artifact = policy.artifact or ArtifactFacts()
    base = root if root.is_dir() else root.parent
    if artifact.name is None:
        artifact = replace(artifact, name=base.resolve().name or "artifact")
    if artifact.kind is None:
        artifact = replace(artifact, kind="repo")
    rules = parse_ownership(config, str(settings.config_path))
    owners = resolve_owners(
        artifact_name=artifact.name or "",
        artifact_path=None,
        owners=artifact.owners,
        maintainer_email=artifact.maintainer_email,
        team=artifact.team,
        team_label=artifact.team_label,
        rules=rules,
        sbom_metadata=sbom_metadata,
    )
    if artifact.team is None and owners.team is not None:
        artifact = replace(artifact, team=owners.team)
    team_emails = tuple(
        dict.fromkeys(e for r in rules if owners.team and r.team == owners.team for e in r.emails)
    )
    return PolicySetup(policy, artifact, owners, tuple(files), team_emails, notify)


def load_enrichment(engine: Engine, findings: Sequence[Finding]) -> Enrichment:
    """KEV/EPSS/CWE for the findings' CVE ids, from the synced feeds (empty when never synced)."""
    from runink.feeds.enrichment import epss_for, kev_entries_for, nvd_metrics_for
    from runink.store.tables import kev_entries

    cves = {a for f in findings for a in f.aliases if a.startswith("CVE-")}
    with engine.connect() as conn:
        kev_known = conn.execute(sa.select(kev_entries.c.cve_id).limit(1)).first() is not None
        if not cves:
            return Enrichment(kev_known=kev_known)
        kev = {k: v.date_added for k, v in kev_entries_for(conn, cves).items()}
        epss = {k: (v.epss, v.percentile) for k, v in epss_for(conn, cves).items()}
        cwe = {k: v.cwes for k, v in nvd_metrics_for(conn, cves).items() if v.cwes}
    return Enrichment(kev, epss, cwe, kev_known)


def context_for(
    finding: Finding, artifact: ArtifactFacts, enrichment: Enrichment, today: dt.date
) -> EvaluationContext:
    cves = [a for a in finding.aliases if a.startswith("CVE-")]
    kev: bool | None = any(c in enrichment.kev for c in cves)
    if not kev and not enrichment.kev_known:
        kev = None  # never synced: unknown, not "not listed"
    epss_pair = max((enrichment.epss[c] for c in cves if c in enrichment.epss), default=None)
    cwe = tuple(dict.fromkeys(w for c in cves for w in enrichment.cwe.get(c, ())))
    return context_from_finding(
        finding,
        artifact,
        today=today,
        epss=epss_pair[0] if epss_pair else None,
        epss_percentile=epss_pair[1] if epss_pair else None,
        kev=kev,
        cwe=cwe,
    )


def decide(
    report: ScanReport,
    setup: PolicySetup,
    enrichment: Enrichment,
    today: dt.date | None = None,
) -> GateDecision:
    today = today or dt.datetime.now(dt.UTC).date()
    findings = tuple(report.findings)
    contexts = [context_for(f, setup.artifact, enrichment, today) for f in findings]
    return GateDecision(evaluate(setup.policy, contexts), setup, findings)


def decide_findings(
    findings: Sequence[Finding],
    setup: PolicySetup,
    enrichment: Enrichment,
    today: dt.date | None = None,
) -> GateDecision:
    """``decide`` for a list of findings of one artifact, without a scan (the monitor's
    findings of a stored artifact, re-evaluated after a change event)."""
    today = today or dt.datetime.now(dt.UTC).date()
    items = tuple(findings)
    contexts = [context_for(f, setup.artifact, enrichment, today) for f in items]
    return GateDecision(evaluate(setup.policy, contexts), setup, items)
