"""The alert narrative: from the facts of a finding to e-mail, JSON, Slack and ticket messages.

``AlertFacts`` holds everything a person needs to act on one finding. ``narrate()`` turns it
into a ``Narrative``: a headline and sections answering, in order, *what* was found, *where*,
*why it matters*, *who owns it*, *how to fix it* and, when a deploy was blocked, *why*. Every
output format renders the same narrative, so an e-mail, a Slack post and a ticket never
disagree. Several findings for one recipient batch into one message: a summary list first,
then each finding's narrative, most urgent first (blocked deploys, then known-exploited, then
by severity and score).

The JSON shapes are versioned (``runink.alert/v1``, ``runink.ticket/v1``); their JSON Schemas
ship in ``runink/notify/schemas/`` and ``docs/notifications.md`` describes every field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from runink.model.finding import Finding
from runink.scoring.severity import Severity

__all__ = [
    "ALERT_SCHEMA",
    "TICKET_SCHEMA",
    "AlertFacts",
    "EmailContent",
    "Narrative",
    "Section",
    "alert_dict",
    "batch_key",
    "email_content",
    "narrate",
    "order_alerts",
    "slack_payload",
    "ticket_payload",
    "webhook_payload",
]

ALERT_SCHEMA = "runink.alert/v1"
TICKET_SCHEMA = "runink.ticket/v1"

SUBJECT_PREFIX = "[Runink]"
OSV_URL = "https://osv.dev/vulnerability/{id}"
#: Slack allows 50 blocks per message; leave room for the header, summary and footer.
SLACK_MAX_FINDINGS = 20
#: Slack rejects a section whose text exceeds 3000 characters.
SLACK_SECTION_LIMIT = 3000
_SUMMARY_LIMIT = 1000
_HEADLINE_SUMMARY_LIMIT = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL = re.compile(r"https?://[^\s<>\"']+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertFacts:
    """The facts of one finding, as the notification narrative needs them.

    Only the vulnerability id and the package are required; every other fact is optional and
    the narrative says what is not known rather than guessing. ``kev`` is None when KEV data is
    not loaded (False means "checked, not listed"). ``epss_score`` and ``epss_percentile`` are
    fractions in [0, 1]. ``owners`` are addresses or handles from owner routing, most
    responsible first. ``blocked_reason`` is the ``block_deploy`` policy text when this
    finding blocked a deploy. ``url`` defaults to the OSV.dev page of the vulnerability.
    """

    vulnerability_id: str
    package_name: str
    package_version: str
    ecosystem: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    score: float | None = None
    severity: str | None = None
    vector: str | None = None
    kev: bool | None = None
    kev_date_added: dt.date | None = None
    epss_score: float | None = None
    epss_percentile: float | None = None
    purl: str | None = None
    fixed_version: str | None = None
    artifact_name: str | None = None
    artifact_kind: str | None = None
    environment: str | None = None
    source_file: str | None = None
    source_line: int | None = None
    owners: tuple[str, ...] = ()
    team: str | None = None
    trigger: str | None = None
    blocked_reason: str | None = None
    url: str | None = None
    _severity: Severity | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        for name in ("vulnerability_id", "package_name", "package_version", "ecosystem"):
            if not _one_line(getattr(self, name)):
                raise ValueError(f"AlertFacts.{name} must not be empty")
        if self.score is not None and not (math.isfinite(self.score) and 0 <= self.score <= 10):
            raise ValueError(f"AlertFacts.score must be within 0-10, got {self.score!r}")
        for name in ("epss_score", "epss_percentile"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
                raise ValueError(f"AlertFacts.{name} must be a fraction within 0-1, got {value!r}")
        if self.source_line is not None and self.source_line < 1:
            raise ValueError("AlertFacts.source_line is 1-based")
        # Normalize: aliases sorted, unique, without the id itself; owners unique, order kept.
        aliases = sorted({a for a in self.aliases if a and a != self.vulnerability_id})
        object.__setattr__(self, "aliases", tuple(aliases))
        object.__setattr__(self, "owners", tuple(dict.fromkeys(o for o in self.owners if o)))
        severity: Severity | None = None
        if self.severity:
            try:
                severity = Severity.parse(self.severity)
            except ValueError:
                severity = None
        if severity is None and self.score is not None:
            severity = Severity.from_score(self.score)
        object.__setattr__(self, "_severity", severity)

    @classmethod
    def from_finding(
        cls,
        finding: Finding,
        *,
        artifact_name: str | None = None,
        artifact_kind: str | None = None,
        environment: str | None = None,
        owners: Iterable[str] = (),
        team: str | None = None,
        trigger: str | None = None,
        blocked_reason: str | None = None,
        kev: bool | None = None,
        kev_date_added: dt.date | None = None,
        epss_score: float | None = None,
        epss_percentile: float | None = None,
    ) -> AlertFacts:
        """The facts of a matcher ``Finding`` plus its artifact, routing and trigger context."""
        component = finding.component
        return cls(
            vulnerability_id=finding.id,
            aliases=finding.aliases,
            summary=finding.summary,
            score=finding.score,
            severity=finding.severity,
            vector=finding.vector,
            kev=kev,
            kev_date_added=kev_date_added,
            epss_score=epss_score,
            epss_percentile=epss_percentile,
            package_name=component.name,
            package_version=component.version,
            ecosystem=component.ecosystem,
            purl=component.purl,
            fixed_version=finding.fixed,
            artifact_name=artifact_name,
            artifact_kind=artifact_kind,
            environment=environment,
            source_file=component.source or None,
            source_line=component.line,
            owners=tuple(owners),
            team=team,
            trigger=trigger,
            blocked_reason=blocked_reason,
        )

    @property
    def severity_band(self) -> Severity | None:
        """The severity as a band: the given word if known, else the band of the score."""
        return self._severity

    @property
    def severity_label(self) -> str:
        """``CRITICAL``, ``HIGH``, …, or ``UNRATED`` when neither severity nor score is known."""
        return self._severity.value.upper() if self._severity else "UNRATED"

    @property
    def advisory_url(self) -> str:
        return self.url or OSV_URL.format(id=self.vulnerability_id)

    @property
    def location(self) -> str | None:
        """``file:line``, ``file``, or None."""
        if not self.source_file:
            return None
        return f"{self.source_file}:{self.source_line}" if self.source_line else self.source_file

    @property
    def deploy_blocked(self) -> bool:
        return self.blocked_reason is not None

    @property
    def package_label(self) -> str:
        return f"{_one_line(self.package_name)} {_one_line(self.package_version)}"

    @property
    def artifact_label(self) -> str | None:
        """``payments-api (prod)``, ``payments-api``, ``prod``, or None."""
        name = _one_line(self.artifact_name or "")
        env = _one_line(self.environment or "")
        if name and env:
            return f"{name} ({env})"
        return name or env or None

    def dedupe_key(self) -> tuple[str, ...]:
        """What identifies this finding for one trigger: vulnerability × component × artifact."""
        return (
            self.trigger or "",
            self.vulnerability_id,
            self.purl or f"{self.ecosystem}/{self.package_name}@{self.package_version}",
            self.artifact_name or "",
            self.environment or "",
            self.source_file or "",
            str(self.source_line or ""),
        )


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the narrative: a title and its lines of plain text."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Narrative:
    """A headline and the sections of one finding's story, renderable in several formats."""

    headline: str
    sections: tuple[Section, ...]

    def text(self) -> str:
        parts = [self.headline, ""]
        for section in self.sections:
            parts.append(section.title)
            parts.extend(f"  {line}" for line in section.lines)
            parts.append("")
        return "\n".join(parts).rstrip() + "\n"

    def markdown(self, *, level: int = 3) -> str:
        hashes = "#" * level
        parts = [f"**{_md_escape(self.headline)}**", ""]
        for section in self.sections:
            parts.append(f"{hashes} {section.title}")
            parts.append("")
            parts.extend(f"- {_md_escape(line)}" for line in section.lines)
            parts.append("")
        return "\n".join(parts).rstrip() + "\n"

    def html(self) -> str:
        parts = [f'<h2 style="{_H2}">{html.escape(self.headline)}</h2>']
        for section in self.sections:
            parts.append(f'<h3 style="{_H3}">{html.escape(section.title)}</h3>')
            items = "".join(f"<li>{_html_line(line)}</li>" for line in section.lines)
            parts.append(f'<ul style="{_UL}">{items}</ul>')
        return "\n".join(parts)

    def slack(self) -> str:
        """Slack ``mrkdwn``: bold section titles, lines escaped as Slack requires."""
        parts = [f"*{_slack_escape(self.headline)}*"]
        for section in self.sections:
            body = "\n".join(f"• {_slack_escape(line)}" for line in section.lines)
            parts.append(f"*{_slack_escape(section.title)}*\n{body}")
        return "\n".join(parts)


