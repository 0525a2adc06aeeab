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
import struct
import time
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from sqlalchemy.engine import Connection

from runink.ledger import store
from runink.ledger.checkpoint import Checkpoint
from runink.ledger.entry import ZERO_HASH, hash_fields
from runink.ledger.keys import PublicKey
from runink.ledger.merkle import Frontier


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
    for checkpoint in checkpoints:
        checks.setdefault(checkpoint.tree_size, []).append(checkpoint)
    for anchor in anchors:
        checks.setdefault(anchor.checkpoint.tree_size, []).append(anchor)

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
    prev_hex = ZERO_HASH
    prev = bytes(32)
    append_leaf = walk.frontier.append_leaf
    bad: tuple[Any, ...] | None = None  # the first row that does not verify
    problem: Problem | None = None
    with closing(store.iter_hash_inputs(conn)) as rows:
        for row in rows:
            seq, stored_hex = row[0], row[10]
            try:
                digest: bytes | None = hash_fields(seq, prev, *row[1:9])
                stored = bytes.fromhex(stored_hex)
            except (ValueError, TypeError, struct.error):
                digest, stored = None, b""
            if seq != expected or row[9] != prev_hex or digest != stored:
                bad = row
                break
            append_leaf(sha256(b"\x00" + stored).digest())  # leaf_hash(), inlined: hot loop
            prev, prev_hex = stored, stored_hex
            expected += 1
            pending = checks.get(seq)
            if pending:
                problem = _check_at(walk, pending, trusted)
                if problem is not None:
                    break
    walk.prev = prev_hex
    if bad is not None:
        computed = _recompute(bad[0], bad)
        problem = _diagnose(
            conn,
            expected,
            prev_hex,
            bad[0],
            bad[9],
            bad[10],
            computed.hex() if computed is not None else None,
        )
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


def _recompute(seq: int, row: tuple[Any, ...]) -> bytes | None:
    """The entry's hash from its own stored prev_hash (to tell an edit from a broken link)."""
    try:
        return hash_fields(seq, bytes.fromhex(row[9]), *row[1:9])
    except (ValueError, TypeError, struct.error):
        return None


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
    j = position.get(prev_hash) if prev_hash != good_prev else None
    if j is not None and j > index:
        return Problem(
            ProblemKind.REORDERED,
            f"entry {seq} is out of order: it was recorded after the entry now stored "
            f"as {rows[j][0]}",
            seq=seq,
        )
    if following is not None and following[1] == good_prev:
        before = f"entry {seq - 1}" if seq > 1 else "the start of the ledger"
        return Problem(
            ProblemKind.INSERTED,
            f"entry {seq} was inserted: the entry after it links straight to {before}",
            seq=seq,
        )
    if prev_hash != good_prev:
        if j is not None and j < index - 1:
            first = rows[j + 1][0]
            what = (
                f"entry {first} was inserted: the entry after it"
                if first == seq - 1
                else f"entries {first}..{seq - 1} were inserted: the entry after them"
            )
            return Problem(
                ProblemKind.INSERTED,
                f"{what} (renumbered to {seq}) links straight to entry {rows[j][0]}",
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
                f"entry {seq - 1} was changed and its hash recomputed: entry {seq} still links "
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
        f"the content of entry {seq} no longer matches its hash (it was changed after it "
        "was recorded)",
        seq=seq,
    )
