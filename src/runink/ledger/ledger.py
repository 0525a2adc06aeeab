"""The ledger API: ``Ledger(engine, settings).append([...])`` and the read side.

Checkpoint policy: every append is one transaction that ends with a signed checkpoint over
the whole ledger, so a committed ledger is always fully covered by a signature; a batch longer
than ``checkpoint_every`` entries also gets a checkpoint at every multiple of that size inside
it. An entry that no checkpoint covers can therefore only have been written around Runink,
and ``runink ledger verify`` reports it. Append batches as large as the work allows (a scan's
entries in one call): each checkpoint costs a signature now and a verification later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import Engine

from runink.errors import ExitCode, RuninkError, UsageError
from runink.ledger import store
from runink.ledger.checkpoint import Checkpoint, sign_checkpoint
from runink.ledger.entry import (
    ZERO_HASH,
    Entry,
    EntryInput,
    entry_hash,
    format_time,
    prepare,
)
from runink.ledger.keys import (
    PublicKey,
    SigningKey,
    generate_key_file,
    load_public_key_file,
    load_signing_key,
)
from runink.ledger.merkle import Frontier, leaf_hash
from runink.ledger.settings import LedgerSettings, load_ledger_settings
from runink.store.db import utcnow


class LedgerIntegrityError(RuninkError):
    """The stored ledger is not in a state Runink wrote (exit 1): verify it before going on."""

    exit_code = ExitCode.BLOCKED


def load_key(settings: LedgerSettings, *, create: bool = True) -> SigningKey:
    """The signing key. A missing default key is generated when ``create``; a missing
    configured key is always an error (never silently replaced)."""
    path = settings.key_path
    if not path.exists():
        if settings.key_configured:
            raise UsageError(
                f"{path}: the configured ledger key does not exist "
                "(RUNINK_LEDGER_KEY or the config file's ledger.key)"
            )
        if not create:
            raise UsageError(f"{path}: no ledger signing key yet")
        generate_key_file(path)
    return load_signing_key(path)


def public_key_if_present(settings: LedgerSettings) -> PublicKey | None:
    """The signing key's public half, or None when there is no key file (never creates one)."""
    return load_key(settings, create=False).public if settings.key_path.exists() else None


def trusted_keys(settings: LedgerSettings, pinned: Sequence[Path] = ()) -> dict[str, PublicKey]:
    """Keys whose checkpoints verify: the ``pinned`` public key files alone when given;
    otherwise the signing key's public half (when the key exists) and ``trusted_keys``."""
    if pinned:
        keys = [load_public_key_file(path) for path in pinned]
    else:
        keys = []
        if settings.key_path.exists():
            keys.append(load_key(settings, create=False).public)
        elif settings.key_configured:
            load_key(settings, create=False)  # raises: the configured key is missing
        keys.extend(load_public_key_file(path) for path in settings.trusted_keys)
    return {key.key_id: key for key in keys}


class Ledger:
    """Append to and read the evidence ledger in ``engine``'s database."""

    def __init__(self, engine: Engine, settings: LedgerSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or load_ledger_settings()
        self._key: SigningKey | None = None

    # -- keys ---------------------------------------------------------------------------

    def signing_key(self, *, create: bool = True) -> SigningKey:
        """The private key; generated at the default path on first use when ``create``."""
        if self._key is None:
            self._key = load_key(self.settings, create=create)
        return self._key

    def trusted_keys(self, pinned: Sequence[Path] = ()) -> dict[str, PublicKey]:
        return trusted_keys(self.settings, pinned)

    # -- writing ------------------------------------------------------------------------

    def append(self, items: Sequence[EntryInput]) -> list[Entry]:
        """Record ``items`` in order, in one transaction, and sign a checkpoint over them.

        Every input is checked before anything is written (``InputError`` naming the input
        and field). Concurrent appenders, in this or other processes, queue on the ledger's
        lock; a process killed mid-append leaves the ledger as it was before the call.
        """
        if not items:
            return []
        prepared = [prepare(item, f"ledger entry #{i + 1}") for i, item in enumerate(items)]
        key = self.signing_key()
        every = self.settings.checkpoint_every
        with store.locked(self.engine) as conn:
            head = store.read_head(conn)
            latest = store.latest_checkpoint(conn)
            frontier = self._frontier_at(head, latest)
            now = format_time(utcnow())
            recorded_at = max(now, head.recorded_at) if head else now  # never goes backwards
            prev = head.entry_hash if head else ZERO_HASH
            seq = head.seq if head else 0
            entries: list[Entry] = []
            checkpoints: list[tuple[Checkpoint, list[str]]] = []
            for index, item in enumerate(prepared):
                seq += 1
                digest = entry_hash(
                    seq=seq,
                    prev_hash=prev,
                    recorded_at=recorded_at,
                    actor=item.actor,
                    kind=item.kind,
                    subject=item.subject,
                    payload=item.payload,
                )
                entries.append(
                    Entry(
                        seq,
                        recorded_at,
                        item.actor,
                        item.kind,
                        item.subject,
                        item.payload,
                        prev,
                        digest,
                    )
                )
                frontier.append_leaf(leaf_hash(bytes.fromhex(digest)))
                if seq % every == 0 or index == len(prepared) - 1:
                    signed = sign_checkpoint(key, seq, frontier.root().hex(), recorded_at)
                    checkpoints.append((signed, frontier.to_hex()))
                prev = digest
            store.insert_entries(conn, entries)
            store.insert_checkpoints(conn, checkpoints)
            store.record_key(conn, key.key_id, key.public.hex, recorded_at)
        return entries

    @staticmethod
    def _frontier_at(head: store.Head | None, latest: store.StoredCheckpoint | None) -> Frontier:
        """The tree state to extend; refuses to sign over entries no checkpoint covers."""
        size = head.seq if head else 0
        if latest is None:
            if size:
                raise LedgerIntegrityError(
                    f"ledger: entries 1..{size} are not covered by any signed checkpoint; "
                    "run `runink ledger verify`"
                )
            return Frontier()
        cp = latest.checkpoint
        if cp.tree_size != size:
            raise LedgerIntegrityError(
                f"ledger: the latest checkpoint covers {cp.tree_size} entries but the ledger "
                f"holds {size}; run `runink ledger verify`"
            )
        if latest.frontier.root().hex() != cp.root_hash:
            raise LedgerIntegrityError(
                f"ledger: the checkpoint at tree size {cp.tree_size} does not match its stored "
                "tree state; run `runink ledger verify`"
            )
        return latest.frontier

    # -- reading ------------------------------------------------------------------------

    def entries(self, where: store.EntryFilter | None = None) -> list[Entry]:
        with self.engine.connect() as conn:
            return store.select_entries(conn, where or store.EntryFilter())

    def head(self) -> store.Head | None:
        with self.engine.connect() as conn:
            return store.read_head(conn)

    def latest_checkpoint(self) -> Checkpoint | None:
        with self.engine.connect() as conn:
            latest = store.latest_checkpoint(conn)
        return latest.checkpoint if latest else None


def since_text(value: dt.datetime | dt.date) -> str:
    """A ``--since`` bound in ``recorded_at``'s text form (a date means 00:00 UTC)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_time(value)
