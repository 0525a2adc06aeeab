"""The same schema, import and lookups on a real PostgreSQL (skipped where none is reachable)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from runink.services.importing import import_sources, plan_import
from runink.store import advisory_repo
from runink.store.db import SCHEMA_HEAD, current_revision, open_engine

ADMIN_URL = os.environ.get(
    "RUNINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    pytest.importorskip("psycopg")
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {ADMIN_URL}: {exc.orig}")
    name = f"runink_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setenv("RUNINK_DATABASE_URL", url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_import_and_lookup_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    record = {
        "id": "GHSA-pg00-0000-0000",
        "modified": "2024-05-01T10:00:00.5Z",
        "aliases": ["CVE-2024-9999"],
        "affected": [
            {
                "package": {"ecosystem": "Debian:12", "name": "openssl"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.8-1"}]}
                ],
            }
        ],
    }
    (tmp_path / "r.json").write_text(json.dumps(record))
    engine = open_engine()
    assert engine.dialect.name == "postgresql"
    assert current_revision(engine) == SCHEMA_HEAD
    sources, _ = plan_import([tmp_path])
    assert import_sources(engine, sources, origin="pg").new == 1
    assert import_sources(engine, sources, origin="pg").unchanged == 1  # same modified + content
    with engine.connect() as conn:
        entries, infos = advisory_repo.load_index_rows(conn, {("Debian", "openssl")})
        status = advisory_repo.database_status(conn)
    assert [(a, e.ecosystem, e.ranges[0].events[1].version) for a, e in entries] == [
        ("GHSA-pg00-0000-0000", "Debian:12", "3.0.8-1")
    ]
    assert infos[0].aliases == ("CVE-2024-9999",)
    assert infos[0].modified == "2024-05-01T10:00:00Z"
    assert status.total == 1 and status.by_ecosystem[0].group == "Debian"
    engine.dispose()
