"""Migration 0006 (the findings-by-package index and the citations table): upgrade from 0005
keeps the rows, adds both and backfills the citations, downgrade removes them; on SQLite
and, where one is reachable, PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from runink.store.db import create_db_engine, current_revision, migrate
from runink.store.tables import findings, inventory_artifacts
from tests.store.test_postgres import postgres_url  # noqa: F401 - the PostgreSQL fixture

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _finding_indexes(engine: sa.engine.Engine) -> set[str]:
    with engine.connect() as conn:
        return {str(ix["name"]) for ix in sa.inspect(conn).get_indexes("findings")}


def seed_finding(engine: sa.engine.Engine, advisories: str) -> None:
    """One artifact with one open finding of pkg:pypi/demo@1.5 citing ``advisories`` (JSON)."""
    with engine.begin() as conn:
        artifact_id = conn.execute(
            sa.insert(inventory_artifacts).values(
                name="api", kind="repo", created_at=T0, updated_at=T0
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            sa.insert(findings).values(
                artifact_id=artifact_id, vulnerability="CVE-2026-0001",
                purl="pkg:pypi/demo@1.5", ecosystem="PyPI", ecosystem_base="PyPI",
                name="demo", version="1.5", status="open", opened_at=T0, updated_at=T0,
                opened_by="ingest", advisories=advisories,
            )
        )  # fmt: skip


def _round_trip(engine: sa.engine.Engine) -> None:
    migrate(engine, "0005")
    assert current_revision(engine) == "0005"
    assert "ix_findings_package" not in _finding_indexes(engine)
    seed_finding(engine, '["GHSA-0000-0000-0001","PYSEC-2026-1"]')
    migrate(engine, "0006")
    assert current_revision(engine) == "0006"
    assert "ix_findings_package" in _finding_indexes(engine)
    with engine.connect() as conn:
        names = conn.execute(
            sa.select(findings.c.name).where(
                findings.c.ecosystem_base == "PyPI", findings.c.name == "demo"
            )
        ).scalars()
        assert list(names) == ["demo"]
        # The citations are backfilled from the stored findings.
        citations = conn.execute(
            sa.text(
                "SELECT advisory_id, ecosystem_base, name, vulnerability FROM finding_citations"
            )
        ).all()
        assert sorted(tuple(r) for r in citations) == [
            ("GHSA-0000-0000-0001", "PyPI", "demo", "CVE-2026-0001"),
            ("PYSEC-2026-1", "PyPI", "demo", "CVE-2026-0001"),
        ]
    migrate_down(engine, "0005")
    assert current_revision(engine) == "0005"
    assert "ix_findings_package" not in _finding_indexes(engine)
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("finding_citations")


def migrate_down(engine: sa.engine.Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from runink.store.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _run(url: str) -> None:
    engine = create_db_engine(url)
    try:
        _round_trip(engine)
    finally:
        engine.dispose()


def test_0006_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path / 'm.db'}")


def test_0006_upgrade_and_downgrade_on_postgres(postgres_url: str) -> None:  # noqa: F811
    _run(postgres_url)
