"""The scan report formats, importable without loading any renderer (keeps CLI start-up fast)."""

from __future__ import annotations

import enum


class ReportFormat(enum.StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    markdown = "markdown"