def narrate(facts: AlertFacts) -> Narrative:
    """The story of one finding."""
    return Narrative(
        headline=_headline(facts),
        sections=tuple(
            s
            for s in (
                _what(facts),
                _where(facts),
                _why(facts),
                _who(facts),
                _fix(facts),
                _blocked(facts),
            )
            if s is not None
        ),
    )


def order_alerts(alerts: Iterable[AlertFacts]) -> list[AlertFacts]:
    """Most urgent first: blocked deploys, known-exploited, severity, score; then by id/package."""
    return sorted(alerts, key=_urgency)


@dataclass(frozen=True, slots=True)
class EmailContent:
    """An e-mail's subject, plain-text body and HTML alternative."""

    subject: str
    text: str
    html: str


def email_content(alerts: Sequence[AlertFacts]) -> EmailContent:
    """One e-mail for one or several findings."""
    ordered = _require(alerts)
    narratives = [narrate(a) for a in ordered]
    # ASCII separators: Python's header folding adds a stray space around encoded words.
    headline = _batch_headline(ordered).replace(" — ", " - ")
    subject = _truncate(f"{SUBJECT_PREFIX} {headline}", 200)
    text = _batch_text(ordered, narratives) + _SIGNATURE
    if len(ordered) == 1:
        body_html = narratives[0].html()
    else:
        rows = "".join(f"<li>{html.escape(_summary_line(a))}</li>" for a in ordered)
        body_html = "\n".join(
            [
                f"<p>{html.escape(_batch_intro(ordered))}</p>",
                f'<h3 style="{_H3}">Summary</h3>',
                f'<ol style="{_UL}">{rows}</ol>',
                *(f'<hr style="{_HR}">\n{n.html()}' for n in narratives),
            ]
        )
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n"
        f'<body style="{_BODY}">\n{body_html}\n'
        f'<p style="{_FOOT}">{html.escape(_FOOTER_TEXT.strip())}</p>\n</body></html>\n'
    )
    return EmailContent(subject=subject, text=text, html=page)


