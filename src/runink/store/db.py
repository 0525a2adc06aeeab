"""Opening the database: engine, SQLite pragmas, and automatic Alembic migrations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.config import Settings, load_settings
from runink.errors import StoreError, UsageError

#: The newest migration. A test checks it equals Alembic's head, so opening an up-to-date
#: database does not need to import Alembic at all (it keeps ``runink check`` fast).
SCHEMA_HEAD: Final = "0008"

MIGRATIONS_DIR: Final = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise UsageError(f"RUNINK_DATABASE_URL: cannot use {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` on ``engine``."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def open_engine(settings: Settings | None = None, *, create: bool = True) -> Engine:
    """Open (and, if needed, create and migrate) the configured database.

    With ``create=False`` a missing embedded database is not created; the caller gets an
    engine whose ``current_revision`` is None and decides what to report.
    """
    settings = settings or load_settings()
    if settings.is_embedded:
        db_path = Path(settings.database_url.removeprefix("sqlite:///"))
        if not db_path.exists() and not create:
            raise StoreMissing(db_path)
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"RUNINK_HOME: cannot create {db_path.parent}: {exc}") from exc
    engine = create_db_engine(settings.database_url)
    try:
        if current_revision(engine) != SCHEMA_HEAD:
            migrate(engine)
    except sa.exc.OperationalError as exc:
        raise StoreError(f"database {engine.url!r}: {exc.orig}") from exc
    return engine


class StoreMissing(StoreError):
    """The embedded database file does not exist (no advisory data imported yet)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path}: no database yet")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
