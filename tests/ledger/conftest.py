"""Ledger fixtures: a real SQLite ledger in a temporary RUNINK_HOME, and the attacker's tools."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from runink.ledger import kinds
from runink.ledger.entry import EntryInput, Subject
from runink.ledger.ledger import Ledger
from runink.ledger.store import snapshot
from runink.ledger.verify import Anchor, VerifyReport, verify_ledger
from runink.store.db import open_engine

TRIGGERS = (
    "ledger_entries_no_update",
    "ledger_entries_no_delete",
    "ledger_checkpoints_no_update",
    "ledger_checkpoints_no_delete",
    "ledger_keys_no_update",
    "ledger_keys_no_delete",
)


def finding(i: int, artifact: str = "payments-api", repo: str = "org/payments") -> EntryInput:
    """A finding.opened entry as a scan writes it."""
    return EntryInput(
        actor="runink/scan",
        kind=kinds.FINDING_OPENED,
        subject=Subject(
            artifact=artifact,
            repo=repo,
            vulnerability=f"CVE-2024-{1000 + i}",
            component=f"pkg:pypi/django@4.2.{i}",
        ),
        payload={
            "severity": "high",
            "score": 8.1,
            "fixed_version": f"4.2.{i + 1}",
            "advisories": [f"GHSA-{i:04d}-aaaa-bbbb", f"PYSEC-2024-{i}"],
            "scan_id": "scan-1",
        },
    )


@pytest.fixture(autouse=True)
def _no_ledger_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own ledger key or config file must not leak into a test."""
    monkeypatch.delenv("RUNINK_LEDGER_KEY", raising=False)
    monkeypatch.delenv("RUNINK_CONFIG", raising=False)


@pytest.fixture
def engine(runink_home: Path) -> Iterator[Engine]:
    engine = open_engine()
    yield engine
    engine.dispose()


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    return Ledger(engine)


@pytest.fixture
def db_path(runink_home: Path) -> Path:
    return runink_home / "runink.db"


@pytest.fixture
def three_batches(ledger: Ledger) -> Ledger:
    """60 entries appended as three scans of 20: checkpoints at tree sizes 20, 40 and 60."""
    for batch in range(3):
        ledger.append([finding(batch * 20 + i) for i in range(20)])
    return ledger


def verify(
    ledger: Ledger, *, pinned: tuple[Path, ...] = (), anchors: tuple[Anchor, ...] = ()
) -> VerifyReport:
    with snapshot(ledger.engine) as conn:
        return verify_ledger(conn, ledger.trusted_keys(pinned), anchors)


@dataclass
class Attacker:
    """Someone with write access to the database file, working with the sqlite3 module."""

    path: Path

    def __post_init__(self) -> None:
        self.conn = sqlite3.connect(self.path, isolation_level=None)

    def drop_triggers(self) -> None:
        for name in TRIGGERS:
            self.conn.execute(f"DROP TRIGGER IF EXISTS {name}")

    def sql(self, statement: str, *params: object) -> list[tuple[object, ...]]:
        return self.conn.execute(statement, params).fetchall()

    def row(self, seq: int) -> dict[str, object]:
        cursor = self.conn.execute("SELECT * FROM ledger_entries WHERE seq = ?", (seq,))
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def attacker(db_path: Path) -> Iterator[Attacker]:
    intruder = Attacker(db_path)
    yield intruder
    intruder.close()


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def runink(runink_home: Path) -> Callable[..., Run]:
    """The real ``runink`` command in a subprocess, on the test's RUNINK_HOME."""

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        full_env = {**os.environ, "RUNINK_HOME": str(runink_home), "COLUMNS": "200", **(env or {})}
        full_env.pop("RUNINK_DATABASE_URL", None)
        proc = subprocess.run(
            [sys.executable, "-m", "runink", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            check=False,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


EntryFactory = Callable[[int], EntryInput]
