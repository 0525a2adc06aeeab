"""`runink ledger log`: who decided what, when and why, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from runink.ledger import kinds
from runink.ledger.entry import EntryInput, Subject
from runink.ledger.ledger import Ledger

from .conftest import Run, finding

Runner = Callable[..., Run]


@pytest.fixture
def decisions(ledger: Ledger) -> Ledger:
    ledger.append(
        [
            EntryInput(
                actor="runink/scan",
                kind=kinds.SCAN_STARTED,
                subject=Subject(repo="org/payments"),
                payload={"scan_id": "s1", "inputs": [{"path": "poetry.lock", "sha256": "ab" * 32}]},
            ),
            finding(1),
            EntryInput(
                actor="policy:critical-prod",
                kind=kinds.DEPLOY_BLOCKED,
                subject=Subject(artifact="payments-api", vulnerability="CVE-2024-1001"),
                payload={"reason": "require patched version", "trigger": "critical-prod"},
            ),
            EntryInput(
                actor="user:alice@example.com",
                kind=kinds.EXCEPTION_CREATED,
                subject=Subject(artifact="payments-api", vulnerability="CVE-2024-1001"),
                payload={
                    "reason": "WAF rule 9123 blocks the path",
                    "approved_by": ["alice@example.com"],
                    "expires": "2027-01-31",
                },
            ),
        ]
    )
    return ledger


def test_log_table_says_who_what_when_why(decisions: Ledger, runink: Runner) -> None:
    result = runink("ledger", "log", "--artifact", "payments-api")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    blocked = next(line for line in lines if "deploy.blocked" in line)
    assert "policy:critical-prod" in blocked and "require patched version" in blocked
    excepted = next(line for line in lines if "exception.created" in line)
    assert "user:alice@example.com" in excepted and "WAF rule 9123 blocks the path" in excepted
    assert not any("scan.started" in line for line in lines)


def test_log_json_has_hashes_and_payloads(decisions: Ledger, runink: Runner) -> None:
    result = runink("ledger", "log", "--format", "json", "--actor", "user:alice@example.com")
    assert result.code == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    assert entry["seq"] == 4 and entry["kind"] == "exception.created"
    assert entry["payload"]["approved_by"] == ["alice@example.com"]
    assert entry["subject"] == {
        "artifact": "payments-api", "repo": None, "vulnerability": "CVE-2024-1001", "component": None,
    }  # fmt: skip
    assert len(entry["entry_hash"]) == 64


def test_log_csv_filters_by_kind_family_and_since(decisions: Ledger, runink: Runner) -> None:
    result = runink(
        "ledger", "log", "--format", "csv", "--kind", "scan", "--since", "2000-01-01T00:00:00Z"
    )
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["seq"], r["kind"], r["repo"]) for r in rows] == [
        ("1", "scan.started", "org/payments")
    ]
    assert json.loads(rows[0]["payload"])["scan_id"] == "s1"


def test_log_limit_shows_the_newest(decisions: Ledger, runink: Runner) -> None:
    result = runink("ledger", "log", "--format", "json", "--limit", "2")
    assert [e["seq"] for e in json.loads(result.stdout)] == [3, 4]


def test_log_without_a_database_exits_2(runink: Runner) -> None:
    result = runink("ledger", "log")
    assert result.code == 2 and "no Runink database yet" in result.stderr


def test_verify_on_an_empty_ledger(runink: Runner) -> None:
    assert runink("db", "status").code == 3  # creates nothing
    from runink.store.db import open_engine

    open_engine().dispose()
    result = runink("ledger", "verify")
    assert result.code == 0
    assert result.stdout.strip() == "ledger verified: 0 entries, 0 signed checkpoint(s) (key -)"
