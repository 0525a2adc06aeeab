"""``runink scan --format sarif``: SARIF 2.1.0 for GitHub code scanning.

One rule per vulnerability (canonical id), one result per (vulnerability, component occurrence),
located at the lockfile line. ``security-severity`` carries the CVSS score so GitHub ranks
alerts; the level is ``error`` for findings that block the gate, ``warning`` otherwise.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

from runink import __version__
from runink.model.finding import Finding
from runink.services.scan import ScanReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_QUALITATIVE_SCORE = {"critical": 9.5, "high": 8.0, "medium": 5.5, "low": 2.0, "none": 0.0}


def _help_uri(vuln_id: str) -> str:
    return f"https://osv.dev/vulnerability/{vuln_id}"


def _security_severity(f: Finding) -> str | None:
    if f.score is not None:
        return f"{f.score:.1f}"
    if f.severity in _QUALITATIVE_SCORE:
        return f"{_QUALITATIVE_SCORE[f.severity]:.1f}"
    return None


def _rule(f: Finding) -> dict[str, Any]:
    summary = f.summary or f"{f.id} in {f.component.name}"
    props: dict[str, Any] = {"tags": ["security", "vulnerability", f.component.ecosystem]}
    sev = _security_severity(f)
    if sev is not None:
        props["security-severity"] = sev
    others = [a for a in f.aliases if a != f.id]
    text = summary + (f" (also known as {', '.join(others)})" if others else "")
    return {
        "id": f.id,
        "name": "VulnerableDependency",
        "shortDescription": {"text": summary[:1000]},
        "fullDescription": {"text": text[:4000]},
        "helpUri": _help_uri(f.id),
        "help": {
            "text": f"{text}\nAdvisories: {', '.join(f.advisories)}\nDetails: {_help_uri(f.id)}",
            "markdown": f"**{f.id}**: {summary}\n\nAdvisories: {', '.join(f.advisories)}\n\n"
            f"[Details]({_help_uri(f.id)})",
        },
        "properties": props,
    }


def _result(f: Finding, blocking: bool) -> dict[str, Any]:
    c = f.component
    fix = f"upgrade to {f.fixed}" if f.fixed else "no fixed version is known"
    message = (
        f"{c.name} {c.version} ({c.ecosystem}) is affected by {f.id}"
        f"{' (' + f.severity + ')' if f.severity else ''}: {f.summary or 'see advisory'}; {fix}."
    )
    region: dict[str, Any] = {"startLine": c.line or 1}
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": c.source or ".", "uriBaseId": "%SRCROOT%"},
            "region": region,
        },
        "logicalLocations": [{"name": c.purl, "kind": "package"}],
    }
    fingerprint = hashlib.sha256(f"{f.id}|{c.purl}|{c.source}".encode()).hexdigest()
    return {
        "ruleId": f.id,
        "level": "error" if blocking else "warning",
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"runinkFinding/v1": fingerprint},
        "properties": {
            "purl": c.purl,
            "installedVersion": c.version,
            "fixedVersion": f.fixed,
            "aliases": list(f.aliases),
            "explanation": [r.explain() for r in f.reasons],
        },
    }


def render(report: ScanReport) -> str:
    rules: dict[str, dict[str, Any]] = {}
    for f in report.findings:
        rules.setdefault(f.id, _rule(f))
    ordered = sorted(rules)
    index = {rule_id: i for i, rule_id in enumerate(ordered)}
    results = []
    for f in report.findings:
        result = _result(f, report.is_blocking(f))
        result["ruleIndex"] = index[f.id]
        results.append(result)
    notifications = [
        {
            "level": "warning" if file.status == "partial" else "error",
            "message": {"text": file.error or f"{len(file.skipped)} entries skipped"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": file.path}}}],
        }
        for file in report.inventory.files
        if file.status != "ok"
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "Runink",
                "version": __version__,
                "informationUri": "https://github.com/runink/runink",
                "rules": [rules[r] for r in ordered],
            }
        },
        "results": results,
        "columnKind": "utf16CodeUnits",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _base(report).as_uri() + "/"}},
    }
    if notifications:
        run["invocations"] = [
            {"executionSuccessful": True, "toolExecutionNotifications": notifications}
        ]
    doc = {"version": "2.1.0", "$schema": SCHEMA, "runs": [run]}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


def _base(report: ScanReport) -> Path:
    return report.root if report.root.is_dir() else report.root.parent
