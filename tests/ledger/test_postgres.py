"""The ledger on a real PostgreSQL: append, verify, refusal of UPDATE/DELETE/TRUNCATE, and
concurrent appenders (skipped where no server is reachable)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.ledger import kinds
from runink.ledger.entry import EntryInput, Subject
from runink.ledger.ledger import Ledger
from runink.store.db import open_engine

from ..store.test_postgres import postgres_url  # noqa: F401 - the fixture
from .conftest import finding, verify


@pytest.fixture
def pg_engine(runink_home: Path, postgres_url: str) -> Iterator[Engine]:  # noqa: F811
    """RUNINK_HOME first (it clears RUNINK_DATABASE_URL), then the database URL."""
    engine = open_engine()
    assert engine.dialect.name == "postgresql"
    yield engine
    engine.dispose()


def test_append_and_verify_on_postgres(pg_engine: Engine) -> None:
    ledger = Ledger(pg_engine)
    ledger.append([finding(i) for i in range(30)])
    ledger.append([finding(i) for i in range(30, 45)])
    report = verify(ledger)
    assert report.ok, report.problem
    assert (report.entries, report.checkpoints) == (45, 2)
    assert [e.seq for e in ledger.entries()] == list(range(1, 46))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET payload = '{}' WHERE seq = 2",
        "DELETE FROM ledger_entries WHERE seq = 2",
        "TRUNCATE ledger_entries",
        "UPDATE ledger_checkpoints SET root_hash = 'x'",
        "TRUNCATE ledger_checkpoints",
        "DELETE FROM ledger_keys",
    ],
)
def test_postgres_refuses_changes(pg_engine: Engine, statement: str) -> None:
    ledger = Ledger(pg_engine)
    ledger.append([finding(i) for i in range(3)])
    with pytest.raises(sa.exc.IntegrityError, match="is append-only"), pg_engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert verify(ledger).ok


def test_tampering_detected_on_postgres(pg_engine: Engine) -> None:
    ledger = Ledger(pg_engine)
    ledger.append([finding(i) for i in range(10)])
    with pg_engine.begin() as conn:
        conn.execute(
            sa.text("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only")
        )
        conn.execute(sa.text("UPDATE ledger_entries SET kind = 'finding.closed' WHERE seq = 4"))
    problem = verify(ledger).problem
    assert problem is not None and (str(problem.kind), problem.seq) == ("edited", 4)


def _appender(url: str, home: str, worker: int) -> None:
    os.environ["RUNINK_DATABASE_URL"] = url
    os.environ["RUNINK_HOME"] = home
    engine = open_engine()
    ledger = Ledger(engine)
    for batch in range(8):
        ledger.append(
            [
                EntryInput(
                    actor=f"worker-{worker}",
                    kind=kinds.EVENT_LOGGED,
                    subject=Subject(artifact="a"),
                    payload={"entry": f"{batch}.{i}"},
                )
                for i in range(10)
            ]
        )
    engine.dispose()


def test_concurrent_appenders_on_postgres(pg_engine: Engine, runink_home: Path) -> None:
    url = pg_engine.url.render_as_string(hide_password=False)
    Ledger(pg_engine).signing_key()  # create the key once, before the workers race
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        pool.starmap(_appender, [(url, str(runink_home), w) for w in range(3)])
    report = verify(Ledger(pg_engine))
    assert report.ok, report.problem
    assert (report.entries, report.checkpoints) == (240, 24)
