"""Findings as JSON-ready dictionaries (the ``--format json`` contract)."""

from __future__ import annotations

from typing import Any

from runink.model.finding import Finding


def finding_dict(finding: Finding) -> dict[str, Any]:
    """The documented fields, plus what explains the finding."""
    component = finding.component
    return {
        "purl": component.purl,
        "ecosystem": component.ecosystem,
        "name": component.name,
        "version": component.version,
        "id": finding.id,
        "aliases": list(finding.aliases),
        "summary": finding.summary,
        "score": finding.score,
        "severity": finding.severity,
        "vector": finding.vector,
        "fixed": finding.fixed,
        "advisories": list(finding.advisories),
        "published": finding.published,
        "modified": finding.modified,
        "explanation": [reason.explain() for reason in finding.reasons],
    }