def _batch_text(ordered: Sequence[AlertFacts], narratives: Sequence[Narrative]) -> str:
    """The plain-text message: one narrative, or a summary followed by each narrative."""
    if len(ordered) == 1:
        return narratives[0].text()
    lines = [_batch_intro(ordered), "", "Summary"]
    lines.extend(f"  {i}. {_summary_line(a)}" for i, a in enumerate(ordered, 1))
    for i, narrative in enumerate(narratives, 1):
        lines.extend(["", f"——— {i} of {len(ordered)} ———", "", narrative.text().rstrip()])
    return "\n".join(lines) + "\n"


def alert_dict(facts: AlertFacts, narrative: Narrative | None = None) -> dict[str, Any]:
    """One finding as the ``alerts[]`` item of the JSON payloads (see the JSON Schemas)."""
    narrative = narrative or narrate(facts)
    band = facts.severity_band
    return {
        "vulnerability": {
            "id": facts.vulnerability_id,
            "aliases": list(facts.aliases),
            "summary": _clean(facts.summary) or None,
            "score": facts.score,
            "severity": band.value if band else None,
            "vector": facts.vector,
            "kev": facts.kev,
            "kev_date_added": facts.kev_date_added.isoformat() if facts.kev_date_added else None,
            "epss": facts.epss_score,
            "epss_percentile": facts.epss_percentile,
            "url": facts.advisory_url,
        },
        "package": {
            "name": facts.package_name,
            "version": facts.package_version,
            "ecosystem": facts.ecosystem,
            "purl": facts.purl,
            "fixed_version": facts.fixed_version,
        },
        "artifact": {
            "name": facts.artifact_name,
            "kind": facts.artifact_kind,
            "environment": facts.environment,
        },
        "source": {"file": facts.source_file, "line": facts.source_line},
        "owners": list(facts.owners),
        "team": facts.team,
        "trigger": facts.trigger,
        "deploy_blocked": facts.deploy_blocked,
        "blocked_reason": facts.blocked_reason,
        "headline": narrative.headline,
        "text": narrative.text(),
    }


