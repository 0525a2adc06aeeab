"""CISA KEV and FIRST EPSS served locally: additions, removals, 304s, threshold crossings,
bad rows, and the real catalog from ../shared/data."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from runink.feeds.base import Status
from runink.feeds.enrichment import epss_for, kev_entries_for
from runink.feeds.events import read_events
from runink.feeds.state import load_state
from runink.services.importing import import_sources, plan_import
from runink.store.tables import epss_scores, kev_entries
from tests.conftest import shared_path
from tests.feeds.conftest import Sync
from tests.feeds.server import FeedServer

KEV_PATH = "/kev/known_exploited_vulnerabilities.json"
EPSS_PATH = "/epss/epss_scores-current.csv.gz"


def kev_entry(cve: str, added: str, ransomware: str = "Unknown") -> dict[str, Any]:
    return {
        "cveID": cve,
        "vendorProject": "Acme",
        "product": "Widget",
        "vulnerabilityName": f"Acme Widget flaw {cve}",
        "dateAdded": added,
        "shortDescription": "Acme Widget lets attackers in.",
        "requiredAction": "Apply updates per vendor instructions.",
        "dueDate": "2025-03-01",
        "knownRansomwareCampaignUse": ransomware,
        "notes": "https://acme.example/advisory",
        "cwes": ["CWE-787"],
    }


def catalog(*entries: dict[str, Any], version: str = "2025.02.25") -> bytes:
    return json.dumps(
        {
            "title": "CISA Catalog of Known Exploited Vulnerabilities",
            "catalogVersion": version,
            "dateReleased": "2025-02-25T20:33:53.3676Z",
            "count": len(entries),
            "vulnerabilities": list(entries),
        }
    ).encode()


def events(engine: Engine, after: int = 0) -> list[Any]:
    with engine.connect() as conn:
        return read_events(conn, after, 10_000)


def test_kev_first_sync_then_additions_then_not_modified(
    sync: Sync, server: FeedServer, engine: Engine, tmp_path: Path
) -> None:
    # An advisory that aliases one of the CVEs, so the event links to it.
    (tmp_path / "GHSA-kev1.json").write_text(
        json.dumps(
            {"id": "GHSA-kev1", "modified": "2025-01-01T00:00:00Z", "aliases": ["CVE-2025-0002"]}
        )
    )
    sources, _ = plan_import([tmp_path])
    import_sources(engine, sources, origin="test")
    server.put(KEV_PATH, catalog(kev_entry("CVE-2025-0001", "2025-02-01")))
    [first] = sync(feeds=["kev"]).results
    assert (first.status, first.new, first.events) == (Status.UPDATED, 1, 1)
    server.put(
        KEV_PATH,
        catalog(
            kev_entry("CVE-2025-0001", "2025-02-01", ransomware="Known"),
            kev_entry("CVE-2025-0002", "2025-02-20"),
        ),
    )
    [second] = sync(feeds=["kev"]).results
    assert (second.new, second.unchanged, second.events) == (1, 1, 1)
    [added] = [e for e in events(engine) if e.subject == "CVE-2025-0002"]
    assert added.kind == "kev.added" and added.source == "kev"
    assert added.details == {
        "vendor_project": "Acme",
        "product": "Widget",
        "vulnerability_name": "Acme Widget flaw CVE-2025-0002",
        "date_added": "2025-02-20",
        "due_date": "2025-03-01",
        "known_ransomware": "Unknown",
        "cwes": ["CWE-787"],
        "advisories": ["GHSA-kev1"],
    }
    with engine.connect() as conn:
        entries = kev_entries_for(conn, ["CVE-2025-0001", "CVE-2025-0002", "CVE-2025-9999"])
        state = load_state(conn, "kev")
    assert set(entries) == {"CVE-2025-0001", "CVE-2025-0002"}
    assert entries["CVE-2025-0001"].known_ransomware is True  # updated in place
    assert state.cursor["catalog_version"] == "2025.02.25"
    assert state.newest_record_at == dt.datetime(2025, 2, 25, 20, 33, 53, 367600, tzinfo=dt.UTC)
    server.reset_log()
    [third] = sync(feeds=["kev"]).results
    assert third.status is Status.NOT_MODIFIED
    assert "if-none-match" in server.requests(KEV_PATH)[0].headers


def test_kev_removal_and_bad_entries(sync: Sync, server: FeedServer, engine: Engine) -> None:
    server.put(
        KEV_PATH,
        catalog(kev_entry("CVE-2025-0001", "2025-02-01"), kev_entry("CVE-2025-0002", "2025-02-02")),
    )
    sync(feeds=["kev"])
    server.put(
        KEV_PATH,
        catalog(
            kev_entry("CVE-2025-0001", "2025-02-01"),
            kev_entry("not-a-cve", "2025-02-03"),
            kev_entry("CVE-2025-0003", "02/04/2025"),
        ),
    )
    [result] = sync(feeds=["kev"]).results
    assert (result.new, result.removed) == (0, 1)
    assert [e.kind for e in events(engine, 2)] == ["kev.removed"]
    assert len(result.rejected) == 2
    assert "vulnerabilities[1].cveID: not a CVE id" in result.rejected[0]
    assert "vulnerabilities[2]: CVE-2025-0003: invalid date" in result.rejected[1]


def test_kev_body_that_is_not_a_catalog_fails_the_feed(
    sync: Sync, server: FeedServer, engine: Engine
) -> None:
    server.put(KEV_PATH, b"<html>maintenance</html>")
    [result] = sync(feeds=["kev"]).results
    assert result.status is Status.FAILED
    assert (result.error or "").startswith(f"feed kev: {server.url}{KEV_PATH}: not a KEV catalog")


def test_the_real_kev_catalog(sync: Sync, server: FeedServer, engine: Engine) -> None:
    path = shared_path("kev", "known_exploited_vulnerabilities.json")
    server.put(KEV_PATH, path.read_bytes())
    [result] = sync(feeds=["kev"]).results
    assert result.rejected == []
    assert result.new == 1404 and result.events == 1404
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(kev_entries)).scalar()
    assert count == 1404


def epss_file(scores: dict[str, tuple[float, float]], day: str = "2026-05-15") -> bytes:
    lines = [f"#model_version:v2025.03.14,score_date:{day}T00:00:00+0000", "cve,epss,percentile"]
    lines += [f"{cve},{e:.9f},{p:.9f}" for cve, (e, p) in scores.items()]
    return gzip.compress(("\n".join(lines) + "\n").encode())


def test_epss_threshold_crossings_up_and_down(
    sync: Sync, server: FeedServer, engine: Engine
) -> None:
    server.put(
        EPSS_PATH,
        epss_file(
            {
                "CVE-2024-0001": (0.02, 0.50),
                "CVE-2024-0002": (0.40, 0.97),
                "CVE-2024-0003": (0.05, 0.70),
                "CVE-2024-0004": (0.30, 0.95),
            },
            "2026-05-15",
        ),
    )
    config = {"epss": {"threshold": 0.2}}
    [first] = sync(feeds=["epss"], config=config).results
    assert (first.new, first.events) == (4, 2)  # the first day: unscored -> above counts as up
    server.put(
        EPSS_PATH,
        epss_file(
            {
                "CVE-2024-0001": (0.25, 0.96),  # up
                "CVE-2024-0002": (0.10, 0.90),  # down
                "CVE-2024-0003": (0.06, 0.71),  # moves, stays below
                "CVE-2024-0005": (0.21, 0.95),  # new, above
            },  # CVE-2024-0004 is no longer scored: down
            "2026-05-16",
        ),
    )
    [second] = sync(feeds=["epss"], config=config).results
    assert (second.new, second.updated, second.removed) == (1, 3, 1)
    crossing = {e.subject: e.details for e in events(engine, 2)}
    assert {k: v["direction"] for k, v in crossing.items()} == {
        "CVE-2024-0001": "up",
        "CVE-2024-0002": "down",
        "CVE-2024-0004": "down",
        "CVE-2024-0005": "up",
    }
    assert crossing["CVE-2024-0001"] == {
        "direction": "up",
        "threshold": 0.2,
        "epss": {"before": 0.02, "after": 0.25},
        "percentile": {"before": 0.5, "after": 0.96},
        "score_date": "2026-05-16",
    }
    assert crossing["CVE-2024-0004"]["epss"] == {"before": 0.3, "after": None}
    with engine.connect() as conn:
        scores = epss_for(conn, ["CVE-2024-0001", "CVE-2024-0004"])
    assert list(scores) == ["CVE-2024-0001"]
    assert (scores["CVE-2024-0001"].epss, str(scores["CVE-2024-0001"].score_date)) == (
        0.25,
        "2026-05-16",
    )
    server.reset_log()
    [third] = sync(feeds=["epss"], config=config).results
    assert third.status is Status.NOT_MODIFIED


def test_epss_never_goes_back_to_an_older_file(
    sync: Sync, server: FeedServer, engine: Engine
) -> None:
    server.put(EPSS_PATH, epss_file({"CVE-2024-0001": (0.5, 0.99)}, "2026-05-16"))
    sync(feeds=["epss"])
    server.put(EPSS_PATH, epss_file({"CVE-2024-0001": (0.01, 0.1)}, "2026-05-15"))
    [result] = sync(feeds=["epss"]).results
    assert result.status is Status.UNCHANGED and "already stored" in result.detail
    with engine.connect() as conn:
        assert conn.execute(sa.select(epss_scores.c.epss)).scalar() == 0.5


def test_epss_bad_rows_are_rejected_and_a_bad_header_fails(
    sync: Sync, server: FeedServer, engine: Engine
) -> None:
    body = (
        "#model_version:v2025.03.14,score_date:2026-05-15T00:00:00Z\n"
        "cve,epss,percentile\n"
        "CVE-2024-0001,0.1,0.5\n"
        "CVE-2024-0002,high,0.5\n"
        "CVE-2024-0003,1.5,0.5\n"
        "nonsense\n"
    )
    server.put(EPSS_PATH, gzip.compress(body.encode()))
    [result] = sync(feeds=["epss"]).results
    assert result.new == 1
    url = f"{server.url}{EPSS_PATH}"
    assert result.rejected == [
        f"{url}:4: epss and percentile must be numbers",
        f"{url}:5: epss and percentile must be between 0 and 1",
        f"{url}:6: expected 3 columns, got 1",
    ]
    server.put(EPSS_PATH, gzip.compress(b"id;score\nCVE-2024-1;0.1\n"))
    [failed] = sync(feeds=["epss"]).results
    assert failed.status is Status.FAILED
    assert f"feed epss: {url}:1: expected the header cve,epss,percentile" in (failed.error or "")


def test_the_real_epss_scores_as_a_daily_file(
    sync: Sync, server: FeedServer, engine: Engine, tmp_path: Path
) -> None:
    import tarfile

    archive = shared_path("epss", "emba-epss-data-2026-08-16.tar.gz")
    scores: dict[str, tuple[float, float]] = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.name.endswith("CVE_2021_EPSS.csv"):
                data = tar.extractfile(member)
                assert data is not None
                for line in data.read().decode().splitlines():
                    cve, epss, pct = line.split(";")
                    scores[cve] = (float(epss), float(pct))
    server.put(EPSS_PATH, epss_file(scores, "2026-08-16"))
    [result] = sync(feeds=["epss"]).results
    assert result.rejected == [] and result.new == len(scores) > 10_000
    assert result.events == sum(1 for e, _ in scores.values() if e >= 0.1)
