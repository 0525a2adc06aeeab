"""Tampering with the SQLite file the way an attacker would, and what `verify` reports.

Each test opens the database with the sqlite3 module, drops the append-only triggers and
changes the ledger; the verifier must name the first bad entry and what happened to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from runink.ledger.bundle import load_anchor
from runink.ledger.checkpoint import sign_checkpoint
from runink.ledger.entry import Subject, entry_hash
from runink.ledger.keys import generate_key_file, load_signing_key
from runink.ledger.ledger import Ledger, LedgerIntegrityError
from runink.ledger.merkle import root_of
from runink.ledger.verify import ProblemKind

from .conftest import Attacker, Run, finding, verify


def test_intact_ledger_verifies(three_batches: Ledger) -> None:
    report = verify(three_batches)
    assert report.ok, report.problem
    assert (report.entries, report.verified, report.checkpoints) == (60, 60, 3)
    assert report.key_ids == (three_batches.signing_key().key_id,)
    assert report.head_hash == three_batches.head().entry_hash  # type: ignore[union-attr]


def test_empty_ledger_verifies(ledger: Ledger) -> None:
    report = verify(ledger)
    assert report.ok and report.entries == 0 and report.checkpoints == 0


# -- the database refuses changes while its triggers are in place ---------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET payload = '{}' WHERE seq = 3",
        "DELETE FROM ledger_entries WHERE seq = 3",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_checkpoints SET root_hash = 'x'",
        "DELETE FROM ledger_checkpoints",
        "DELETE FROM ledger_keys",
    ],
)
def test_database_refuses_update_and_delete(
    three_batches: Ledger, attacker: Attacker, statement: str
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        attacker.sql(statement)
    assert verify(three_batches).ok


# -- each kind of tampering ------------------------------------------------------------------


def test_payload_byte_edited(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    payload = str(attacker.row(27)["payload"])
    assert '"score":8.1' in payload
    attacker.sql(
        "UPDATE ledger_entries SET payload = ? WHERE seq = 27", payload.replace("8.1", "3.1")
    )
    report = verify(three_batches)
    assert report.problem is not None
    assert report.problem.kind is ProblemKind.EDITED
    assert report.problem.seq == 27
    assert "content of entry 27 no longer matches its hash" in report.problem.message
    assert report.verified == 26


def test_subject_edited(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET artifact = 'other-api' WHERE seq = 5")
    problem = verify(three_batches).problem
    assert problem is not None and (problem.kind, problem.seq) == (ProblemKind.EDITED, 5)


def test_row_deleted(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_entries WHERE seq = 33")
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.DELETED, 33)
    assert problem.message == "entry 33 is missing: entry 34 follows entry 32"


def test_rows_deleted_and_renumbered(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_entries WHERE seq IN (33, 34)")
    attacker.sql("UPDATE ledger_entries SET seq = seq - 2 WHERE seq > 34")
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.DELETED, 33)
    assert "links to a hash no stored entry has" in problem.message


def test_first_row_deleted(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_entries WHERE seq = 1")
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.DELETED, 1)
    assert problem.message == "entry 1 is missing: the ledger starts at entry 2"


def test_two_rows_swapped(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET seq = -1 WHERE seq = 12")
    attacker.sql("UPDATE ledger_entries SET seq = 12 WHERE seq = 13")
    attacker.sql("UPDATE ledger_entries SET seq = 13 WHERE seq = -1")
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.REORDERED, 12)
    assert problem.message == (
        "entry 12 is out of order: it was recorded after the entry now stored as 13"
    )


def test_distant_rows_swapped(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET seq = -1 WHERE seq = 8")
    attacker.sql("UPDATE ledger_entries SET seq = 8 WHERE seq = 50")
    attacker.sql("UPDATE ledger_entries SET seq = 50 WHERE seq = -1")
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.REORDERED, 8)
    assert problem.message.endswith("it was recorded after the entry now stored as 49")


def test_tail_truncated(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_entries WHERE seq > 45")
    report = verify(three_batches)
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq) == (ProblemKind.TRUNCATED, 46)
    assert report.problem.message == (
        "the ledger ends at entry 45 but a signed checkpoint covers 60 entries: "
        "entries 46..60 are missing"
    )


def test_truncation_with_its_checkpoints_needs_an_anchor(
    three_batches: Ledger, attacker: Attacker, tmp_path: Path, runink: object
) -> None:
    # The auditor saved the newest checkpoint elsewhere before the attack.
    from runink.ledger.bundle import build_anchor, write_json
    from runink.ledger.store import snapshot

    with snapshot(three_batches.engine) as conn:
        write_json(tmp_path / "anchor.json", build_anchor(conn))
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_entries WHERE seq > 40")
    attacker.sql("DELETE FROM ledger_checkpoints WHERE tree_size > 40")
    assert verify(three_batches).ok  # a clean cut at a checkpoint: invisible from inside
    report = verify(three_batches, anchors=(load_anchor(tmp_path / "anchor.json"),))
    assert report.problem is not None
    assert (report.problem.kind, report.problem.seq) == (ProblemKind.TRUNCATED, 41)
    assert f"anchor {tmp_path / 'anchor.json'} covers 60 entries" in report.problem.message


def test_key_replaced(three_batches: Ledger, runink_home: Path) -> None:
    key_path = runink_home / "ledger.key"
    old_id = three_batches.signing_key().key_id
    key_path.unlink()
    generate_key_file(key_path)
    fresh = Ledger(three_batches.engine)
    new_id = fresh.signing_key().key_id
    report = verify(fresh)
    assert report.problem is not None
    assert report.problem.kind is ProblemKind.BAD_SIGNATURE
    assert (report.problem.seq, report.problem.checkpoint) == (None, 20)
    assert report.problem.message.startswith(
        f"the checkpoint at tree size 20 is signed by key {old_id}, which is not a trusted key "
        f"(trusted: {new_id})"
    )
    # And the appender refuses to carry on as if nothing happened? It cannot tell: the old
    # checkpoint's root still matches. The verifier is what catches a replaced key.


def _rewrite_chain_from(attacker: Attacker, start: int, size: int) -> None:
    """Recompute every hash from ``start`` on, as an attacker who read docs/ledger-format.md."""
    prev = str(attacker.row(start - 1)["entry_hash"]) if start > 1 else "0" * 64
    for seq in range(start, size + 1):
        row = attacker.row(seq)
        digest = entry_hash(
            seq=seq,
            prev_hash=prev,
            recorded_at=str(row["recorded_at"]),
            actor=str(row["actor"]),
            kind=str(row["kind"]),
            subject=Subject(
                row["artifact"],
                row["repo"],
                row["vulnerability"],
                row["component"],  # type: ignore[arg-type]
            ),
            payload=str(row["payload"]),
        )
        attacker.sql(
            "UPDATE ledger_entries SET prev_hash = ?, entry_hash = ? WHERE seq = ?",
            prev,
            digest,
            seq,
        )
        prev = digest


def test_edit_with_recomputed_hash(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET actor = 'user:mallory' WHERE seq = 30")
    row = attacker.row(30)
    digest = entry_hash(
        seq=30,
        prev_hash=str(row["prev_hash"]),
        recorded_at=str(row["recorded_at"]),
        actor="user:mallory",
        kind=str(row["kind"]),
        subject=Subject(row["artifact"], row["repo"], row["vulnerability"], row["component"]),  # type: ignore[arg-type]
        payload=str(row["payload"]),
    )
    attacker.sql("UPDATE ledger_entries SET entry_hash = ? WHERE seq = 30", digest)
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.EDITED, 30)
    assert "entry 30 was changed and its hash recomputed: entry 31 still links" in problem.message


def test_edit_with_whole_chain_recomputed(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET vulnerability = 'CVE-2000-0001' WHERE seq = 30")
    _rewrite_chain_from(attacker, 30, 60)
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.checkpoint) == (ProblemKind.EDITED, 21, 40)
    assert problem.message.startswith(
        "entries 21..40 no longer produce the root signed at tree size 40"
    )


def test_rewrite_resigned_with_the_attackers_key(
    three_batches: Ledger, attacker: Attacker, runink_home: Path, tmp_path: Path
) -> None:
    """A full rewrite re-signed with a new key passes only if the verifier trusts that key:
    an auditor who pinned the original public key catches it."""
    pinned = tmp_path / "ledger.pub"
    pinned.write_text(three_batches.signing_key().public.pem())
    attacker.drop_triggers()
    attacker.sql('UPDATE ledger_entries SET payload = \'{"severity":"low"}\' WHERE seq = 30')
    _rewrite_chain_from(attacker, 30, 60)
    mallory_path = tmp_path / "mallory.key"
    generate_key_file(mallory_path)
    mallory = load_signing_key(mallory_path)
    hashes = [
        bytes.fromhex(str(h))
        for (h,) in attacker.sql("SELECT entry_hash FROM ledger_entries ORDER BY seq")
    ]
    attacker.sql("DELETE FROM ledger_checkpoints")
    for size in (20, 40, 60):
        cp = sign_checkpoint(
            mallory, size, root_of(hashes[:size]).hex(), "2026-12-01T00:00:00.000000Z"
        )
        attacker.sql(
            "INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?, ?, '[]')",
            cp.tree_size,
            cp.root_hash,
            cp.signed_at,
            cp.key_id,
            cp.signature,
        )
    (runink_home / "ledger.key").unlink()
    (runink_home / "ledger.key").write_bytes(mallory_path.read_bytes())
    (runink_home / "ledger.key").chmod(0o600)
    fooled = Ledger(three_batches.engine)
    assert verify(fooled).ok  # the database and the key file agree with each other...
    problem = verify(fooled, pinned=(pinned,)).problem  # ...but not with the pinned key
    assert problem is not None
    assert (problem.kind, problem.checkpoint) == (ProblemKind.BAD_SIGNATURE, 20)
    assert f"signed by key {mallory.key_id}, which is not a trusted key" in problem.message


def test_checkpoint_signature_altered(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    (signature,) = attacker.sql("SELECT signature FROM ledger_checkpoints WHERE tree_size = 40")[0]
    flipped = ("1" if str(signature)[0] == "0" else "0") + str(signature)[1:]
    attacker.sql("UPDATE ledger_checkpoints SET signature = ? WHERE tree_size = 40", flipped)
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.checkpoint) == (ProblemKind.BAD_SIGNATURE, 40)
    assert "its signature does not verify" in problem.message


def test_checkpoint_root_altered(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_checkpoints SET root_hash = ? WHERE tree_size = 20", "ab" * 32)
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.checkpoint) == (ProblemKind.BAD_SIGNATURE, 20)


def _forge(
    attacker: Attacker, seq: int, prev: str, actor: str = "user:mallory"
) -> tuple[object, ...]:
    subject = Subject(artifact="payments-api")
    payload = '{"reason":"approved by nobody"}'
    recorded_at = "2026-12-01T00:00:00.000000Z"
    digest = entry_hash(
        seq=seq, prev_hash=prev, recorded_at=recorded_at, actor=actor, kind="deploy.allowed",
        subject=subject, payload=payload,
    )  # fmt: skip
    return (
        seq,
        recorded_at,
        actor,
        "deploy.allowed",
        "payments-api",
        None,
        None,
        None,
        payload,
        prev,
        digest,
    )


def test_forged_entry_appended_at_the_tail(three_batches: Ledger, attacker: Attacker) -> None:
    head = attacker.row(60)
    attacker.sql(
        "INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        *_forge(attacker, 61, str(head["entry_hash"])),
    )
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.UNSIGNED, 61)
    assert problem.message.startswith("entries 61..61 are not covered by any signed checkpoint")
    with pytest.raises(
        LedgerIntegrityError, match="latest checkpoint covers 60 entries but the ledger holds 61"
    ):
        three_batches.append([finding(99)])  # never signs over the forged entry


def test_forged_entry_inserted_in_the_middle(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET seq = -seq WHERE seq >= 25")
    attacker.sql("UPDATE ledger_entries SET seq = 1 - seq WHERE seq < 0")  # 25.. become 26..
    prev = str(attacker.row(24)["entry_hash"])
    attacker.sql(
        "INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?,?,?)", *_forge(attacker, 25, prev)
    )
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.INSERTED, 25)
    assert problem.message == (
        "entry 25 was inserted: the entry after it (renumbered to 26) links straight to entry 24"
    )


def test_garbage_row_inserted_in_the_middle(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("UPDATE ledger_entries SET seq = -seq WHERE seq >= 25")
    attacker.sql("UPDATE ledger_entries SET seq = 1 - seq WHERE seq < 0")
    forged = list(_forge(attacker, 25, "cd" * 32))
    forged[-1] = "ef" * 32  # not even a correct hash
    attacker.sql("INSERT INTO ledger_entries VALUES (?,?,?,?,?,?,?,?,?,?,?)", *forged)
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.INSERTED, 25)
    assert problem.message == (
        "entry 25 was inserted: the entry after it links straight to entry 24"
    )


def test_every_checkpoint_deleted(three_batches: Ledger, attacker: Attacker) -> None:
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_checkpoints")
    problem = verify(three_batches).problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.UNSIGNED, 1)


def test_cli_names_the_bad_entry_and_exits_1(
    three_batches: Ledger, attacker: Attacker, runink: object
) -> None:
    attacker.drop_triggers()
    attacker.sql("DELETE FROM ledger_entries WHERE seq = 33")
    result: Run = runink("ledger", "verify")  # type: ignore[operator]
    assert result.code == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        "ledger FAILED at entry 33: deleted: entry 33 is missing: entry 34 follows entry 32"
    )
    assert "verified before the failure: 32 of 59 entries, 1 checkpoint(s)" in result.stdout