def batch_key(alerts: Sequence[AlertFacts], *, channel: str = "") -> str:
    """A stable id for this batch on this channel: the same findings give the same key.

    Sent as ``Idempotency-Key`` and the payload's ``id`` so a receiver can drop a duplicate
    that a retry after a lost response would otherwise create.
    """
    keys = sorted(a.dedupe_key() for a in alerts)
    blob = json.dumps([channel, keys], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def webhook_payload(
    alerts: Sequence[AlertFacts], *, channel: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The generic JSON webhook body (schema ``runink.alert/v1``)."""
    ordered = _require(alerts)
    narratives = [narrate(a) for a in ordered]
    return {
        "schema": ALERT_SCHEMA,
        "id": batch_key(ordered, channel=channel),
        "generated_at": _timestamp(now),
        "channel": channel,
        "title": _batch_headline(ordered),
        "text": _batch_text(ordered, narratives),
        "count": len(ordered),
        "deploy_blocked": any(a.deploy_blocked for a in ordered),
        "highest_severity": _highest_severity(ordered),
        "alerts": [alert_dict(a, n) for a, n in zip(ordered, narratives, strict=True)],
    }


def slack_payload(alerts: Sequence[AlertFacts]) -> dict[str, Any]:
    """A Slack incoming-webhook body: ``text`` (notification fallback) plus Block Kit ``blocks``.

    At most ``SLACK_MAX_FINDINGS`` findings get their own section; the rest are counted.
    """
    ordered = _require(alerts)
    headline = _batch_headline(ordered)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _truncate(headline, 150)}}
    ]
    if len(ordered) > 1:
        summary = "\n".join(
            f"• {_slack_escape(_summary_line(a))}" for a in ordered[:SLACK_MAX_FINDINGS]
        )
        blocks.append(_slack_section(f"{_slack_escape(_batch_intro(ordered))}\n{summary}"))
        blocks.append({"type": "divider"})
    for facts in ordered[:SLACK_MAX_FINDINGS]:
        blocks.append(_slack_section(narrate(facts).slack()))
    hidden = len(ordered) - SLACK_MAX_FINDINGS
    if hidden > 0:
        blocks.append(_slack_section(f"…and {hidden} more finding(s) not shown here."))
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": _slack_escape(_FOOTER_TEXT.strip())}],
        }
    )
    # With blocks present, Slack shows ``text`` only in notifications: keep it to the headline.
    return {"text": _truncate(headline, SLACK_SECTION_LIMIT), "blocks": blocks}


def ticket_payload(
    alerts: Sequence[AlertFacts],
    *,
    channel: str = "",
    extra_labels: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """An issue-tracker body (schema ``runink.ticket/v1``): title, Markdown body, labels and
    assignee (the first owner from owner routing; ``assignees`` lists them all)."""
    ordered = _require(alerts)
    narratives = [narrate(a) for a in ordered]
    owners = list(dict.fromkeys(o for a in ordered for o in a.owners))
    if len(ordered) == 1:
        body = narratives[0].markdown(level=3)
    else:
        parts = [_md_escape(_batch_intro(ordered)), "", "### Summary", ""]
        parts.extend(f"{i}. {_md_escape(_summary_line(a))}" for i, a in enumerate(ordered, 1))
        for i, (facts, narrative) in enumerate(zip(ordered, narratives, strict=True), 1):
            parts.extend(["", "---", "", f"## {i}. {_md_escape(facts.vulnerability_id)}", ""])
            parts.append(narrative.markdown(level=3).rstrip())
        body = "\n".join(parts) + "\n"
    body += f"\n---\n_{_FOOTER_TEXT.strip()}_\n"
    return {
        "schema": TICKET_SCHEMA,
        "id": batch_key(ordered, channel=channel),
        "generated_at": _timestamp(now),
        "title": _truncate(_batch_headline(ordered), 250),
        "body": body,
        "labels": _labels(ordered, extra_labels),
        "assignee": owners[0] if owners else None,
        "assignees": owners,
        "highest_severity": _highest_severity(ordered),
        "deploy_blocked": any(a.deploy_blocked for a in ordered),
        "alerts": [alert_dict(a, n) for a, n in zip(ordered, narratives, strict=True)],
    }


# -- the narrative's parts ---------------------------------------------------------------------


def _headline(facts: AlertFacts) -> str:
    text = f"{facts.severity_label} {facts.vulnerability_id} in {facts.package_label}"
    where = facts.artifact_label
    if where:
        text += f" — {where}"
    if facts.deploy_blocked:
        text += " — deploy blocked"
    return text


def _what(facts: AlertFacts) -> Section:
    summary = _truncate(_clean(facts.summary), _SUMMARY_LIMIT)
    lines = [f"{facts.vulnerability_id}: {summary}" if summary else facts.vulnerability_id]
    if facts.aliases:
        lines.append(f"Also known as: {', '.join(facts.aliases)}")
    lines.append(f"Package: {facts.package_label} ({_one_line(facts.ecosystem)})")
    if facts.purl:
        lines.append(f"Package URL: {_one_line(facts.purl)}")
    lines.append(f"Advisory: {facts.advisory_url}")
    return Section("What was found", tuple(lines))


def _where(facts: AlertFacts) -> Section:
    lines = []
    if facts.artifact_name:
        kind = f" ({_one_line(facts.artifact_kind)})" if facts.artifact_kind else ""
        lines.append(f"Artifact: {_one_line(facts.artifact_name)}{kind}")
    if facts.environment:
        lines.append(f"Environment: {_one_line(facts.environment)}")
    if facts.location:
        lines.append(f"Declared in: {_one_line(facts.location)}")
    if not lines:
        lines.append("No artifact or source file was recorded for this finding.")
    return Section("Where", tuple(lines))


def _why(facts: AlertFacts) -> Section:
    lines = []
    band = facts.severity_band
    if facts.score is not None:
        rating = f" ({band.value})" if band else ""
        vector = f", vector {facts.vector}" if facts.vector else ""
        lines.append(f"CVSS base score {facts.score:.1f}{rating}{vector}")
    elif band is not None:
        lines.append(f"Severity: {band.value} (no CVSS score published)")
    else:
        lines.append("No CVSS score or severity has been published yet.")
    if facts.kev:
        since = f" since {facts.kev_date_added.isoformat()}" if facts.kev_date_added else ""
        lines.append(
            "Known exploited: listed in CISA's Known Exploited Vulnerabilities catalog"
            f"{since}. Treat as urgent."
        )
    elif facts.kev is False:
        lines.append("Not listed in CISA's Known Exploited Vulnerabilities catalog.")
    if facts.epss_score is not None:
        text = f"EPSS: {_percent(facts.epss_score)} probability of exploitation in the next 30 days"
        if facts.epss_percentile is not None:
            text += f" ({_ordinal(facts.epss_percentile)} percentile)"
        lines.append(text)
    elif facts.epss_percentile is not None:
        lines.append(f"EPSS percentile: {_ordinal(facts.epss_percentile)}")
    return Section("Why it matters", tuple(lines))


def _who(facts: AlertFacts) -> Section:
    lines = []
    if facts.owners:
        lines.append(f"Owners: {', '.join(_one_line(o) for o in facts.owners)}")
    if facts.team:
        lines.append(f"Team: {_one_line(facts.team)}")
    if not lines:
        lines.append(
            "No owner is recorded: add owners to the artifact's runink.yaml "
            "or an entry to the ownership map."
        )
    return Section("Who owns it", tuple(lines))


def _fix(facts: AlertFacts) -> Section:
    name = _one_line(facts.package_name)
    if facts.fixed_version:
        lines = [
            f"Upgrade {name} from {_one_line(facts.package_version)} to "
            f"{_one_line(facts.fixed_version)} or later."
        ]
    else:
        lines = [
            "No fixed version is available yet.",
            f"Mitigate: remove or replace {name}, or reduce its exposure; if the risk is "
            "accepted, record an exception with compensating controls and an expiry.",
            "Runink re-evaluates this finding when the advisory changes.",
        ]
    return Section("How to fix it", tuple(lines))


def _blocked(facts: AlertFacts) -> Section | None:
    if facts.blocked_reason is None:
        return None
    subject = (
        f"the deploy of {_one_line(facts.artifact_name)}" if facts.artifact_name else "the deploy"
    )
    by = f" by trigger {_one_line(facts.trigger)!r}" if facts.trigger else ""
    reason = _clean(facts.blocked_reason) or "no reason given"
    return Section(
        "Why the deploy was blocked",
        (
            f"{subject[0].upper()}{subject[1:]} is blocked{by}: {reason}.",
            "It stays blocked until the finding is fixed or covered by an approved exception.",
        ),
    )


# -- batches -----------------------------------------------------------------------------------


def _batch_headline(alerts: Sequence[AlertFacts]) -> str:
    if len(alerts) == 1:
        facts = alerts[0]
        summary = _truncate(_clean(facts.summary), _HEADLINE_SUMMARY_LIMIT)
        text = _headline(facts)
        return f"{text}: {summary}" if summary and not facts.deploy_blocked else text
    counts = Counter(a.severity_label.lower() for a in alerts)
    order = ("critical", "high", "medium", "low", "none", "unrated")
    tally = ", ".join(f"{counts[k]} {k}" for k in order if counts[k])
    text = f"{len(alerts)} vulnerabilities in {_artifacts_phrase(alerts)}: {tally}"
    if any(a.deploy_blocked for a in alerts):
        text += " — deploy blocked"
    return text


def _batch_intro(alerts: Sequence[AlertFacts]) -> str:
    text = f"Runink found {len(alerts)} vulnerabilities in {_artifacts_phrase(alerts)}."
    kev = sum(1 for a in alerts if a.kev)
    if kev:
        text += f" {kev} of them {'is' if kev == 1 else 'are'} known to be exploited."
    blocked = sorted({a.artifact_name or "the artifact" for a in alerts if a.deploy_blocked})
    if blocked:
        text += f" Deploys are blocked for: {', '.join(blocked)}."
    return text


def _artifacts_phrase(alerts: Sequence[AlertFacts]) -> str:
    labels = sorted({a.artifact_label or "" for a in alerts})
    if labels == [""]:
        return "your components"
    named = [label for label in labels if label]
    if len(named) == 1 and len(labels) == 1:
        return named[0]
    return f"{len(labels)} artifacts"


def _summary_line(facts: AlertFacts) -> str:
    score = f" {facts.score:.1f}" if facts.score is not None else ""
    fix = f"fix: {facts.fixed_version}" if facts.fixed_version else "no fix yet"
    parts = [
        f"{facts.severity_label}{score} {facts.vulnerability_id}",
        f"{facts.package_label} ({fix})",
    ]
    if facts.artifact_label:
        parts.append(facts.artifact_label)
    if facts.kev:
        parts.append("KEV")
    if facts.deploy_blocked:
        parts.append("deploy blocked")
    return " — ".join(parts)


def _labels(alerts: Sequence[AlertFacts], extra: Iterable[str]) -> list[str]:
    labels = {"security", "vulnerability", *extra}
    for facts in alerts:
        labels.add(f"severity:{facts.severity_label.lower()}")
        labels.add(f"ecosystem:{_one_line(facts.ecosystem)}")
        if facts.kev:
            labels.add("kev")
        if facts.deploy_blocked:
            labels.add("deploy-blocked")
        if facts.team:
            labels.add(f"team:{_one_line(facts.team)}")
        if facts.environment:
            labels.add(f"env:{_one_line(facts.environment)}")
    return sorted(labels)


def _highest_severity(alerts: Sequence[AlertFacts]) -> str | None:
    bands = [a.severity_band for a in alerts if a.severity_band is not None]
    return max(bands).value if bands else None


def _urgency(facts: AlertFacts) -> tuple[int, int, int, float, str, str, str]:
    band = facts.severity_band
    return (
        0 if facts.deploy_blocked else 1,
        0 if facts.kev else 1,
        -(band.rank if band else -1),
        -(facts.score or 0.0),
        facts.vulnerability_id,
        facts.purl or facts.package_name,
        facts.artifact_name or "",
    )


def _require(alerts: Sequence[AlertFacts]) -> list[AlertFacts]:
    if not alerts:
        raise ValueError("a message needs at least one AlertFacts")
    return order_alerts(alerts)


# -- text helpers ------------------------------------------------------------------------------

_FOOTER_TEXT = (
    "Sent by Runink, automated dependency vulnerability monitoring. "
    "Each finding is notified once per trigger."
)
_SIGNATURE = f"\n-- \n{_FOOTER_TEXT}\n"
_BODY = "font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328"
_H2 = "font-size:18px;margin:16px 0 8px"
_H3 = "font-size:15px;margin:14px 0 4px"
_UL = "margin:0 0 8px;padding-left:20px"
_HR = "border:0;border-top:1px solid #d0d7de;margin:20px 0"
_FOOT = "color:#656d76;font-size:12px;margin-top:24px"


def _clean(text: str | None) -> str:
    """Whitespace collapsed and control characters removed: safe for one line of text."""
    if not text:
        return ""
    return " ".join(_CONTROL.sub(" ", text).split())


def _one_line(text: str | None) -> str:
    return _clean(text)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _percent(fraction: float) -> str:
    percent = fraction * 100
    if percent >= 10:
        return f"{percent:.0f}%"
    if percent >= 1:
        return f"{percent:.1f}%"
    return f"{percent:.2f}%"


def _ordinal(fraction: float) -> str:
    number = min(99, int(fraction * 100)) if fraction < 1 else 100
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _timestamp(now: dt.datetime | None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _md_escape(text: str) -> str:
    """Escape the Markdown characters that would change how a plain line renders.

    URLs are kept verbatim as autolinks (``<https://…>``): escaping inside them breaks them.
    """
    out: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;)")
        out.append(_MD_SPECIAL.sub(r"\\\1", text[last : match.start()]))
        out.append(f"<{url}>")
        last = match.start() + len(url)
    out.append(_MD_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_section(text: str) -> dict[str, Any]:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _truncate(text, SLACK_SECTION_LIMIT)},
    }


def _html_line(line: str) -> str:
    """Escape a line and make its URLs links."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(line):
        out.append(html.escape(line[last : match.start()]))
        url = match.group(0).rstrip(".,;)")
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        last = match.start() + len(url)
    out.append(html.escape(line[last:]))
    return "".join(out)
