"""Migration 0007 (the event path's index-only lookups): upgrade from 0006 widens
``ix_inventory_components_lookup`` and replaces ``ix_findings_package`` with
``ix_findings_package_vulnerability``, keeping the rows; downgrade restores both; on SQLite
and, where one is reachable, PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from runink.store.db import create_db_engine, current_revision, migrate
from runink.store.tables import findings
from tests.store.test_migrations_0006 import migrate_down, seed_finding
from tests.store.test_postgres import postgres_url  # noqa: F401 - the PostgreSQL fixture

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _finding_indexes(engine: sa.engine.Engine, table: str = "findings") -> dict[str, list[str]]:
    with engine.connect() as conn:
        return {
            str(ix["name"]): [str(c) for c in ix["column_names"]]
            for ix in sa.inspect(conn).get_indexes(table)
        }


LOOKUP = ["ecosystem_base", "name", "artifact_id", "snapshot_id", "ecosystem", "version", "purl"]


def _round_trip(engine: sa.engine.Engine) -> None:
    migrate(engine, "0006")
    assert "ix_findings_package" in _finding_indexes(engine)
    seed_finding(engine, '["PYSEC-2026-1"]')
    migrate(engine, "0007")
    assert current_revision(engine) == "0007"
    lookup = _finding_indexes(engine, "inventory_components")["ix_inventory_components_lookup"]
    assert lookup == LOOKUP
    indexes = _finding_indexes(engine)
    assert "ix_findings_package" not in indexes
    assert indexes["ix_findings_package_vulnerability"] == [
        "ecosystem_base",
        "name",
        "vulnerability",
    ]
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(findings.c.purl).where(
                findings.c.ecosystem_base == "PyPI",
                findings.c.name.in_(["demo"]),
                findings.c.vulnerability.in_(["CVE-2026-0001"]),
            )
        ).scalars()
        assert list(found) == ["pkg:pypi/demo@1.5"]
    migrate_down(engine, "0006")
    assert current_revision(engine) == "0006"
    indexes = _finding_indexes(engine)
    assert indexes["ix_findings_package"] == ["ecosystem_base", "name"]
    assert "ix_findings_package_vulnerability" not in indexes
    lookup = _finding_indexes(engine, "inventory_components")["ix_inventory_components_lookup"]
    assert lookup == ["ecosystem_base", "name"]


def _run(url: str) -> None:
    engine = create_db_engine(url)
    try:
        _round_trip(engine)
    finally:
        engine.dispose()


def test_0007_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path / 'm.db'}")


def test_0007_upgrade_and_downgrade_on_postgres(postgres_url: str) -> None:  # noqa: F811
    _run(postgres_url)
