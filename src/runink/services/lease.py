"""The watch lease: at most one ``runink watch`` process runs cycles on a database at a time.

Each cycle's steps are idempotent (consumer offsets, the outbox and ``action_deliveries``), but
two watchers running the same step at once could both send an alert before either records the
delivery. So a watcher holds a lease, a row of ``watch_leases`` naming it and an expiry:

* ``acquire`` takes the lease when nobody holds it, when it has expired, or renews it when the
  caller already holds it, in one short transaction (an ``UPDATE … WHERE holder = me OR
  expires_at < now``, or an ``INSERT`` for the first watcher; a concurrent ``INSERT`` loses on the
  primary key). It answers who holds the lease either way.
* The watcher renews it before every step of a cycle and stops the cycle if it was lost (it
  expired while the process was stalled and another watcher took it), so a step never starts
  without the lease.
* ``release`` ends it at a graceful stop; a crashed watcher's lease expires after its time to
  live, and another watcher takes over then.

The time to live must exceed the longest step (a first sync of a large ecosystem can take
minutes): ``runink watch`` uses twice the interval, at least ten minutes.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.store.db import as_utc, utcnow
from runink.store.tables import watch_leases

WATCH: str = "watch"


def default_holder() -> str:
    """This process, unique even across restarts with the same pid: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class LeaseState:
    held: bool  # by the caller
    holder: str
    expires_at: dt.datetime


@dataclass(slots=True)
class Lease:
    engine: Engine
    ttl: dt.timedelta
    name: str = WATCH
    holder: str = field(default_factory=default_holder)
    clock: Callable[[], dt.datetime] = utcnow

    def acquire(self) -> LeaseState:
        """Take or renew the lease if it is free, expired or ours; say who holds it."""
        now = self.clock()
        expires = now + self.ttl
        t = watch_leases
        with self.engine.begin() as conn:
            taken = conn.execute(
                sa.update(t)
                .where(t.c.name == self.name)
                .where(sa.or_(t.c.holder == self.holder, t.c.expires_at < now))
                .values(
                    holder=self.holder,
                    expires_at=expires,
                    acquired_at=sa.case((t.c.holder == self.holder, t.c.acquired_at), else_=now),
                )
            ).rowcount
            if taken:
                return LeaseState(True, self.holder, expires)
            row = conn.execute(
                sa.select(t.c.holder, t.c.expires_at).where(t.c.name == self.name)
            ).first()
        if row is not None:
            return LeaseState(False, row.holder, as_utc(row.expires_at) or row.expires_at)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.insert(t).values(
                        name=self.name, holder=self.holder, acquired_at=now, expires_at=expires
                    )
                )
            return LeaseState(True, self.holder, expires)
        except sa.exc.IntegrityError:  # another watcher inserted first
            return self.acquire()

    def release(self) -> None:
        """Give the lease up (only if still ours)."""
        t = watch_leases
        with self.engine.begin() as conn:
            conn.execute(sa.delete(t).where(t.c.name == self.name, t.c.holder == self.holder))


def watch_ttl(interval: dt.timedelta) -> dt.timedelta:
    """The lease time to live for a watch interval: twice the interval, at least 10 minutes."""
    return max(2 * interval, dt.timedelta(minutes=10))
