"""A process killed mid-append, and several processes appending at once, on real SQLite."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy.engine import Engine

from runink.ledger import kinds
from runink.ledger.entry import EntryInput, Subject
from runink.ledger.ledger import Ledger
from runink.store.db import open_engine

from .conftest import verify

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from runink.ledger.ledger import Ledger
    from runink.store.db import open_engine
    from tests.ledger.conftest import finding

    ledger = Ledger(open_engine())
    ledger.append([finding(i) for i in range(20)])
    print("committed", flush=True)
    ledger.append([finding(i) for i in range(60_000)])
    print("done", flush=True)
    """
)


def _write_locked(db: Path) -> bool:
    """True while another connection holds the database's write lock."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        conn.close()


def test_process_killed_mid_append_leaves_a_valid_ledger(
    engine: Engine, runink_home: Path, db_path: Path
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=REPO,
        env={**os.environ, "RUNINK_HOME": str(runink_home), "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "committed"
        deadline = time.monotonic() + 60
        while not _write_locked(db_path):  # the big batch is being written
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the child never took the write lock"
            time.sleep(0.005)
        time.sleep(0.2)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        assert "done" not in child.stdout.read()
    finally:
        if child.poll() is None:
            child.kill()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    ledger = Ledger(engine)
    report = verify(ledger)
    assert report.ok, report.problem
    assert (report.entries, report.checkpoints) == (20, 1)  # nothing of the killed batch
    ledger.append([EntryInput(actor="runink", kind=kinds.EVENT_LOGGED, payload={"entry": "after"})])
    report = verify(ledger)
    assert report.ok and report.entries == 21


def _appender(home: str, worker: int, batches: int, size: int) -> int:
    os.environ["RUNINK_HOME"] = home
    engine = open_engine()
    ledger = Ledger(engine)
    for batch in range(batches):
        ledger.append(
            [
                EntryInput(
                    actor=f"worker-{worker}",
                    kind=kinds.FINDING_OPENED,
                    subject=Subject(
                        vulnerability=f"CVE-2024-{i}", component="pkg:npm/lodash@4.17.20"
                    ),
                    payload={"n": batch * size + i},
                )
                for i in range(size)
            ]
        )
    engine.dispose()
    return worker


def test_concurrent_appenders_in_several_processes_make_one_chain(
    engine: Engine, runink_home: Path
) -> None:
    workers, batches, size = 4, 15, 20
    Ledger(engine).append(
        [EntryInput(actor="runink", kind=kinds.EVENT_LOGGED, payload={"entry": "start"})]
    )
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        done = pool.starmap(
            _appender, [(str(runink_home), w, batches, size) for w in range(workers)]
        )
    assert sorted(done) == list(range(workers))
    ledger = Ledger(engine)
    report = verify(ledger)
    assert report.ok, report.problem
    total = 1 + workers * batches * size
    assert report.entries == total
    entries = ledger.entries()
    assert [e.seq for e in entries] == list(range(1, total + 1))  # no gaps, no duplicates
    # One checkpoint per batch, plus one every 1000 entries (the default interval); none lost.
    ends = {1 + size * k for k in range(workers * batches + 1)}
    assert report.checkpoints == len(ends | set(range(1000, total + 1, 1000)))
    for w in range(workers):
        mine = [e.payload["n"] for e in entries if e.actor == f"worker-{w}"]
        assert mine == list(range(batches * size))  # each batch whole and in order
    # Batches never interleave: each batch's entries are contiguous.
    runs = [e.actor for e in entries[1:]]
    changes = sum(1 for a, b in itertools.pairwise(runs) if a != b)
    assert changes <= workers * batches - 1
