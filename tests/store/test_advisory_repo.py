"""Bulk writes of the import: driver-level ``executemany`` against SQLAlchemy Core.

``write_advisories`` and ``write_events`` hand tuples to the driver (with datetimes already in
the backend's storage form). These tests write the same batch both ways, the fast one and
a plain ``conn.execute(sa.insert(table), dicts)`` reference, and compare the stored values
column by column as the database returns them to the driver, on SQLite and, where one is
reachable, PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from runink.advisories.loader import RawRecord
from runink.advisories.osv import validate
from runink.feeds.changes import added_event, packages, score_json
from runink.feeds.events import NewEvent, write_events
from runink.model.advisory import Advisory, AdvisoryScore
from runink.model.ecosystems import base_ecosystem
from runink.store import advisory_repo
from runink.store.advisory_repo import PendingAdvisory
from runink.store.db import open_engine
from runink.store.tables import advisories, advisory_aliases, affected_packages, change_events

ADMIN_URL = os.environ.get(
    "RUNINK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
NOW = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)


def records() -> list[tuple[dict[str, Any], AdvisoryScore]]:
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    return [
        (
            {
                "id": "GHSA-aaaa-bbbb-cccc",
                "modified": "2024-01-02T03:04:05.123456Z",
                "published": "2023-12-31T23:00:00+02:00",
                "aliases": ["CVE-2024-0002", "CVE-2024-0001"],
                "summary": "  several packages ",
                "database_specific": {"cwe_ids": ["CWE-79", "CWE-20"]},
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "Django_Foo"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}
                        ],
                        "versions": ["1.0", "1.1"],
                    },
                    {
                        "package": {"ecosystem": "Debian:12", "name": "openssl"},
                        "ranges": [
                            {
                                "type": "GIT",
                                "repo": "https://example.org/r.git",
                                "events": [{"introduced": "abc"}, {"limit": "def"}],
                            },
                            {
                                "type": "ECOSYSTEM",
                                "events": [{"introduced": "1.0"}, {"last_affected": "1.4"}],
                            },
                        ],
                    },
                ],
            },
            AdvisoryScore(9.8, "critical", "3.1", vector),
        ),
        (
            {"id": "GO-2024-0001", "modified": "0001-01-01T00:00:00Z", "affected": []},
            AdvisoryScore(None, None, None, None),
        ),
        (
            {
                "id": "RUSTSEC-2024-0003",
                "modified": "2024-05-01T10:00:00.5Z",
                "withdrawn": "2024-06-01T00:00:00Z",
                "aliases": ["RUSTSEC-2024-0003", " "],
                "summary": "é ünïcode ✓",
                "affected": [
                    {
                        "package": {"ecosystem": "crates.io", "name": "x"},
                        "versions": ["0.1.0"],
                    }
                ],
            },
            AdvisoryScore(None, "high", None, None),
        ),
    ]


def batch() -> list[PendingAdvisory]:
    found = []
    for obj, score in records():
        rec, text, encoded = RawRecord(
            "r.json", "json", json.dumps(obj).encode()
        ).decode_for_storage()
        found.append(
            PendingAdvisory(validate(rec, score), text, hashlib.sha256(encoded).hexdigest())
        )
    return found


# -- the reference: SQLAlchemy Core, one dict per row ------------------------------------------


def reference_added_event(adv: Advisory) -> NewEvent:
    def iso(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    return NewEvent(
        added_event(adv).kind,
        adv.id,
        {
            "modified": iso(adv.modified),
            "published": iso(adv.published),
            "withdrawn": iso(adv.withdrawn),
            "summary": adv.summary,
            "aliases": list(adv.aliases),
            "severity": score_json(adv.score),
            "packages": packages(adv),
        },
    )


def reference_write(conn: Connection, items: list[PendingAdvisory]) -> None:
    conn.execute(
        sa.insert(advisories),
        [
            {
                "id": p.advisory.id,
                "modified": p.advisory.modified,
                "published": p.advisory.published,
                "withdrawn": p.advisory.withdrawn,
                "source": p.advisory.source,
                "summary": p.advisory.summary,
                "score": p.advisory.score.score,
                "severity": p.advisory.score.severity,
                "score_version": p.advisory.score.version,
                "vector": p.advisory.score.vector,
                "cwes": " ".join(p.advisory.cwes),
                "record": p.record_json,
                "record_sha256": p.sha256,
                "imported_at": NOW,
            }
            for p in items
        ],
    )
    aliases = [
        {"advisory_id": p.advisory.id, "alias": a} for p in items for a in p.advisory.aliases
    ]
    if aliases:
        conn.execute(sa.insert(advisory_aliases), aliases)
    conn.execute(
        sa.insert(affected_packages),
        [
            {
                "advisory_id": p.advisory.id,
                "entry_index": e.index,
                "ecosystem": e.ecosystem,
                "ecosystem_base": base_ecosystem(e.ecosystem),
                "name": e.name,
                "ranges": json.dumps(
                    [
                        {"type": r.type, "events": [[v.kind, v.version] for v in r.events]}
                        | ({"repo": r.repo} if r.repo else {})
                        for r in e.ranges
                    ],
                    separators=(",", ":"),
                    ensure_ascii=False,
                ),
                "versions": json.dumps(list(e.versions), separators=(",", ":")),
            }
            for p in items
            for e in p.advisory.affected
        ],
    )
    conn.execute(
        sa.insert(change_events),
        [
            {
                "created_at": NOW,
                "kind": str(event.kind),
                "subject": event.subject,
                "source": "import",
                "details": orjson.dumps(event.details, option=orjson.OPT_SORT_KEYS).decode(),
            }
            for event in (reference_added_event(p.advisory) for p in items)
        ],
    )


def fast_write(conn: Connection, items: list[PendingAdvisory]) -> None:
    advisory_repo.write_advisories(conn, items, (), NOW)
    write_events(conn, [added_event(p.advisory) for p in items], source="import", now=NOW)


_TABLES = (
    ("advisories", "id", ()),
    ("advisory_aliases", "advisory_id, alias", ()),
    ("affected_packages", "id", ("id",)),  # generated keys: compared by order only
    ("change_events", "seq", ("seq",)),
)


def stored(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row as the driver returns it (SQLite: the stored text of datetimes)."""
    found = {}
    for table, order, skip in _TABLES:
        result = conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {order}")
        keep = [i for i, name in enumerate(result.keys()) if name not in skip]
        found[table] = [tuple(row[i] for i in keep) for row in result]
    return found


def written_by(engine: Engine, write: Callable[[Connection, list[PendingAdvisory]], None]) -> Any:
    with engine.connect() as conn, conn.begin() as tx:
        write(conn, batch())
        rows = stored(conn)
        tx.rollback()
    return rows


def check_same(engine: Engine) -> None:
    fast = written_by(engine, fast_write)
    reference = written_by(engine, reference_write)
    assert [len(fast[t]) for t, _, _ in _TABLES] == [3, 2, 3, 3]
    assert fast == reference


def test_driver_level_writes_match_sqlalchemy_core_on_sqlite(runink_home: Path) -> None:
    engine = open_engine()
    assert engine.dialect.name == "sqlite"
    check_same(engine)
    engine.dispose()


@pytest.fixture
def postgres_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
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


def test_driver_level_writes_match_sqlalchemy_core_on_postgres(postgres_engine: Engine) -> None:
    assert postgres_engine.dialect.name == "postgresql"
    check_same(postgres_engine)
