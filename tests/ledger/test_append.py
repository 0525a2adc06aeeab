"""Appending: one transaction per batch, the chain, the checkpoint policy, input checks."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from runink.errors import InputError
from runink.ledger import kinds
from runink.ledger.entry import ZERO_HASH, EntryInput, Subject, parse_time
from runink.ledger.ledger import Ledger
from runink.ledger.merkle import root_of
from runink.ledger.settings import LedgerSettings
from runink.ledger.store import EntryFilter
from runink.store.tables import ledger_checkpoints, ledger_entries

from .conftest import finding, verify


def test_batch_is_numbered_and_chained(ledger: Ledger) -> None:
    first = ledger.append([finding(i) for i in range(3)])
    second = ledger.append([finding(i) for i in range(3, 5)])
    entries = first + second
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == ZERO_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.entry_hash
    assert all(e.computed_hash() == e.entry_hash for e in entries)
    assert ledger.entries() == entries  # what was returned is what was stored
    assert entries[0].payload["advisories"] == ["GHSA-0000-aaaa-bbbb", "PYSEC-2024-0"]


def test_payload_is_stored_as_canonical_json(ledger: Ledger) -> None:
    (entry,) = ledger.append(
        [
            EntryInput(
                actor="policy:critical-openssl-prod",
                kind=kinds.TRIGGER_FIRED,
                subject=Subject(artifact="payments-api", vulnerability="CVE-2023-0286"),
                payload={"values": {"cve.score": 7.4, "image.environment": "prod"}, "trigger": "t"},
            )
        ]
    )
    assert entry.payload_json == (
        '{"trigger":"t","values":{"cve.score":7.4,"image.environment":"prod"}}'
    )


def test_checkpoint_at_end_of_each_batch_and_every_n(engine: sa.Engine, runink_home: Path) -> None:
    ledger = Ledger(engine, LedgerSettings(runink_home / "ledger.key", checkpoint_every=10))
    ledger.append([finding(i) for i in range(25)])
    ledger.append([finding(i) for i in range(3)])
    with engine.connect() as conn:
        sizes = conn.execute(sa.select(ledger_checkpoints.c.tree_size)).scalars().all()
        hashes = (
            conn.execute(sa.select(ledger_entries.c.entry_hash).order_by(ledger_entries.c.seq))
            .scalars()
            .all()
        )
        roots = dict(
            conn.execute(
                sa.select(ledger_checkpoints.c.tree_size, ledger_checkpoints.c.root_hash)
            ).all()
        )
    assert sorted(sizes) == [10, 20, 25, 28]
    data = [bytes.fromhex(h) for h in hashes]
    assert all(roots[size] == root_of(data[:size]).hex() for size in sizes)
    report = verify(ledger)
    assert report.ok and report.checkpoints == 4


def test_recorded_time_is_utc_and_never_goes_backwards(ledger: Ledger) -> None:
    entries = ledger.append([finding(1)]) + ledger.append([finding(2)])
    times = [parse_time(e.recorded_at) for e in entries]
    assert times[0] <= times[1]
    assert entries[0].recorded_at.endswith("Z") and len(entries[0].recorded_at) == 27


def test_empty_batch_writes_nothing(ledger: Ledger) -> None:
    assert ledger.append([]) == []
    assert ledger.head() is None and ledger.latest_checkpoint() is None


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            EntryInput(actor="runink", kind="finding.found"),
            "ledger entry #2: kind 'finding.found' is not a ledger kind",
        ),
        (
            EntryInput(actor="", kind=kinds.EVENT_LOGGED, payload={"entry": "x"}),
            "ledger entry #2: actor must be non-empty text",
        ),
        (
            EntryInput(
                actor="runink", kind=kinds.FINDING_CLOSED, subject=Subject(component="pkg:npm/x@1")
            ),
            "ledger entry #2: subject.vulnerability is required for finding.closed",
        ),
        (
            EntryInput(
                actor="runink",
                kind=kinds.FINDING_CLOSED,
                subject=Subject(vulnerability="CVE-1", component="pkg:npm/x@1"),
            ),
            "ledger entry #2: payload.reason required for finding.closed",
        ),
        (
            EntryInput(
                actor="runink",
                kind=kinds.DEPLOY_BLOCKED,
                subject=Subject(artifact="a", component="npm/x"),
            ),
            r"ledger entry #2: subject.component must be a package URL \(pkg:…\)",
        ),
        (
            EntryInput(
                actor="runink",
                kind=kinds.EVENT_LOGGED,
                payload={"entry": "x", "at": {"t": float("nan")}},
            ),
            r"ledger entry #2: payload.at.t: nan is not a JSON number",
        ),
        (
            EntryInput(
                actor="runink",
                kind=kinds.EVENT_LOGGED,
                subject=Subject(artifact=""),
                payload={"entry": "x"},
            ),
            "ledger entry #2: subject.artifact must be non-empty text or absent",
        ),
    ],
)
def test_bad_input_names_the_entry_and_writes_nothing(
    ledger: Ledger, item: EntryInput, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        ledger.append([finding(1), item, finding(2)])
    assert ledger.head() is None


def test_every_kind_has_a_constant_and_documented_fields() -> None:
    names = {
        value for name, value in vars(kinds).items() if name.isupper() and isinstance(value, str)
    }
    assert names == set(kinds.KINDS)
    assert len(kinds.KINDS) == 14
    for spec in kinds.KINDS.values():
        assert spec.description and all(f.description for f in spec.fields)


def test_entries_filters(ledger: Ledger) -> None:
    ledger.append(
        [finding(i, artifact="web" if i % 2 else "api", repo="org/web") for i in range(6)]
    )
    ledger.append(
        [
            EntryInput(
                actor="user:alice@example.com",
                kind=kinds.EXCEPTION_CREATED,
                subject=Subject(vulnerability="CVE-2024-1001", artifact="web"),
                payload={
                    "reason": "not reachable",
                    "approved_by": ["alice"],
                    "expires": "2027-01-31",
                },
            )
        ]
    )
    assert [e.seq for e in ledger.entries(EntryFilter(artifact="web"))] == [2, 4, 6, 7]
    assert [e.seq for e in ledger.entries(EntryFilter(kind="exception"))] == [7]
    assert [
        e.seq
        for e in ledger.entries(EntryFilter(kind="finding.opened", limit=2, newest_first=True))
    ] == [5, 6]
    assert [e.seq for e in ledger.entries(EntryFilter(actor="user:alice@example.com"))] == [7]
    assert [e.seq for e in ledger.entries(EntryFilter(vulnerability="CVE-2024-1001"))] == [2, 7]
    assert ledger.entries(EntryFilter(since="2999-01-01T00:00:00.000000Z")) == []


def test_appender_refuses_a_ledger_whose_checkpoints_were_removed(ledger: Ledger, attacker) -> None:  # type: ignore[no-untyped-def]
    from runink.ledger.ledger import LedgerIntegrityError

    ledger.append([finding(1)])
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_checkpoints")
    with pytest.raises(
        LedgerIntegrityError, match=r"entries 1\.\.1 are not covered by any signed checkpoint"
    ):
        ledger.append([finding(2)])


def test_frontier_is_json_list_of_peaks(ledger: Ledger) -> None:
    ledger.append([finding(i) for i in range(7)])
    with ledger.engine.connect() as conn:
        frontier = conn.execute(sa.select(ledger_checkpoints.c.frontier)).scalar_one()
    assert len(json.loads(frontier)) == 3  # 7 = 4 + 2 + 1
