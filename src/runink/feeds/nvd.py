"""NVD CVE API 2.0: CVSS (v2, v3.x, v4.0) vectors and base scores, and CWE ids, per CVE.

``RUNINK_NVD_URL`` (default ``https://services.nvd.nist.gov/rest/json/cves/2.0``), with an
optional API key (``RUNINK_NVD_API_KEY`` or ``feeds.nvd.api_key``, sent as the ``apiKey``
header). OSV records usually carry CVSS; these metrics are what scoring falls back on for a CVE
alias when a record carries none (``feeds.enrichment.nvd_metrics``).

Incremental by last modification: each sync asks for CVEs with ``lastModStartDate`` ..
``lastModEndDate`` from the end of the previous sync (minus ``OVERLAP``, for records NVD
indexes late) to now; the first sync starts at ``feeds.nvd.since`` (default: 120 days ago). NVD
refuses ranges over 120 days, so the span is split into windows of at most 120 days. Each
window is read page by page (``startIndex``, ``resultsPerPage``; a window whose
``totalResults`` changes while paging is read again) and applied in one transaction with the
cursor, so an interrupted backfill resumes at the first window it did not finish.

NVD's published rate limits are respected with a rolling window: 5 requests per 30 s without
a key, 50 with one (``feeds.nvd.rate_limit`` overrides it, e.g. for a mirror). NVD throttles
with 403 and 503, which are retried with backoff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any, Final

import msgspec
import sqlalchemy as sa

from runink.errors import AdvisoryDataError
from runink.feeds import state as feed_state
from runink.feeds.base import ScopeResult, Status, SyncContext
from runink.feeds.http import RETRY_STATUSES, FeedHttp, RateLimiter
from runink.feeds.settings import NVD_MAX_WINDOW
from runink.store.tables import nvd_metrics

NAME: Final = "nvd"
OVERLAP: Final = dt.timedelta(minutes=5)
MAX_WINDOW_RESTARTS: Final = 3
_CHUNK: Final = 500
_NVD_TIME: Final = "%Y-%m-%dT%H:%M:%S"


class CvssData(msgspec.Struct):
    version: str | None = None
    vectorString: str | None = None
    baseScore: float | None = None


class Metric(msgspec.Struct):
    cvssData: CvssData
    source: str = ""
    type: str = ""


class Metrics(msgspec.Struct):
    cvssMetricV40: list[Metric] = []
    cvssMetricV31: list[Metric] = []
    cvssMetricV30: list[Metric] = []
    cvssMetricV2: list[Metric] = []


class Description(msgspec.Struct):
    value: str = ""
    lang: str = ""


class Weakness(msgspec.Struct):
    description: list[Description] = []
    source: str = ""
    type: str = ""


class Cve(msgspec.Struct):
    id: str
    lastModified: str
    published: str | None = None
    vulnStatus: str = ""
    metrics: Metrics | None = None
    weaknesses: list[Weakness] = []


class Item(msgspec.Struct):
    cve: Cve


class Page(msgspec.Struct):
    totalResults: int
    vulnerabilities: list[Item] = []
    resultsPerPage: int = 0
    startIndex: int = 0


_DECODER = msgspec.json.Decoder(Page)


def windows(
    start: dt.datetime, end: dt.datetime, size: dt.timedelta = NVD_MAX_WINDOW
) -> list[tuple[dt.datetime, dt.datetime]]:
    """``start`` .. ``end`` split into consecutive windows of at most ``size``."""
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = start
    while cursor < end:
        stop = min(cursor + size, end)
        spans.append((cursor, stop))
        cursor = stop
    return spans


def nvd_time(value: dt.datetime) -> str:
    """NVD's request format (milliseconds), in UTC (the API's default zone)."""
    utc = value.astimezone(dt.UTC)
    return f"{utc.strftime(_NVD_TIME)}.{utc.microsecond // 1000:03d}"


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _pick(metrics: list[Metric]) -> Metric | None:
    """NVD's own (Primary) metric when there is one, else the first."""
    for metric in metrics:
        if metric.type == "Primary":
            return metric
    return metrics[0] if metrics else None


def metric_row(cve: Cve) -> dict[str, Any] | None:
    """The ``nvd_metrics`` row of a CVE (None if it has no usable lastModified)."""
    last_modified = _parse_time(cve.lastModified)
    if last_modified is None or not cve.id.startswith("CVE-"):
        return None
    m = cve.metrics or Metrics()
    v4 = _pick(m.cvssMetricV40)
    v31 = _pick(m.cvssMetricV31)
    v3 = v31 or _pick(m.cvssMetricV30)
    v2 = _pick(m.cvssMetricV2)
    cwes = sorted(
        {
            d.value.strip()
            for w in cve.weaknesses
            for d in w.description
            if d.value.strip().startswith("CWE-")
        }
    )
    return {
        "cve_id": cve.id,
        "published": _parse_time(cve.published),
        "last_modified": last_modified,
        "vuln_status": cve.vulnStatus[:48],
        "cvss_v4_vector": v4.cvssData.vectorString if v4 else None,
        "cvss_v4_score": v4.cvssData.baseScore if v4 else None,
        "cvss_v3_version": ("3.1" if v31 else "3.0") if v3 else None,
        "cvss_v3_vector": v3.cvssData.vectorString if v3 else None,
        "cvss_v3_score": v3.cvssData.baseScore if v3 else None,
        "cvss_v2_vector": v2.cvssData.vectorString if v2 else None,
        "cvss_v2_score": v2.cvssData.baseScore if v2 else None,
        "cwes": " ".join(cwes),
    }


