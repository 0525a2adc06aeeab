"""Durable CVE change events, and per-consumer offsets.

Every change to advisory data — a sync or a ``runink db import`` — appends events to
``change_events`` in the transaction that makes the change, so an event exists exactly when its
change does. ``seq`` increases monotonically in commit order: on PostgreSQL writers take a
transaction-scoped advisory lock before inserting, so a transaction that allocated smaller
numbers is always committed before one that allocated larger ones (SQLite has a single writer
anyway). A consumer therefore never misses an event by reading ``seq > offset``.

The consumer pattern (the monitor's ``watch`` uses it)::

    with engine.begin() as conn:
        after = consumer_offset(conn, "watch")
        batch = read_events(conn, after, limit=500)
        ...  # act on the batch, writing results in the same transaction
        if batch:
            commit_offset(conn, "watch", batch[-1].seq)

Acting and moving the offset in one transaction is what makes processing exactly-once with
respect to the database; side effects outside it (an e-mail) need their own idempotency key,
e.g. the event's ``seq``.

Kinds and their ``details`` payloads are listed in ``docs/feeds.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from runink.store.bulk import db_value, insert_rows
from runink.store.db import as_utc
from runink.store.tables import change_events, consumer_offsets

#: The PostgreSQL advisory lock that serializes event writers (any constant 64-bit key).
_PG_LOCK_KEY: Final = 0x52554E494E4B  # "RUNINK"
_INSERT_CHUNK: Final = 1000
_EVENT_COLUMNS: Final = ("created_at", "kind", "subject", "source", "details")


class EventKind(enum.StrEnum):
    ADVISORY_ADDED = "advisory.added"
    ADVISORY_MODIFIED = "advisory.modified"
    ADVISORY_WITHDRAWN = "advisory.withdrawn"
    KEV_ADDED = "kev.added"
    KEV_REMOVED = "kev.removed"
    EPSS_THRESHOLD_CROSSED = "epss.threshold_crossed"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event about to be written."""

    kind: EventKind
    subject: str  # advisory id, or CVE id for KEV and EPSS events
    details: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """An event as stored."""

    seq: int
    created_at: dt.datetime
    kind: str
    subject: str
    source: str  # osv:PyPI, import, kev, epss
    details: dict[str, Any]


def write_events(
    conn: Connection, events: Sequence[NewEvent], *, source: str, now: dt.datetime
) -> int:
    """Append ``events`` in order (inside the caller's transaction); returns how many."""
    if not events:
        return 0
    _serialize_writers(conn)
    # Tuples straight to the driver's executemany (an import writes one event per advisory:
    # SQLAlchemy's per-row parameter processing would cost more than the inserts).
    created_at = db_value(conn, now)
    source = source[:160]
    dumps = orjson.dumps
    sort_keys = orjson.OPT_SORT_KEYS
    rows = [
        (
            created_at,
            str(e.kind),
            e.subject[:255],
            source,
            dumps(e.details, option=sort_keys).decode(),
        )
        for e in events
    ]
    for i in range(0, len(rows), _INSERT_CHUNK):
        insert_rows(conn, change_events, _EVENT_COLUMNS, rows[i : i + _INSERT_CHUNK])
    return len(rows)


def _serialize_writers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def read_events(
    conn: Connection,
    after_seq: int = 0,
    limit: int = 500,
    *,
    kinds: Collection[str] | None = None,
) -> list[ChangeEvent]:
    """Events with ``seq > after_seq``, oldest first, at most ``limit`` of them."""
    query = (
        sa.select(change_events)
        .where(change_events.c.seq > after_seq)
        .order_by(change_events.c.seq)
        .limit(limit)
    )
    if kinds is not None:
        query = query.where(change_events.c.kind.in_(sorted(kinds)))
    return [
        ChangeEvent(
            seq=int(r.seq),
            created_at=as_utc(r.created_at) or r.created_at,
            kind=r.kind,
            subject=r.subject,
            source=r.source,
            details=orjson.loads(r.details),
        )
        for r in conn.execute(query)
    ]


def latest_seq(conn: Connection) -> int:
    """The newest event's sequence number (0 when there is none)."""
    return int(conn.execute(sa.select(sa.func.max(change_events.c.seq))).scalar() or 0)


def consumer_offset(conn: Connection, consumer: str) -> int:
    """The last ``seq`` ``consumer`` has processed (0 for a new consumer)."""
    value = conn.execute(
        sa.select(consumer_offsets.c.seq).where(consumer_offsets.c.consumer == consumer)
    ).scalar()
    return int(value or 0)


def commit_offset(
    conn: Connection, consumer: str, seq: int, *, now: dt.datetime | None = None
) -> None:
    """Record that ``consumer`` has processed every event up to ``seq``.

    Offsets never move backwards: committing a smaller ``seq`` than stored is a no-op, so a
    consumer that replays a batch after a crash cannot lose its place.
    """
    stamp = now or dt.datetime.now(dt.UTC)
    where = consumer_offsets.c.consumer == consumer
    current = conn.execute(sa.select(consumer_offsets.c.seq).where(where)).scalar()
    if current is None:
        conn.execute(
            sa.insert(consumer_offsets).values(consumer=consumer, seq=seq, updated_at=stamp)
        )
    elif seq > current:
        conn.execute(sa.update(consumer_offsets).where(where).values(seq=seq, updated_at=stamp))


def count_events(conn: Connection, *, kind: str | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(change_events)
    if kind is not None:
        query = query.where(change_events.c.kind == kind)
    return int(conn.execute(query).scalar() or 0)
