"""Scan report formats, each mapped to its renderer (every member must have one)."""

from __future__ import annotations

from collections.abc import Callable

from runink.render import markdown, sarif, scan_json, scan_table
from runink.render.kinds import ReportFormat
from runink.services.scan import ScanReport

__all__ = ["RENDERERS", "ReportFormat"]


RENDERERS: dict[ReportFormat, Callable[[ScanReport], str]] = {
    ReportFormat.table: scan_table.render,
    ReportFormat.json: scan_json.render,
    ReportFormat.sarif: sarif.render,
    ReportFormat.markdown: markdown.render,
}
