"""``runink scan --format json``: components, findings and per-file statuses."""

from __future__ import annotations

from typing import Any

import orjson

from runink.inventory.discovery import FileReport
from runink.model.component import Component
from runink.render.findings_json import finding_dict
from runink.services.scan import ScanReport, identity


def component_dict(c: Component) -> dict[str, Any]:
    return {
        "ecosystem": c.ecosystem,
        "name": c.name,
        "version": c.version,
        "purl": c.purl,
        "source": c.source,
        "line": c.line,
        "direct": c.direct,
        "scope": c.scope,
        "path": list(c.path),
    }


def file_dict(f: FileReport) -> dict[str, Any]:
    return {
        "path": f.path,
        "format": f.format,
        "status": f.status,
        "error": f.error,
        "components": f.components,
        "skipped": [{"name": s.name, "reason": s.reason, "line": s.line} for s in f.skipped],
    }


def render(report: ScanReport) -> str:
    findings = []
    for f in report.findings:
        item = finding_dict(f)
        item["source"] = f.component.source
        item["line"] = f.component.line
        key = identity(f)
        item["blocking"] = key in report.gate.blocking
        item["triggers"] = list(report.gate.fired.get(key, ()))
        item["suppressed_by"] = report.gate.suppressed.get(key)
        item["expired_exceptions"] = list(report.gate.expired.get(key, ()))
        findings.append(item)
    payload = {
        "components": [component_dict(c) for c in report.inventory.components],
        "findings": findings,
        "files": [file_dict(f) for f in report.inventory.files],
        "problems": [
            {"purl": p.component.purl, "source": p.component.source, "message": p.message}
            for p in report.problems
        ],
        "gate": {
            "blocked": report.blocked,
            "decision": "deny" if report.blocked else "allow",
            "reasons": list(report.gate.reasons),
            "blocking": len(report.blocking),
            "policy": list(report.gate.policy_sources),
            "unused_exceptions": list(report.gate.unused_exceptions),
        },
        "advisory_data_as_of": report.data_as_of.isoformat() if report.data_as_of else None,
    }
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode() + "\n"
