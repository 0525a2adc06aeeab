"""NVD CVE API 2.0 against a local mimic: 120-day windows, paging, the API key, the rate limit,
incremental starts, and what is stored per CVE."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.feeds.base import Status
from runink.feeds.enrichment import nvd_metrics_for
from runink.feeds.nvd import windows
from runink.feeds.state import load_state
from runink.store.tables import nvd_metrics
from tests.feeds.conftest import FakeClock, Sync
from tests.feeds.server import FeedServer, Request, Response

API = "/rest/json/cves/2.0"


def cve(
    id_: str, last_modified: dt.datetime, *, v31: str | None = None, v4: str | None = None
) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    if v31:
        metrics["cvssMetricV31"] = [
            {
                "source": "security@vendor.example",
                "type": "Secondary",
                "cvssData": {
                    "version": "3.1",
                    "vectorString": "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
                    "baseScore": 1.6,
                },
            },
            {
                "source": "nvd@nist.gov",
                "type": "Primary",
                "cvssData": {"version": "3.1", "vectorString": v31, "baseScore": 9.8},
            },
        ]
        metrics["cvssMetricV2"] = [
            {
                "source": "nvd@nist.gov",
                "type": "Primary",
                "cvssData": {
                    "version": "2.0",
                    "vectorString": "AV:N/AC:L/Au:N/C:P/I:P/A:P",
                    "baseScore": 7.5,
                },
                "baseSeverity": "HIGH",
            }
        ]
    if v4:
        metrics["cvssMetricV40"] = [
            {
                "source": "cna@example",
                "type": "Secondary",
                "cvssData": {"version": "4.0", "vectorString": v4, "baseScore": 9.3},
            }
        ]
    return {
        "cve": {
            "id": id_,
            "sourceIdentifier": "cve@mitre.org",
            "published": "2024-01-02T10:15:00.000",
            "lastModified": last_modified.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
            "vulnStatus": "Analyzed",
            "descriptions": [{"lang": "en", "value": "text"}],
            "weaknesses": [
                {
                    "source": "nvd@nist.gov",
                    "type": "Primary",
                    "description": [{"lang": "en", "value": "CWE-89"}],
                },
                {
                    "source": "cna@example",
                    "type": "Secondary",
                    "description": [
                        {"lang": "en", "value": "NVD-CWE-Other"},
                        {"lang": "en", "value": "CWE-20"},
                    ],
                },
            ],
            "metrics": metrics,
            "references": [],
        }
    }


class NvdMimic:
    """Serves ``cves`` filtered by lastModified and paged as the API does."""

    def __init__(self, server: FeedServer) -> None:
        self.cves: list[dict[str, Any]] = []
        self.calls: list[dict[str, str]] = []
        self.grow_after_first_page = 0
        server.routes[API] = self.handle

    def handle(self, request: Request) -> Response:
        q = request.query
        self.calls.append({**q, "apiKey": request.headers.get("apikey", "")})
        start = dt.datetime.fromisoformat(q["lastModStartDate"]).replace(tzinfo=dt.UTC)
        end = dt.datetime.fromisoformat(q["lastModEndDate"]).replace(tzinfo=dt.UTC)
        if end - start > dt.timedelta(days=120):
            return Response(404, b"", {"message": "date range exceeds 120 days"})
        matching = [
            c
            for c in self.cves
            if start
            <= dt.datetime.fromisoformat(c["cve"]["lastModified"]).replace(tzinfo=dt.UTC)
            <= end
        ]
        index = int(q.get("startIndex", "0"))
        size = int(q.get("resultsPerPage", "2000"))
        total = len(matching)
        if index > 0 and self.grow_after_first_page:
            total += self.grow_after_first_page
            self.grow_after_first_page = 0
        body = {
            "resultsPerPage": len(matching[index : index + size]),
            "startIndex": index,
            "totalResults": total,
            "format": "NVD_CVE",
            "version": "2.0",
            "timestamp": "2026-11-30T00:00:00.000",
            "vulnerabilities": matching[index : index + size],
        }
        return Response(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


@pytest.fixture
def nvd(server: FeedServer) -> NvdMimic:
    return NvdMimic(server)


NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def test_windows_never_exceed_120_days() -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    spans = windows(start, start + dt.timedelta(days=300))
    assert [(b - start).days for b, _ in spans] == [0, 120, 240]
    assert [(e - b).days for b, e in spans] == [120, 120, 60]
    assert windows(start, start) == []


def test_a_300_day_backfill_is_split_into_windows_of_at_most_120_days(
    sync: Sync, nvd: NvdMimic, engine: Engine
) -> None:
    nvd.cves = [
        cve("CVE-2024-0001", NOW - dt.timedelta(days=290), v31=V31),
        cve("CVE-2024-0002", NOW - dt.timedelta(days=100), v4=V4),
        cve("CVE-2024-0003", NOW - dt.timedelta(days=2), v31=V31, v4=V4),
    ]
    since = (NOW - dt.timedelta(days=300)).isoformat()
    [result] = sync(feeds=["nvd"], config={"nvd": {"since": since}}).results
    assert (result.status, result.updated) == (Status.UPDATED, 3)
    spans = [
        (
            dt.datetime.fromisoformat(c["lastModStartDate"]),
            dt.datetime.fromisoformat(c["lastModEndDate"]),
        )
        for c in nvd.calls
    ]
    assert len(spans) == 3
    assert all(end - begin <= dt.timedelta(days=120) for begin, end in spans)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))  # contiguous
    assert spans[0][0] == (NOW - dt.timedelta(days=300)).replace(tzinfo=None)
    with engine.connect() as conn:
        metrics = nvd_metrics_for(conn, ["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"])
        state = load_state(conn, "nvd")
    one = metrics["CVE-2024-0001"]
    assert (one.cvss_v3_version, one.cvss_v3_vector, one.cvss_v3_score) == ("3.1", V31, 9.8)
    assert (one.cvss_v2_vector, one.cvss_v2_score) == ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5)
    assert one.cwes == ("CWE-20", "CWE-89")
    assert metrics["CVE-2024-0002"].best_vector == V4
    assert metrics["CVE-2024-0003"].cvss_v4_score == 9.3
    assert state.newest_record_at is not None
    assert state.newest_record_at.date() == (NOW - dt.timedelta(days=2)).date()


def test_pages_are_followed_and_the_next_sync_starts_where_this_one_ended(
    sync: Sync, nvd: NvdMimic, engine: Engine, clock: FakeClock
) -> None:
    nvd.cves = [cve(f"CVE-2024-{i:04d}", NOW - dt.timedelta(days=1, minutes=i)) for i in range(5)]
    config = {"nvd": {"page_size": 2}}
    [result] = sync(feeds=["nvd"], config=config).results
    assert result.updated == 5
    assert [c["startIndex"] for c in nvd.calls] == ["0", "2", "4"]
    assert {c["resultsPerPage"] for c in nvd.calls} == {"2"}
    first_end = dt.datetime.fromisoformat(nvd.calls[0]["lastModEndDate"])
    nvd.calls.clear()
    nvd.cves.append(cve("CVE-2024-0100", dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    [again] = sync(feeds=["nvd"], config=config).results
    start = dt.datetime.fromisoformat(nvd.calls[0]["lastModStartDate"])
    assert start == first_end - dt.timedelta(minutes=5)  # the overlap for late indexing
    assert again.updated == 1
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(nvd_metrics)).scalar() == 6


def test_without_a_key_five_requests_per_30_seconds_and_with_one_fifty(
    sync: Sync, nvd: NvdMimic, clock: FakeClock
) -> None:
    nvd.cves = [cve(f"CVE-2024-{i:04d}", NOW - dt.timedelta(hours=i + 1)) for i in range(7)]
    sync(feeds=["nvd"], config={"nvd": {"page_size": 1}})
    assert len(nvd.calls) == 7
    assert [c["apiKey"] for c in nvd.calls] == [""] * 7
    assert sum(clock.sleeps) == pytest.approx(30.0)  # the sixth request waited for the window
    clock.sleeps.clear()
    nvd.calls.clear()
    sync(
        feeds=["nvd"],
        config={"nvd": {"page_size": 1}},
        environ={"RUNINK_NVD_API_KEY": "secret-key"},
    )
    assert {c["apiKey"] for c in nvd.calls} == {"secret-key"}
    assert clock.sleeps == []


def test_a_window_that_changes_while_paging_is_read_again(
    sync: Sync, nvd: NvdMimic, engine: Engine
) -> None:
    nvd.cves = [cve(f"CVE-2024-{i:04d}", NOW - dt.timedelta(hours=i + 1)) for i in range(3)]
    nvd.grow_after_first_page = 1
    [result] = sync(feeds=["nvd"], config={"nvd": {"page_size": 2}}).results
    assert result.updated == 3
    assert [c["startIndex"] for c in nvd.calls] == ["0", "2", "0", "2"]


def test_403_is_retried_and_then_explained(
    sync: Sync, nvd: NvdMimic, server: FeedServer, clock: FakeClock
) -> None:
    nvd.cves = [cve("CVE-2024-0001", NOW - dt.timedelta(hours=1))]
    server.fail(API, status=403)
    [ok] = sync(feeds=["nvd"]).results
    assert ok.status is Status.UPDATED and len(nvd.calls) == 1  # the 403 never reached the mimic
    server.fail(API, status=403, times=5)
    [failed] = sync(feeds=["nvd"]).results
    assert failed.status is Status.FAILED
    assert failed.error is not None and failed.error.startswith(f"feed nvd: GET {server.url}{API}?")
    assert "HTTP 403 Forbidden (gave up after 3 attempts)" in failed.error
    assert "API key is invalid" in failed.error
