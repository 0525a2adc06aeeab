"""Ledger storage: the write lock, the head, inserts and queries (SQLAlchemy Core).

Appenders serialize on one lock taken *before* the head is read, so two processes can never
both extend the same head (which would fork the chain):

* SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock at once (other writers wait up to
  the busy timeout set in ``runink.store.db``);
* PostgreSQL: ``pg_advisory_xact_lock`` on a fixed key, released when the transaction ends.

The primary key on ``seq`` is the last line of defence: a second writer that somehow read a
stale head fails its insert instead of forking.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from runink.errors import StoreError
from runink.ledger.checkpoint import Checkpoint
from runink.ledger.entry import SUBJECT_PARTS, Entry, Subject
from runink.ledger.merkle import Frontier
from runink.store.tables import ledger_checkpoints, ledger_entries, ledger_keys

#: pg_advisory_xact_lock key: the first 8 bytes of SHA-256("runink.ledger"), as a signed int.
PG_LOCK_KEY: Final = int.from_bytes(
    hashlib.sha256(b"runink.ledger").digest()[:8], "big", signed=True
)

ENTRY_COLUMNS: Final = (
    ledger_entries.c.seq,
    ledger_entries.c.recorded_at,
    ledger_entries.c.actor,
    ledger_entries.c.kind,
    ledger_entries.c.artifact,
    ledger_entries.c.repo,
    ledger_entries.c.vulnerability,
    ledger_entries.c.component,
    ledger_entries.c.payload,
    ledger_entries.c.prev_hash,
    ledger_entries.c.entry_hash,
)


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the ledger's append lock; commits on success."""
    with engine.connect() as conn:
        try:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_LOCK_KEY)))
            yield conn
            conn.commit()
        except sa.exc.OperationalError as exc:
            conn.rollback()
            raise StoreError(f"ledger: database {engine.url!r}: {exc.orig}") from exc
        except BaseException:
            conn.rollback()
            raise


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state of the ledger throughout, while
    appenders go on committing (SQLite WAL read transaction; PostgreSQL REPEATABLE READ)."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        else:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        try:
            yield conn
        finally:
            conn.rollback()


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    entry_hash: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    checkpoint: Checkpoint
    frontier: Frontier


def read_head(conn: Connection) -> Head | None:
    row = conn.execute(
        sa.select(ledger_entries.c.seq, ledger_entries.c.entry_hash, ledger_entries.c.recorded_at)
        .order_by(ledger_entries.c.seq.desc())
        .limit(1)
    ).first()
    return Head(int(row.seq), row.entry_hash, row.recorded_at) if row else None


def _checkpoint_of(row: Any) -> Checkpoint:
    return Checkpoint(int(row.tree_size), row.root_hash, row.signed_at, row.key_id, row.signature)


def latest_checkpoint(conn: Connection) -> StoredCheckpoint | None:
    row = conn.execute(
        sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.tree_size.desc()).limit(1)
    ).first()
    if row is None:
        return None
    checkpoint = _checkpoint_of(row)
    try:
        frontier = Frontier.from_hex(checkpoint.tree_size, json.loads(row.frontier))
    except (ValueError, TypeError) as exc:
        raise StoreError(
            f"ledger: checkpoint at tree size {checkpoint.tree_size}: unreadable frontier ({exc}); "
            "run `runink ledger verify`"
        ) from None
    return StoredCheckpoint(checkpoint, frontier)


def all_checkpoints(conn: Connection) -> list[Checkpoint]:
    rows = conn.execute(sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.tree_size))
    return [_checkpoint_of(row) for row in rows]


def checkpoint_covering(conn: Connection, size: int) -> Checkpoint | None:
    """The newest checkpoint (it covers every entry when the ledger is intact)."""
    row = conn.execute(
        sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.tree_size.desc()).limit(1)
    ).first()
    if row is None or int(row.tree_size) < size:
        return None
    return _checkpoint_of(row)


def recorded_keys(conn: Connection) -> dict[str, str]:
    """key id → hex public key, as recorded when each key first signed."""
    rows = conn.execute(sa.select(ledger_keys.c.key_id, ledger_keys.c.public_key))
    return {row.key_id: row.public_key for row in rows}


def insert_entries(conn: Connection, entries: list[Entry]) -> None:
    conn.execute(
        sa.insert(ledger_entries),
        [
            {
                "seq": e.seq,
                "recorded_at": e.recorded_at,
                "actor": e.actor,
                "kind": e.kind,
                **e.subject.as_dict(),
                "payload": e.payload_json,
                "prev_hash": e.prev_hash,
                "entry_hash": e.entry_hash,
            }
            for e in entries
        ],
    )


