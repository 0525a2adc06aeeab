"""Verifying the whole ledger: chain, entry hashes, Merkle roots, checkpoint signatures.

One pass in ``seq`` order recomputes every entry hash from the stored fields, checks that
each entry links to its predecessor, grows the Merkle tree and, at each checkpoint's tree
size, checks the signature (with a *trusted* key) and then the root. The first thing wrong
stops the walk and is diagnosed from the whole table's links: which entry, and whether it was
edited, deleted, inserted or reordered (or a checkpoint's signature is bad, the ledger was
truncated, or its tail is signed by nobody).
"""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from runink.ledger import store
from runink.ledger.checkpoint import Checkpoint
from runink.ledger.entry import ZERO_HASH, Subject, entry_hash
from runink.ledger.keys import PublicKey
from runink.ledger.merkle import Frontier, leaf_hash


class ProblemKind(enum.StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    BAD_SIGNATURE = "bad signature"
    UNSIGNED = "unsigned"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: ProblemKind
    message: str
    #: The first bad entry, when one can be named.
    seq: int | None = None
    #: The tree size of the checkpoint (or anchor) involved, if any.
    checkpoint: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "seq": self.seq,
            "checkpoint": self.checkpoint,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Anchor:
    """A checkpoint kept outside the database (``runink ledger checkpoint --out``)."""

    checkpoint: Checkpoint
    source: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    verified: int
    checkpoints: int
    anchors: int
    key_ids: tuple[str, ...]
    head_hash: str | None
    root_hash: str | None
    seconds: float
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "verified_entries": self.verified,
            "checkpoints": self.checkpoints,
            "anchors": self.anchors,
            "key_ids": list(self.key_ids),
            "head_hash": self.head_hash,
            "root_hash": self.root_hash,
            "seconds": round(self.seconds, 3),
            "problem": self.problem.as_dict() if self.problem else None,
        }


@dataclass(slots=True)
class _Walk:
    """State of the pass: what has been verified so far."""

    frontier: Frontier = field(default_factory=Frontier)
    prev: str = ZERO_HASH
    checked_checkpoints: int = 0
    checked_anchors: int = 0
    signed_by: set[str] = field(default_factory=set)
    last_good_checkpoint: int = 0


def verify_ledger(
    conn: Connection, trusted: Mapping[str, PublicKey], anchors: Sequence[Anchor] = ()
) -> VerifyReport:
    """Verify everything in ``conn``'s snapshot (see ``store.snapshot``)."""
    started = time.perf_counter()
    checkpoints = store.all_checkpoints(conn)
    walk = _Walk()
    checks: dict[int, list[Checkpoint | Anchor]] = {}
    for item in (*checkpoints, *anchors):
        size = item.tree_size if isinstance(item, Checkpoint) else item.checkpoint.tree_size
        checks.setdefault(size, []).append(item)

    def report(count: int, problem: Problem | None) -> VerifyReport:
        verified = walk.frontier.size
        return VerifyReport(
            entries=count,
            verified=verified,
            checkpoints=walk.checked_checkpoints,
            anchors=walk.checked_anchors,
            key_ids=tuple(sorted(walk.signed_by)),
            head_hash=walk.prev if verified else None,
            root_hash=walk.frontier.root().hex() if verified else None,
            seconds=time.perf_counter() - started,
            problem=problem,
        )

    expected = 1
    for row in store.iter_entry_rows(conn):
        seq, prev_hash, stored_hash = row[0], row[9], row[10]
        try:
            computed: str | None = entry_hash(
                seq=seq,
                prev_hash=prev_hash,
                recorded_at=row[1],
                actor=row[2],
                kind=row[3],
                subject=Subject(row[4], row[5], row[6], row[7]),
                payload=row[8],
            )
        except (ValueError, TypeError, AttributeError, OverflowError):
            computed = None
        if seq != expected or prev_hash != walk.prev or computed != stored_hash:
            problem = _diagnose(conn, expected, walk.prev, seq, prev_hash, stored_hash, computed)
            return report(_count(conn), problem)
        walk.frontier.append_leaf(leaf_hash(bytes.fromhex(stored_hash)))
        walk.prev = stored_hash
        expected += 1
        pending = checks.get(seq)
        if pending:
            problem = _check_at(walk, pending, trusted)
            if problem is not None:
                return report(_count(conn), problem)
    size = expected - 1
    beyond = sorted(s for s in checks if s > size)
    if beyond:
        item = checks[beyond[-1]][0]
        what = "a signed checkpoint" if isinstance(item, Checkpoint) else f"anchor {item.source}"
        return report(
            size,
            Problem(
                ProblemKind.TRUNCATED,
                f"the ledger ends at entry {size} but {what} covers {beyond[-1]} entries: "
                f"entries {size + 1}..{beyond[-1]} are missing",
                seq=size + 1,
                checkpoint=beyond[-1],
            ),
        )
    if size > walk.last_good_checkpoint:
        first = walk.last_good_checkpoint + 1
        return report(
            size,
            Problem(
                ProblemKind.UNSIGNED,
                f"entries {first}..{size} are not covered by any signed checkpoint: they were "
                "written around Runink (inserted), or the checkpoint covering them was deleted",
                seq=first,
            ),
        )
    return report(size, None)


