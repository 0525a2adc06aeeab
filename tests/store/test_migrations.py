"""The Alembic migrations and the Core metadata describe the same schema."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from runink.store.db import MIGRATIONS_DIR, SCHEMA_HEAD, current_revision, open_engine
from runink.store.tables import metadata


def test_schema_head_constant_is_alembic_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_migrated_database_matches_metadata(runink_home: Path) -> None:
    engine = open_engine()
    assert current_revision(engine) == SCHEMA_HEAD
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_embedded_database_uses_wal_in_runink_home(runink_home: Path) -> None:
    engine = open_engine()
    assert (runink_home / "runink.db").exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_database_url_overrides_home(runink_home: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "elsewhere.db"
    monkeypatch.setenv("RUNINK_DATABASE_URL", f"sqlite:///{other}")
    open_engine()
    assert other.exists() and not (runink_home / "runink.db").exists()
    assert sa.inspect(sa.create_engine(f"sqlite:///{other}")).has_table("advisories")
