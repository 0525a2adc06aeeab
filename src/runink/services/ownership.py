"""Owner routing: who owns an artifact, and so who hears about its findings.

Owners come from three places, first match wins for each part (emails, team):

1. the artifact's own metadata in ``runink.yaml`` — ``owners``, ``maintainer_email``,
   ``team`` and ``team_label``;
2. the ownership map in the config file, a list of ``{match: GLOB, team: NAME, emails: [...]}``
   whose globs are tried in order against the artifact's name and its path;
3. SBOM metadata found while scanning (CycloneDX ``metadata.authors``/``supplier``/
   ``manufacturer`` e-mails, and the ``runink:owner``/``runink:team`` properties).

```yaml
# $RUNINK_HOME/config.yaml
ownership:
  - match: "payments-*"
    team: payments
    emails: [payments-oncall@org.com]
  - match: "services/search/**"
    team: search
    emails: [search@org.com]
```
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runink.errors import UsageError


@dataclass(frozen=True, slots=True)
class OwnershipRule:
    match: str
    team: str | None
    emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Owners:
    """The resolved owners, with where each part came from (for the audit record)."""

    emails: tuple[str, ...] = ()
    team: str | None = None
    emails_from: str | None = None  # "artifact" | "ownership map" | "sbom"
    team_from: str | None = None


def parse_ownership(config: Mapping[str, Any], origin: str) -> tuple[OwnershipRule, ...]:
    """The ``ownership:`` section of the config file; errors name ``origin`` and the field."""
    section = config.get("ownership")
    if section is None:
        return ()
    if not isinstance(section, list):
        raise UsageError(f"{origin}: ownership: must be a list of {{match, team, emails}}")
    rules = []
    for i, item in enumerate(section):
        where = f"{origin}: ownership[{i}]"
        if not isinstance(item, dict):
            raise UsageError(f"{where}: must be a mapping with match, team and/or emails")
        unknown = set(item) - {"match", "team", "emails"}
        if unknown:
            raise UsageError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        match = item.get("match")
        if not isinstance(match, str) or not match:
            raise UsageError(f"{where}.match: a glob string is required")
        team = item.get("team")
        if team is not None and not isinstance(team, str):
            raise UsageError(f"{where}.team: must be a string")
        emails = item.get("emails", [])
        if isinstance(emails, str):
            emails = [emails]
        if not isinstance(emails, list) or not all(isinstance(e, str) and "@" in e for e in emails):
            raise UsageError(f"{where}.emails: must be a list of e-mail addresses")
        if team is None and not emails:
            raise UsageError(f"{where}: give a team, emails, or both")
        rules.append(OwnershipRule(match, team, tuple(emails)))
    return tuple(rules)


def _glob_match(pattern: str, subject: str) -> bool:
    if fnmatch.fnmatchcase(subject, pattern):
        return True
    # "dir/**" also matches the directory itself and everything below it.
    return pattern.endswith("/**") and (subject == pattern[:-3] or subject.startswith(pattern[:-2]))


def resolve_owners(
    *,
    artifact_name: str,
    artifact_path: Path | None,
    owners: Sequence[str] = (),
    maintainer_email: str | None = None,
    team: str | None = None,
    team_label: str | None = None,
    rules: Sequence[OwnershipRule] = (),
    sbom_metadata: Mapping[str, str] | None = None,
) -> Owners:
    emails: tuple[str, ...] = ()
    emails_from: str | None = None
    team_name: str | None = None
    team_from: str | None = None

    declared = [*owners, *([maintainer_email] if maintainer_email else [])]
    if declared:
        emails, emails_from = tuple(dict.fromkeys(declared)), "artifact"
    if team or team_label:
        team_name, team_from = team or team_label, "artifact"

    if not emails or team_name is None:
        subjects = [artifact_name]
        if artifact_path is not None:
            subjects.append(artifact_path.as_posix())
        for rule in rules:
            if any(_glob_match(rule.match, s) for s in subjects):
                if not emails and rule.emails:
                    emails, emails_from = rule.emails, "ownership map"
                if team_name is None and rule.team:
                    team_name, team_from = rule.team, "ownership map"
                if emails and team_name is not None:
                    break

    meta = sbom_metadata or {}
    if not emails:
        found = [meta.get("property:runink:owner", "")]
        found += meta.get("contact_emails", "").split(",")
        sbom_emails = tuple(dict.fromkeys(e.strip() for e in found if "@" in e))
        if sbom_emails:
            emails, emails_from = sbom_emails, "sbom"
    if team_name is None and meta.get("property:runink:team"):
        team_name, team_from = meta["property:runink:team"], "sbom"
    return Owners(emails, team_name, emails_from, team_from)
