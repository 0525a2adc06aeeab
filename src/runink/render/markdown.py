"""``runink scan --format markdown``: a report for pull requests and GitHub step summaries."""

from __future__ import annotations

from runink.services.scan import ScanReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: ScanReport) -> str:
    inv = report.inventory
    blocking = report.blocking
    reasons = "; ".join(report.gate.reasons)
    verdict = (
        f"**Blocked**: {len(blocking)} finding(s) blocked the deploy: {_cell(reasons)}"
        if report.blocked
        else "**Passed**: no finding triggered `block_deploy`"
    )
    lines = [
        "## Runink dependency scan",
        "",
        verdict,
        "",
        f"{len(inv.components)} components in {len(inv.files)} files; "
        f"{len(report.findings)} vulnerable component occurrence(s).",
        "",
    ]
    if report.findings:
        lines += [
            "| Severity | Package | Installed | Fixed in | Vulnerability | File |",
            "|---|---|---|---|---|---|",
        ]
        for f in report.findings:
            c = f.component
            sev = (f.severity or "unknown") + (f" {f.score:.1f}" if f.score is not None else "")
            ids = f.id + (
                f" ({', '.join(a for a in f.aliases if a != f.id)})" if len(f.aliases) > 1 else ""
            )
            where = f"{c.source}:{c.line}" if c.line else c.source
            lines.append(
                f"| {_cell(sev)} | {_cell(c.name)} | {_cell(c.version)} | {_cell(f.fixed or '-')} "
                f"| [{_cell(ids)}](https://osv.dev/vulnerability/{f.id}) | `{_cell(where)}` |"
            )
        lines.append("")
    troubled = [f for f in inv.files if f.status != "ok"]
    if troubled:
        lines += ["### Files not fully read", ""]
        for file in troubled:
            detail = file.error or "; ".join(f"{s.name}: {s.reason}" for s in file.skipped[:5])
            more = f" (+{len(file.skipped) - 5} more)" if len(file.skipped) > 5 else ""
            lines.append(f"- `{file.path}` ({file.format}, {file.status}): {_cell(detail)}{more}")
        lines.append("")
    return "\n".join(lines)
