"""The feed port: what every feed module implements, and what a sync reports.

A ``Feed`` names its scopes (OSV: one per ecosystem directory; the others: ``""``) and syncs one
scope at a time. A scope's sync fetches first, then applies everything it fetched in one
transaction together with its ``feed_state`` row and its change events; it raises
``AdvisoryDataError`` (exit 3) when the feed cannot be read, which ``feeds.sync`` records
without stopping the other feeds.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.engine import Connection, Engine

    from runink.feeds.http import FeedHttp, RateLimiter
    from runink.feeds.settings import FeedSettings


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a representation (ETag, Last-Modified), for the next
    conditional request of the same URL."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def to_json(self) -> dict[str, str]:
        data: dict[str, str] = {}
        if self.etag:
            data["etag"] = self.etag
        if self.last_modified:
            data["last_modified"] = self.last_modified
        return data

    @classmethod
    def from_json(cls, data: object) -> Validators:
        if not isinstance(data, dict):
            return cls()
        etag = data.get("etag")
        last = data.get("last_modified")
        return cls(etag if isinstance(etag, str) else None, last if isinstance(last, str) else None)

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


class Status(enum.StrEnum):
    """How a scope's sync ended."""

    UPDATED = "updated"  # the feed had changes, applied
    UNCHANGED = "unchanged"  # fetched, nothing new
    NOT_MODIFIED = "not modified"  # the server answered 304
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(slots=True)
class ScopeResult:
    """What one feed scope's sync did."""

    feed: str
    scope: str = ""
    status: Status = Status.UNCHANGED
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    removed: int = 0
    events: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    rejected: list[str] = field(default_factory=list)  # "origin: field: message"
    detail: str = ""
    error: str | None = None

    @property
    def label(self) -> str:
        return f"{self.feed} ({self.scope})" if self.scope else self.feed


class SyncProgress(Protocol):
    """Where a sync reports progress (the CLI draws Rich bars on stderr)."""

    def start(self, key: str, description: str, total: float | None = None) -> None: ...

    def advance(self, key: str, amount: float = 1.0) -> None: ...

    def update(self, key: str, *, completed: float, total: float | None) -> None: ...

    def finish(self, key: str, description: str) -> None: ...


class NoProgress:
    def start(self, key: str, description: str, total: float | None = None) -> None:
        pass

    def advance(self, key: str, amount: float = 1.0) -> None:
        pass

    def update(self, key: str, *, completed: float, total: float | None) -> None:
        pass

    def finish(self, key: str, description: str) -> None:
        pass


@dataclass(slots=True)
class SyncContext:
    """Everything a feed needs for one run."""

    engine: Engine
    settings: FeedSettings
    client: httpx.Client
    progress: SyncProgress = field(default_factory=NoProgress)
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    sleep: Callable[[float], None] | None = None  # None: time.sleep (tests pass a fake clock's)
    clock: Callable[[], float] | None = None  # None: time.monotonic (for rate limits)
    ecosystems: Sequence[str] = ()  # OSV: --ecosystem, overriding the configured/default set
    # OSV: the ecosystems followed when neither --ecosystem nor feeds.osv.ecosystems names
    # any. None: those of the stored advisories and earlier syncs (feeds.osv.present_ecosystems);
    # the monitor passes a hook that adds its inventory's ecosystems.
    default_ecosystems: Callable[[Connection], Iterable[str]] | None = None

    def http(
        self,
        label: str,
        *,
        limiter: RateLimiter | None = None,
        retry_statuses: frozenset[int] | None = None,
        headers: dict[str, str] | None = None,
    ) -> FeedHttp:
        import time

        from runink.feeds.http import RETRY_STATUSES, FeedHttp

        return FeedHttp(
            label,
            self.client,
            self.settings.http,
            limiter=limiter,
            retry_statuses=RETRY_STATUSES if retry_statuses is None else retry_statuses,
            headers=headers,
            sleep=self.sleep or time.sleep,
        )


class Feed(Protocol):
    """One feed module's entry point."""

    name: str

    def scopes(self, ctx: SyncContext) -> list[str]:
        """The scopes to sync in this run (raises ``UsageError`` if none can be chosen)."""
        ...

    def sync(self, ctx: SyncContext, scope: str) -> ScopeResult:
        """Fetch and apply one scope. Raises ``AdvisoryDataError`` when the feed is unusable."""
        ...
