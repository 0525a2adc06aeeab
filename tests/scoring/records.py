"""Test helper: score an OSV record the way the importer does."""

from __future__ import annotations

from typing import Any

from runink.scoring import Score, best_score


def best_score_inputs(record: dict[str, Any]) -> tuple[list[Any], dict[str, Any] | None, list[Any]]:
    """``best_score``'s arguments for an OSV record, gathered as the OSV importer gathers them."""
    entries = list(record.get("severity") or [])
    extras: list[Any] = []
    for affected in record.get("affected") or []:
        for key in ("ecosystem_specific", "database_specific"):
            if isinstance(affected.get(key), dict):
                extras.append(affected[key])
        entries.extend(affected.get("severity") or [])
    db = record.get("database_specific")
    return entries, db if isinstance(db, dict) else None, extras


def score_record(record: dict[str, Any]) -> Score:
    return best_score(*best_score_inputs(record))