def _count(conn: Connection) -> int:
    return store.count_entries(conn)


def _check_at(
    walk: _Walk, items: list[Checkpoint | Anchor], trusted: Mapping[str, PublicKey]
) -> Problem | None:
    size = walk.frontier.size
    root = walk.frontier.root().hex()
    for item in items:
        if isinstance(item, Anchor):
            if item.checkpoint.root_hash != root:
                return Problem(
                    ProblemKind.EDITED,
                    f"entries 1..{size} no longer produce the root saved in anchor "
                    f"{item.source} ({item.checkpoint.root_hash}, signed "
                    f"{item.checkpoint.signed_at}): the ledger was rewritten since",
                    checkpoint=size,
                )
            walk.checked_anchors += 1
            continue
        key = trusted.get(item.key_id)
        if key is None:
            known = ", ".join(sorted(trusted)) or "none"
            return Problem(
                ProblemKind.BAD_SIGNATURE,
                f"the checkpoint at tree size {size} is signed by key {item.key_id}, which is "
                f"not a trusted key (trusted: {known}); the signing key was replaced, or the "
                "checkpoint forged",
                checkpoint=size,
            )
        if not item.signature_valid(key):
            return Problem(
                ProblemKind.BAD_SIGNATURE,
                f"the checkpoint at tree size {size}: its signature does not verify with key "
                f"{item.key_id} (the checkpoint was altered or forged)",
                checkpoint=size,
            )
        if item.root_hash != root:
            first = walk.last_good_checkpoint + 1
            return Problem(
                ProblemKind.EDITED,
                f"entries {first}..{size} no longer produce the root signed at tree size "
                f"{size}: an entry in that range was edited and the chain recomputed after it",
                seq=first,
                checkpoint=size,
            )
        walk.checked_checkpoints += 1
        walk.signed_by.add(item.key_id)
        walk.last_good_checkpoint = size
    return None


def _diagnose(
    conn: Connection,
    expected: int,
    good_prev: str,
    seq: int,
    prev_hash: str,
    stored_hash: str,
    computed: str | None,
) -> Problem:
    """Name the first bad entry and what happened to it, from the links of the whole table."""
    if seq > expected:
        missing = (
            f"entry {expected} is missing"
            if seq - 1 == expected
            else f"entries {expected}..{seq - 1} are missing"
        )
        where = (
            f"entry {seq} follows entry {expected - 1}"
            if expected > 1
            else f"the ledger starts at entry {seq}"
        )
        return Problem(ProblemKind.DELETED, f"{missing}: {where}", seq=expected)
    if seq < expected:
        return Problem(ProblemKind.INSERTED, f"a second entry numbered {seq}", seq=seq)
    rows = store.all_entry_hashes(conn)
    index = expected - 1  # rows[index] is this entry: every earlier seq was present
    position = {h: i for i, (_, _, h) in enumerate(rows)}
    following = rows[index + 1] if index + 1 < len(rows) else None
    if following is not None and following[1] == good_prev:
        before = f"entry {seq - 1}" if seq > 1 else "the start of the ledger"
        return Problem(
            ProblemKind.INSERTED,
            f"entry {seq} was inserted: the entry after it links straight to {before}",
            seq=seq,
        )
    if prev_hash != good_prev:
        j = position.get(prev_hash)
        if j is not None and j > index:
            return Problem(
                ProblemKind.REORDERED,
                f"entry {seq} is out of order: it was recorded after the entry now stored "
                f"as {rows[j][0]}",
                seq=seq,
            )
        if j is not None and j < index - 1:
            first = rows[j + 1][0]
            return Problem(
                ProblemKind.INSERTED,
                f"entries {first}..{seq - 1} were inserted: entry {seq} (renumbered) links "
                f"straight to entry {rows[j][0]}",
                seq=first,
            )
        if j is None and computed == stored_hash:
            if seq == 1:
                return Problem(
                    ProblemKind.EDITED,
                    "entry 1 links to a previous entry, but nothing may precede it",
                    seq=1,
                )
            return Problem(
                ProblemKind.EDITED,
                f"entry {seq - 1} was edited and its hash recomputed: entry {seq} still links "
                "to its original hash",
                seq=seq - 1,
            )
        if j is None:
            return Problem(
                ProblemKind.DELETED,
                f"an entry is missing before the entry stored as {seq}: it links to a hash no "
                "stored entry has, and the entries after the gap were renumbered",
                seq=seq,
            )
    return Problem(
        ProblemKind.EDITED,
        f"entry {seq} was edited: its content no longer matches its hash",
        seq=seq,
    )
