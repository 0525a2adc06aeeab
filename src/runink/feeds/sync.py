"""``runink db sync``: run the feeds, each scope in isolation.

A scope that fails (the network, the server, a body that is not what the feed publishes) is
recorded in ``feed_state.last_error`` and reported; the other feeds and scopes still run. The
caller turns failures into exit 3 (``SyncReport.raise_for_failures``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import httpx
from sqlalchemy.engine import Connection, Engine

from runink.errors import AdvisoryDataError, UsageError
from runink.feeds import registry
from runink.feeds.base import NoProgress, ScopeResult, Status, SyncContext, SyncProgress
from runink.feeds.http import build_client
from runink.feeds.settings import FEED_NAMES, FeedSettings, load_feed_settings
from runink.feeds.state import record_failure


@dataclass(slots=True)
class SyncReport:
    results: list[ScopeResult] = field(default_factory=list)

    @property
    def failed(self) -> list[ScopeResult]:
        return [r for r in self.results if r.status is Status.FAILED]

    @property
    def rejected(self) -> list[str]:
        return [item for r in self.results for item in r.rejected]

    @property
    def events(self) -> int:
        return sum(r.events for r in self.results)

    def raise_for_failures(self) -> None:
        """``AdvisoryDataError`` (exit 3) naming every failed feed, if any failed."""
        if self.failed:
            raise AdvisoryDataError("\n".join(r.error or r.label for r in self.failed))


def run_sync(
    engine: Engine,
    *,
    feeds: Sequence[str] = (),
    ecosystems: Sequence[str] = (),
    settings: FeedSettings | None = None,
    client: httpx.Client | None = None,
    progress: SyncProgress | None = None,
    default_ecosystems: Callable[[Connection], Iterable[str]] | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    now: Callable[[], dt.datetime] | None = None,
) -> SyncReport:
    """Sync ``feeds`` (default: ``feeds.enabled``, i.e. all) and report per feed and scope.

    ``ecosystems`` restricts OSV to those ecosystems. ``client`` is the HTTP client (one is
    built from the settings and closed afterwards when not given). ``default_ecosystems`` is
    the hook choosing OSV's ecosystems when neither ``ecosystems`` nor the config names any.
    ``sleep``, ``clock`` and ``now`` replace the real ones (tests use a fake clock).
    Raises ``UsageError`` for an unknown feed or a request that cannot be met.
    """
    settings = settings or load_feed_settings()
    names = _feed_names(feeds, ecosystems, settings)
    own_client = client is None
    http_client = client if client is not None else build_client(settings.http)
    ctx = SyncContext(
        engine=engine,
        settings=settings,
        client=http_client,
        progress=progress or NoProgress(),
        sleep=sleep,
        clock=clock,
        ecosystems=tuple(ecosystems),
        default_ecosystems=default_ecosystems,
    )
    if now is not None:
        ctx.now = now
    report = SyncReport()
    try:
        for name in names:
            feed = registry.feed(name)
            try:
                scopes = feed.scopes(ctx)
            except UsageError as exc:
                if feeds or ecosystems:  # asked for explicitly: the user must fix it
                    raise
                report.results.append(ScopeResult(name, status=Status.SKIPPED, detail=str(exc)))
                continue
            for scope in scopes:
                key = f"{name}:{scope}" if scope else name
                try:
                    result = feed.sync(ctx, scope)
                except AdvisoryDataError as exc:
                    record_failure(engine, name, scope, str(exc), ctx.now())
                    result = ScopeResult(name, scope, status=Status.FAILED, error=str(exc))
                ctx.progress.finish(key, f"{result.label}: {result.status}")
                report.results.append(result)
    finally:
        if own_client:
            http_client.close()
    return report


def _feed_names(
    feeds: Sequence[str], ecosystems: Sequence[str], settings: FeedSettings
) -> list[str]:
    names: list[str] = []
    for name in feeds or settings.enabled:
        lowered = name.strip().lower()
        if lowered not in FEED_NAMES:
            raise UsageError(f"--feed: unknown feed {name!r}; expected {', '.join(FEED_NAMES)}")
        if lowered not in names:
            names.append(lowered)
    if ecosystems and "osv" not in names:
        raise UsageError("--ecosystem: only the osv feed has ecosystems; add --feed osv")
    # Run in the registry's order whatever the order given: advisories before enrichment.
    return [n for n in registry.FEEDS if n in names]
