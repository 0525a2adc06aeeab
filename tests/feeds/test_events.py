"""Change events: written by ``db import`` as by syncs, in the change's transaction; read in
order; consumers resume from durable offsets; the same on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.feeds.events import (
    EventKind,
    NewEvent,
    commit_offset,
    consumer_offset,
    count_events,
    latest_seq,
    read_events,
    write_events,
)
from runink.services.importing import import_sources, plan_import
from runink.store.db import open_engine
from runink.store.tables import change_events
from tests.feeds.bucket import OsvBucket, record


def osv(id_: str, modified: str, fixed: str = "2.0", **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": id_,
        "modified": modified,
        "aliases": [f"CVE-2024-{id_[-4:]}"],
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "Left-Pad"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            }
        ],
    }
    rec.update(extra)
    return rec


def run_import(engine: Engine, directory: Path) -> Any:
    sources, _ = plan_import([directory])
    return import_sources(engine, sources, origin="test")


def write(path: Path, rec: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rec))


def test_db_import_writes_events_for_added_modified_and_withdrawn(
    engine: Engine, tmp_path: Path
) -> None:
    write(tmp_path / "GHSA-0001.json", osv("GHSA-0001", "2024-01-01T00:00:00Z"))
    write(tmp_path / "GHSA-0002.json", osv("GHSA-0002", "2024-01-01T00:00:00Z"))
    report = run_import(engine, tmp_path)
    assert report.events == 2
    write(tmp_path / "GHSA-0001.json", osv("GHSA-0001", "2024-02-01T00:00:00Z", fixed="1.5.0"))
    write(
        tmp_path / "GHSA-0002.json",
        osv("GHSA-0002", "2024-02-01T00:00:00Z", withdrawn="2024-02-01T00:00:00Z"),
    )
    again = run_import(engine, tmp_path)
    assert (again.updated, again.events) == (2, 2)
    assert run_import(engine, tmp_path).events == 0  # unchanged records are no event
    with engine.connect() as conn:
        found = read_events(conn, 0)
    assert [(e.seq, e.kind, e.subject, e.source) for e in found] == [
        (1, "advisory.added", "GHSA-0001", "import"),
        (2, "advisory.added", "GHSA-0002", "import"),
        (3, "advisory.modified", "GHSA-0001", "import"),
        (4, "advisory.withdrawn", "GHSA-0002", "import"),
    ]
    narrowed = found[2].details
    assert narrowed["packages"] == [{"ecosystem": "npm", "name": "left-pad"}]
    assert narrowed["changed"]["affected"][0]["change"] == "narrowed"
    assert narrowed["modified"] == {
        "before": "2024-01-01T00:00:00Z",
        "after": "2024-02-01T00:00:00Z",
    }


def test_an_interrupted_import_writes_no_events(engine: Engine, tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path / f"GHSA-000{i}.json", osv(f"GHSA-000{i}", "2024-01-01T00:00:00Z"))
    sources, _ = plan_import([tmp_path])
    seen = 0

    def explode(_: int) -> None:
        nonlocal seen
        seen += 1
        if seen == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_sources(engine, sources, origin="test", progress=explode)
    with engine.connect() as conn:
        assert count_events(conn) == 0


def test_consumers_resume_from_their_own_durable_offsets(engine: Engine) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        write_events(
            conn,
            [NewEvent(EventKind.KEV_ADDED, f"CVE-2024-{i:04d}", {"n": i}) for i in range(7)],
            source="kev",
            now=now,
        )
    with engine.begin() as conn:
        assert consumer_offset(conn, "watch") == 0
        batch = read_events(conn, consumer_offset(conn, "watch"), limit=3)
        assert [e.details["n"] for e in batch] == [0, 1, 2]
        commit_offset(conn, "watch", batch[-1].seq, now=now)
    # A crash after processing but before committing replays; committing older is a no-op.
    with engine.begin() as conn:
        commit_offset(conn, "watch", 1)
        assert consumer_offset(conn, "watch") == 3
        rest = read_events(conn, consumer_offset(conn, "watch"), limit=100)
        assert [e.seq for e in rest] == [4, 5, 6, 7]
        commit_offset(conn, "watch", rest[-1].seq)
        assert consumer_offset(conn, "other") == 0  # independent consumers
        assert latest_seq(conn) == 7
        assert read_events(conn, 7) == []
        kinds = read_events(conn, 0, kinds=["advisory.added"])
        assert kinds == []


def test_sequence_numbers_are_never_reused(engine: Engine) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        write_events(conn, [NewEvent(EventKind.KEV_ADDED, "CVE-1", {})] * 3, source="t", now=now)
        conn.execute(sa.delete(change_events).where(change_events.c.seq == 3))  # retention
    with engine.begin() as conn:
        write_events(conn, [NewEvent(EventKind.KEV_ADDED, "CVE-2", {})], source="t", now=now)
        assert [e.seq for e in read_events(conn, 0)] == [1, 2, 4]


def test_every_event_kind_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text()
    for kind in EventKind:
        assert f"`{kind.value}`" in doc, kind


# -- PostgreSQL ------------------------------------------------------------------------------------

ADMIN_URL = os.environ.get(
    "RUNINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def postgres_engine(runink_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
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
    monkeypatch.setenv("RUNINK_DATABASE_URL", ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    engine = open_engine()
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_sync_and_events_on_postgres(
    postgres_engine: Engine, bucket: OsvBucket, server: Any, clock: Any
) -> None:
    from runink.feeds.settings import parse_feed_settings
    from runink.feeds.state import load_state
    from runink.feeds.sync import run_sync
    from tests.feeds.conftest import base_config

    t0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    bucket.put(record("PYSEC-1", t0))
    bucket.put(record("PYSEC-2", t0 + dt.timedelta(minutes=1)))
    bucket.publish()
    settings = parse_feed_settings({"feeds": base_config(server)}, source="t", environ={})

    def sync() -> Any:
        return run_sync(
            postgres_engine,
            feeds=["osv"],
            ecosystems=["PyPI"],
            settings=settings,
            sleep=clock.sleep,
        )

    assert sync().results[0].new == 2
    bucket.put(
        record("PYSEC-1", t0 + dt.timedelta(hours=1), events=[{"introduced": "0"}, {"fixed": "3"}])
    )
    bucket.publish()
    assert sync().results[0].updated == 1
    with postgres_engine.begin() as conn:
        found = read_events(conn, 0)
        assert [(e.seq, e.kind) for e in found] == [
            (1, "advisory.added"),
            (2, "advisory.added"),
            (3, "advisory.modified"),
        ]
        assert found[2].details["changed"]["affected"][0]["change"] == "widened"
        commit_offset(conn, "watch", 3)
        assert consumer_offset(conn, "watch") == 3
        assert (
            load_state(conn, "osv", "PyPI").cursor["time"]
            == (t0 + dt.timedelta(hours=1)).isoformat()
        )
