"""Per feed and scope state (``feed_state``): cursor, HTTP validators, freshness.

A scope is an OSV ecosystem directory (``PyPI``, ``Debian``); the other feeds have one scope,
``""``. The state of a successful batch is saved in the batch's own transaction; a failure is
recorded afterwards in a transaction of its own, so it never disturbs the data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from runink.feeds.base import Validators
from runink.feeds.settings import FEED_NAMES, FeedSettings
from runink.model.ecosystems import base_ecosystem
from runink.store.db import as_utc
from runink.store.tables import feed_state

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True, slots=True)
class FeedState:
    feed: str
    scope: str = ""
    last_attempt_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    newest_record_at: dt.datetime | None = None
    last_error: str | None = None
    cursor: dict[str, Any] = field(default_factory=dict)
    validators: dict[str, Validators] = field(default_factory=dict)
    exists: bool = False

    @property
    def label(self) -> str:
        """``osv (PyPI)`` or ``kev``: how messages name this feed."""
        return f"{self.feed} ({self.scope})" if self.scope else self.feed

    def validators_for(self, url: str) -> Validators | None:
        return self.validators.get(url)


def label(feed: str, scope: str) -> str:
    return f"{feed} ({scope})" if scope else feed


def _from_row(row: sa.Row[Any]) -> FeedState:
    try:
        cursor = orjson.loads(row.cursor or "{}")
    except orjson.JSONDecodeError:
        cursor = {}
    try:
        raw_validators = orjson.loads(row.validators or "{}")
    except orjson.JSONDecodeError:
        raw_validators = {}
    validators = (
        {url: Validators.from_json(v) for url, v in raw_validators.items()}
        if isinstance(raw_validators, dict)
        else {}
    )
    return FeedState(
        feed=row.feed,
        scope=row.scope,
        last_attempt_at=as_utc(row.last_attempt_at),
        last_success_at=as_utc(row.last_success_at),
        newest_record_at=as_utc(row.newest_record_at),
        last_error=row.last_error,
        cursor=cursor if isinstance(cursor, dict) else {},
        validators=validators,
        exists=True,
    )


def load_state(conn: Connection, feed: str, scope: str = "") -> FeedState:
    row = conn.execute(
        sa.select(feed_state).where(feed_state.c.feed == feed, feed_state.c.scope == scope)
    ).first()
    return _from_row(row) if row is not None else FeedState(feed=feed, scope=scope)


def all_states(conn: Connection) -> list[FeedState]:
    rows = conn.execute(sa.select(feed_state).order_by(feed_state.c.feed, feed_state.c.scope))
    return [_from_row(r) for r in rows]


def save_state(conn: Connection, state: FeedState) -> None:
    """Insert or update the row (inside the caller's transaction)."""
    values = {
        "last_attempt_at": state.last_attempt_at,
        "last_success_at": state.last_success_at,
        "newest_record_at": state.newest_record_at,
        "last_error": state.last_error[:MAX_ERROR_CHARS] if state.last_error else None,
        "cursor": orjson.dumps(state.cursor, option=orjson.OPT_SORT_KEYS).decode(),
        "validators": orjson.dumps(
            {url: v.to_json() for url, v in sorted(state.validators.items()) if v}
        ).decode(),
    }
    where = (feed_state.c.feed == state.feed, feed_state.c.scope == state.scope)
    updated = conn.execute(sa.update(feed_state).where(*where).values(**values))
    if updated.rowcount == 0:
        conn.execute(sa.insert(feed_state).values(feed=state.feed, scope=state.scope, **values))


def succeeded(
    state: FeedState,
    now: dt.datetime,
    *,
    cursor: dict[str, Any] | None = None,
    validators: dict[str, Validators] | None = None,
    newest: dt.datetime | None = None,
) -> FeedState:
    """The state after a successful batch at ``now``."""
    newest_record = state.newest_record_at
    if newest is not None and (newest_record is None or newest > newest_record):
        newest_record = newest
    return dataclasses.replace(
        state,
        last_attempt_at=now,
        last_success_at=now,
        newest_record_at=newest_record,
        last_error=None,
        cursor=state.cursor if cursor is None else cursor,
        validators={**state.validators, **(validators or {})},
        exists=True,
    )


def record_failure(engine: Engine, feed: str, scope: str, error: str, now: dt.datetime) -> None:
    """Remember a failed attempt (its own transaction; the data is untouched)."""
    with engine.begin() as conn:
        state = load_state(conn, feed, scope)
        save_state(
            conn,
            dataclasses.replace(state, last_attempt_at=now, last_error=error, exists=True),
        )


@dataclass(frozen=True, slots=True)
class StaleFeed:
    state: FeedState
    age: dt.timedelta
    max_age: dt.timedelta

    def __str__(self) -> str:
        days = self.age.total_seconds() / 86400
        limit = self.max_age.total_seconds() / 86400
        success = self.state.last_success_at
        when = f"{success:%Y-%m-%d %H:%M}Z" if success else "never"
        scope = f" --ecosystem {self.state.scope}" if self.state.scope else ""
        return (
            f"feed {self.state.label}: last successful sync {when}, {days:.1f} days ago, "
            f"older than its maximum age ({limit:g} days); run `runink db sync "
            f"--feed {self.state.feed}{scope}` or raise feeds.{self.state.feed}.max_age"
        )


def stale_feeds(
    conn: Connection,
    max_age_for: Callable[[FeedState], dt.timedelta | None],
    now: dt.datetime,
) -> list[StaleFeed]:
    """Feeds that have synced successfully at least once and not within their maximum age.

    ``max_age_for`` gives a state's limit, or None to skip it (not followed, or no limit).
    """
    stale: list[StaleFeed] = []
    for state in all_states(conn):
        if state.last_success_at is None:
            continue
        limit = max_age_for(state)
        if limit is None:
            continue
        age = now - state.last_success_at
        if age > limit:
            stale.append(StaleFeed(state, age, limit))
    return stale


def newest_success(conn: Connection, feed: str) -> dt.datetime | None:
    """The most recent successful sync of any scope of ``feed``."""
    value = conn.execute(
        sa.select(sa.func.max(feed_state.c.last_success_at)).where(feed_state.c.feed == feed)
    ).scalar()
    return as_utc(value)


def stale_followed_feeds(
    conn: Connection, settings: FeedSettings, default_max_age: dt.timedelta | None, now: dt.datetime
) -> list[StaleFeed]:
    """``stale_feeds`` for the feeds the settings follow, each against its own maximum age
    (``feeds.<feed>.max_age``, else ``feeds.max_age``, else ``default_max_age``). When
    ``feeds.osv.ecosystems`` is set, other OSV ecosystems synced in the past are not checked."""
    followed = {base_ecosystem(e) for e in settings.osv.ecosystems}

    def limit(state: FeedState) -> dt.timedelta | None:
        if state.feed not in FEED_NAMES:
            return None
        if state.feed == "osv" and followed and state.scope not in followed:
            return None
        return settings.max_age_for(state.feed, default_max_age)

    return stale_feeds(conn, limit, now)
