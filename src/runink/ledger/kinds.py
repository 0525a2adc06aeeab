"""The kinds of ledger entries and the payload fields each one carries.

One table (``KINDS``) is the registry: an entry of an unknown kind is refused, and so is one
that lacks a required payload field or subject part. Optional fields are documented so that
readers of the ledger know what to expect; any other field is allowed and recorded as given.
docs/ledger.md renders this table (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SCAN_STARTED: Final = "scan.started"
SCAN_FINISHED: Final = "scan.finished"
FINDING_OPENED: Final = "finding.opened"
FINDING_CLOSED: Final = "finding.closed"
FINDING_REOPENED: Final = "finding.reopened"
TRIGGER_FIRED: Final = "trigger.fired"
NOTIFICATION_SENT: Final = "notification.sent"
NOTIFICATION_FAILED: Final = "notification.failed"
DEPLOY_BLOCKED: Final = "deploy.blocked"
DEPLOY_ALLOWED: Final = "deploy.allowed"
EXCEPTION_CREATED: Final = "exception.created"
EXCEPTION_USED: Final = "exception.used"
EXCEPTION_EXPIRED: Final = "exception.expired"
EVENT_LOGGED: Final = "event.logged"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    description: str
    fields: tuple[Field, ...]
    #: Subject parts (artifact, repo, vulnerability, component) that must be present.
    subject: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


def _req(name: str, description: str) -> Field:
    return Field(name, True, description)


def _opt(name: str, description: str) -> Field:
    return Field(name, False, description)


_FINDING = ("vulnerability", "component")

KINDS: Final[dict[str, KindSpec]] = {
    spec.name: spec
    for spec in (
        KindSpec(
            SCAN_STARTED,
            "A scan began: what it read and which advisory data it matched against.",
            (
                _req("scan_id", "identifier shared by the scan's entries"),
                _req("inputs", "list of {path, sha256} for every lockfile/SBOM read"),
                _opt("advisory_data", "version of the advisory data: {last_import, advisories}"),
                _opt("command", "the command line or trigger that started the scan"),
            ),
        ),
        KindSpec(
            SCAN_FINISHED,
            "A scan ended, with its outcome.",
            (
                _req("scan_id", "the scan.started entry's scan_id"),
                _opt("findings", "number of findings"),
                _opt("blocked", "true when the gate blocked"),
                _opt("exit_code", "the CLI exit code"),
            ),
        ),
        KindSpec(
            FINDING_OPENED,
            "A vulnerability was found in a component of an artifact.",
            (
                _opt("advisories", "ids of the advisory records that matched"),
                _opt("aliases", "every id of the vulnerability (CVE, GHSA, …)"),
                _opt("severity", "qualitative severity"),
                _opt("score", "CVSS base score"),
                _opt("fixed_version", "smallest fixed version above the installed one"),
                _opt("scan_id", "the scan that found it"),
            ),
            _FINDING,
        ),
        KindSpec(
            FINDING_CLOSED,
            "A finding no longer applies.",
            (
                _req("reason", "fixed, component_removed, advisory_withdrawn or excepted"),
                _opt("scan_id", "the scan that observed it"),
            ),
            _FINDING,
        ),
        KindSpec(
            FINDING_REOPENED,
            "A closed or excepted finding applies again.",
            (
                _req("reason", "e.g. exception_expired, reintroduced"),
                _opt("scan_id", "the scan that observed it"),
            ),
            _FINDING,
        ),
        KindSpec(
            TRIGGER_FIRED,
            "A policy trigger matched a finding.",
            (
                _req("trigger", "the trigger's name"),
                _req("values", "the evaluated field values, e.g. {'cve.score': 9.8}"),
                _opt("when", "the trigger's condition as written"),
                _opt("policy", "the policy file"),
                _opt("actions", "the actions it runs"),
            ),
        ),
        KindSpec(
            NOTIFICATION_SENT,
            "A notification was delivered.",
            (
                _req("channel", "email, webhook, slack or a named channel"),
                _req("recipients", "addresses or channel names"),
                _opt("trigger", "the trigger that caused it"),
                _opt("message_id", "the channel's message id"),
            ),
        ),
        KindSpec(
            NOTIFICATION_FAILED,
            "A notification could not be delivered.",
            (
                _req("channel", "email, webhook, slack or a named channel"),
                _req("error", "what went wrong"),
                _opt("recipients", "addresses or channel names"),
                _opt("attempts", "delivery attempts so far"),
                _opt("trigger", "the trigger that caused it"),
            ),
        ),
        KindSpec(
            DEPLOY_BLOCKED,
            "The deploy gate denied an artifact.",
            (
                _req("reason", "why, in words"),
                _opt("policy", "the block_deploy action's policy text"),
                _opt("trigger", "the trigger that blocked"),
                _opt("findings", "the blocking findings' ids"),
            ),
            ("artifact",),
        ),
        KindSpec(
            DEPLOY_ALLOWED,
            "The deploy gate allowed an artifact.",
            (
                _req("reason", "why, in words (e.g. no blocking findings)"),
                _opt("exceptions", "exceptions that allowed it"),
            ),
            ("artifact",),
        ),
        KindSpec(
            EXCEPTION_CREATED,
            "A risk exception was granted.",
            (
                _req("reason", "the justification"),
                _req("approved_by", "approvers"),
                _req("expires", "expiry date (YYYY-MM-DD)"),
                _opt("scope", "vulnerability, package pattern, artifact glob, environment"),
                _opt("compensating_controls", "list of controls"),
            ),
            ("vulnerability",),
        ),
        KindSpec(
            EXCEPTION_USED,
            "An exception suppressed a finding.",
            (
                _req("exception", "the exception's id or scope"),
                _opt("expires", "its expiry date"),
            ),
            ("vulnerability",),
        ),
        KindSpec(
            EXCEPTION_EXPIRED,
            "An exception reached its expiry date and stopped suppressing.",
            (
                _req("exception", "the exception's id or scope"),
                _req("expired_on", "the expiry date"),
            ),
            ("vulnerability",),
        ),
        KindSpec(
            EVENT_LOGGED,
            "A policy's `log` action recorded a message.",
            (
                _req("entry", "the text to record"),
                _opt("trigger", "the trigger whose log action wrote it"),
            ),
        ),
    )
}