class NvdFeed:
    name = NAME

    def scopes(self, ctx: SyncContext) -> list[str]:
        return [""]

    def sync(self, ctx: SyncContext, scope: str) -> ScopeResult:
        started = time.perf_counter()
        result = ScopeResult(NAME, scope)
        settings = ctx.settings.nvd
        requests, seconds = settings.effective_rate_limit
        limiter = RateLimiter(
            requests, seconds, clock=ctx.clock or time.monotonic, sleep=ctx.sleep or time.sleep
        )
        http = ctx.http(
            NAME,
            limiter=limiter,
            retry_statuses=RETRY_STATUSES | {403},
            headers={"apiKey": settings.api_key} if settings.api_key else None,
        )
        try:
            with ctx.engine.connect() as conn:
                state = feed_state.load_state(conn, NAME)
            clock_now = ctx.now()  # to the millisecond, as NVD is asked
            now = clock_now.replace(microsecond=clock_now.microsecond // 1000 * 1000)
            until = _parse_time(state.cursor.get("until"))
            if until is not None:
                start = until - OVERLAP
            elif settings.since is not None:
                start = settings.since
            else:
                start = now - NVD_MAX_WINDOW
            spans = windows(min(start, now), now)
            stored = 0
            for index, (begin, end) in enumerate(spans):
                ctx.progress.start(NAME, f"nvd: window {index + 1}/{len(spans)}")
                rows = self._window(ctx, http, begin, end)
                last = index == len(spans) - 1
                with ctx.engine.begin() as conn:
                    ids = [r["cve_id"] for r in rows]
                    for i in range(0, len(ids), _CHUNK):
                        conn.execute(
                            sa.delete(nvd_metrics).where(
                                nvd_metrics.c.cve_id.in_(ids[i : i + _CHUNK])
                            )
                        )
                    for i in range(0, len(rows), _CHUNK):
                        conn.execute(sa.insert(nvd_metrics), rows[i : i + _CHUNK])
                    newest = max((r["last_modified"] for r in rows), default=None)
                    cursor = {"until": end.isoformat()}
                    if last:
                        state = feed_state.succeeded(state, ctx.now(), cursor=cursor, newest=newest)
                    else:  # progress is kept, but the feed is not fresh until the last window
                        state = dataclasses.replace(
                            feed_state.succeeded(state, ctx.now(), cursor=cursor, newest=newest),
                            last_success_at=state.last_success_at,
                        )
                    feed_state.save_state(conn, state)
                stored += len(rows)
            if not spans:  # the clock did not move (the same instant): nothing to ask
                with ctx.engine.begin() as conn:
                    feed_state.save_state(conn, feed_state.succeeded(state, now))
            result.updated = stored
            result.status = Status.UPDATED if stored else Status.UNCHANGED
            waited = f", waited {limiter.waited:.0f}s for the rate limit" if limiter.waited else ""
            result.detail = (
                f"{len(spans)} window{'s' if len(spans) != 1 else ''} from {start:%Y-%m-%d}{waited}"
            )
            return result
        except AdvisoryDataError as exc:
            if "HTTP 403" in str(exc):
                raise AdvisoryDataError(
                    f"{exc}: NVD answers 403 when it throttles or when the API key is invalid"
                ) from None
            raise
        finally:
            result.requests = http.requests
            result.bytes = http.bytes
            result.seconds = time.perf_counter() - started

    def _window(
        self, ctx: SyncContext, http: FeedHttp, begin: dt.datetime, end: dt.datetime
    ) -> list[dict[str, Any]]:
        """Every CVE modified in the window, one row each (the newest if NVD repeats one)."""
        rows: dict[str, dict[str, Any]] = {}
        for row in self._pages(ctx, http, begin, end):
            if row is None:
                continue
            previous = rows.get(row["cve_id"])
            if previous is None or row["last_modified"] >= previous["last_modified"]:
                rows[row["cve_id"]] = row
        return [rows[k] for k in sorted(rows)]

    def _pages(
        self, ctx: SyncContext, http: FeedHttp, begin: dt.datetime, end: dt.datetime
    ) -> Iterator[dict[str, Any] | None]:
        url = ctx.settings.nvd.url
        page_size = ctx.settings.nvd.page_size
        restarts = 0
        while True:
            total: int | None = None
            index = 0
            collected: list[dict[str, Any] | None] = []
            changed = False
            while total is None or index < total:
                params: dict[str, str | int] = {
                    "lastModStartDate": nvd_time(begin),
                    "lastModEndDate": nvd_time(end),
                    "resultsPerPage": page_size,
                    "startIndex": index,
                }
                got = http.get(url, params=params)
                if got is None:  # pragma: no cover - no validators were sent
                    raise AdvisoryDataError(f"feed nvd: {url}: unexpected 304")
                try:
                    page = _DECODER.decode(got[0])
                except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                    raise AdvisoryDataError(
                        f"feed nvd: {url} (startIndex={index}): not a CVE API 2.0 page: {exc}"
                    ) from None
                if total is not None and page.totalResults != total:
                    changed = True
                    break
                total = page.totalResults
                if not page.vulnerabilities:
                    break
                collected.extend(metric_row(item.cve) for item in page.vulnerabilities)
                index += len(page.vulnerabilities)
                ctx.progress.update(NAME, completed=index, total=total)
            if not changed:
                yield from collected
                return
            restarts += 1
            if restarts > MAX_WINDOW_RESTARTS:
                raise AdvisoryDataError(
                    f"feed nvd: {url}: the window {nvd_time(begin)} .. {nvd_time(end)} kept "
                    f"changing while it was read ({restarts} attempts)"
                )