def insert_checkpoints(conn: Connection, rows: list[tuple[Checkpoint, list[str]]]) -> None:
    conn.execute(
        sa.insert(ledger_checkpoints),
        [{**cp.as_dict(), "frontier": json.dumps(frontier)} for cp, frontier in rows],
    )


def record_key(conn: Connection, key_id: str, public_hex: str, when: str) -> None:
    exists = conn.execute(
        sa.select(ledger_keys.c.key_id).where(ledger_keys.c.key_id == key_id)
    ).first()
    if exists is None:
        conn.execute(
            sa.insert(ledger_keys).values(key_id=key_id, public_key=public_hex, first_used_at=when)
        )


def entry_of(row: Any) -> Entry:
    return Entry(
        seq=int(row[0]),
        recorded_at=row[1],
        actor=row[2],
        kind=row[3],
        subject=Subject(row[4], row[5], row[6], row[7]),
        payload_json=row[8],
        prev_hash=row[9],
        entry_hash=row[10],
    )


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Which entries to read; every given condition must hold (``kind`` without a dot is a
    prefix: ``finding`` selects finding.opened, finding.closed and finding.reopened)."""

    artifact: str | None = None
    repo: str | None = None
    vulnerability: str | None = None
    kind: str | None = None
    actor: str | None = None
    since: str | None = None  # recorded_at >= since (same text format)
    limit: int | None = None
    newest_first: bool = False

    def where(self) -> list[sa.ColumnElement[bool]]:
        c = ledger_entries.c
        conditions: list[sa.ColumnElement[bool]] = []
        for part in SUBJECT_PARTS[:3]:
            value = getattr(self, part)
            if value is not None:
                conditions.append(c[part] == value)
        if self.kind is not None:
            if "." in self.kind:
                conditions.append(c.kind == self.kind)
            else:
                conditions.append(c.kind.like(f"{self.kind}.%"))
        if self.actor is not None:
            conditions.append(c.actor == self.actor)
        if self.since is not None:
            conditions.append(c.recorded_at >= self.since)
        return conditions


def select_entries(conn: Connection, where: EntryFilter) -> list[Entry]:
    seq = ledger_entries.c.seq
    query = (
        sa.select(*ENTRY_COLUMNS)
        .where(*where.where())
        .order_by(seq.desc() if where.newest_first else seq)
    )
    if where.limit is not None:
        query = query.limit(where.limit)
    entries = [entry_of(row) for row in conn.execute(query)]
    if where.newest_first:
        entries.reverse()
    return entries


def _utf8_column(conn: Connection, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The column's text as UTF-8 bytes, converted by the database (no decode/encode here)."""
    if conn.dialect.name == "postgresql":
        return sa.type_coerce(sa.func.convert_to(column, "UTF8"), sa.LargeBinary)
    return sa.cast(column, sa.LargeBinary)


def iter_hash_inputs(conn: Connection, batch: int = 2000) -> Generator[tuple[Any, ...]]:
    """The verifier's rows, in ``seq`` order: seq, the eight hashed text fields as UTF-8 bytes
    (recorded_at, actor, kind, artifact, repo, vulnerability, component, payload), then the
    hex prev_hash and entry_hash. Streamed, so memory stays flat on any ledger size."""
    c = ledger_entries.c
    columns = [
        c.seq,
        *(
            _utf8_column(conn, column)
            for column in (
                c.recorded_at,
                c.actor,
                c.kind,
                c.artifact,
                c.repo,
                c.vulnerability,
                c.component,
                c.payload,
            )
        ),
        c.prev_hash,
        c.entry_hash,
    ]
    query = sa.select(*columns).order_by(c.seq)
    if conn.dialect.name == "sqlite":
        # The verifier's hot path: at the driver level, rows come as plain tuples (SQLAlchemy's
        # Row objects cost more than the hashing). Same connection, same snapshot.
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        try:
            cursor.execute(str(query.compile(dialect=conn.dialect)))
            while rows := cursor.fetchmany(batch):
                yield from rows
        finally:
            cursor.close()
    else:  # a server-side cursor: constant memory on any ledger size
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
        try:
            for row in result:
                yield tuple(row)
        finally:
            result.close()


def all_entry_hashes(conn: Connection, up_to: int | None = None) -> list[tuple[int, str, str]]:
    """(seq, prev_hash, entry_hash) of every entry (or up to ``up_to``), in ``seq`` order."""
    c = ledger_entries.c
    query = sa.select(c.seq, c.prev_hash, c.entry_hash).order_by(c.seq)
    if up_to is not None:
        query = query.where(c.seq <= up_to)
    return [(int(s), p, h) for s, p, h in conn.execute(query)]


def count_entries(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(ledger_entries)).scalar_one())
