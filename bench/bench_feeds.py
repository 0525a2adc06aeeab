"""Feed sync: the real advisory sets served locally as an OSV bucket; KEV and EPSS files.

    python bench/bench_feeds.py

Builds ``bench/.cache/osv-bucket`` from the PyPA (YAML, converted to JSON), Go and RustSec
advisory databases in ../shared/data/advisories, laid out as OSV's exporter writes the bucket
(``<eco>/all.zip``, ``<eco>/modified_id.csv`` newest first, ``<eco>/<id>.json``), serves it on
127.0.0.1 with a threaded stdlib server in its own process, and measures with ``runink.feeds.sync.run_sync``:

* the first sync of the three ecosystems (all.zip downloads and imports), records/s;
* an incremental sync after 100 records per ecosystem changed (index + 300 record fetches);
* a sync where nothing changed (three conditional requests answered 304);
* the real CISA KEV catalog, and the real EPSS scores (the EMBA copy of FIRST's data,
  written as FIRST's daily gzip CSV) with threshold-crossing events.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import CACHE, advisory_roots, line, require_shared

ECOSYSTEMS = {"pypa (YAML)": "PyPI", "go (JSON)": "Go", "rustsec (JSON)": "crates.io"}
CHANGED_PER_ECOSYSTEM = 100


# The bucket is served by a separate process, so the server does not compete with the sync for
# this process's GIL (as a real bucket would not).
SERVER = """
import functools, sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes
    def log_message(self, *args):
        pass

httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
httpd.daemon_threads = True
print(httpd.server_address[1], flush=True)
httpd.serve_forever()
"""


def serve(root: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def load_records(root: Path) -> dict[str, dict[str, Any]]:
    from runink.advisories.loader import RawRecord, plan

    source = plan(root)
    assert not hasattr(source, "message"), source
    records: dict[str, dict[str, Any]] = {}
    for raw in source:  # type: ignore[union-attr]
        if not isinstance(raw, RawRecord):
            continue
        _, text = raw.decode()
        obj = json.loads(text)
        records[obj["id"]] = obj
    return records


def write_ecosystem(bucket: Path, ecosystem: str, records: dict[str, dict[str, Any]]) -> None:
    directory = bucket / ecosystem
    directory.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(directory / "all.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for id_ in sorted(records):
            zf.writestr(f"{id_}.json", json.dumps(records[id_], separators=(",", ":")))
    for id_, rec in records.items():
        (directory / f"{id_}.json").write_text(json.dumps(rec, separators=(",", ":")))
    write_index(directory, records)


def write_index(directory: Path, records: dict[str, dict[str, Any]]) -> None:
    rows = sorted(((r["modified"], i) for i, r in records.items()), key=lambda x: x[1])
    rows.sort(key=lambda x: x[0], reverse=True)  # newest first by text, ties by id ascending
    (directory / "modified_id.csv").write_text("".join(f"{m},{i}\n" for m, i in rows))


def settings_for(url: str) -> Any:
    from runink.feeds.settings import parse_feed_settings

    return parse_feed_settings(
        {
            "feeds": {
                "osv": {"url": url},
                "kev": {"url": f"{url}/kev/known_exploited_vulnerabilities.json"},
                "epss": {"url": f"{url}/epss/epss_scores-current.csv.gz"},
            }
        },
        source="bench",
        environ={},
    )


def report_line(label: str, report: Any, records: int | None = None) -> None:
    seconds = sum(r.seconds for r in report.results)
    requests = sum(r.requests for r in report.results)
    received = sum(r.bytes for r in report.results) / 1e6
    applied = records if records is not None else sum(r.new + r.updated for r in report.results)
    rate = f"{applied / seconds:>9,.0f} records/s" if applied and seconds else ""
    line(label, f"{seconds:6.2f} s  {requests:5d} requests  {received:6.1f} MB  {rate}")


def main() -> None:
    require_shared()
    from runink.feeds.events import count_events
    from runink.feeds.sync import run_sync
    from runink.store.db import open_engine

    roots = advisory_roots()
    bucket = CACHE / "osv-bucket"
    shutil.rmtree(bucket, ignore_errors=True)
    total = 0
    all_records: dict[str, dict[str, dict[str, Any]]] = {}
    for label, root in roots.items():
        ecosystem = ECOSYSTEMS[label]
        records = load_records(root)
        write_ecosystem(bucket, ecosystem, records)
        all_records[ecosystem] = records
        total += len(records)
    server, url = serve(bucket)
    settings = settings_for(url)
    home = Path(tempfile.mkdtemp(prefix="runink-bench-feeds-"))
    os.environ["RUNINK_HOME"] = str(home)
    os.environ.pop("RUNINK_DATABASE_URL", None)
    try:
        engine = open_engine()
        ecosystems = list(ECOSYSTEMS.values())
        print(f"OSV sync of {total} real records served as a bucket on 127.0.0.1 (SQLite):")
        first = run_sync(engine, feeds=["osv"], ecosystems=ecosystems, settings=settings)
        assert not first.failed, first.failed
        for r in first.results:
            line(
                f"  first sync {r.scope}: {r.new} records",
                f"{r.seconds:6.2f} s  {r.new / r.seconds:>9,.0f} records/s",
            )
        report_line(f"first sync, 3 ecosystems ({total} records, all.zip)", first)
        with engine.connect() as conn:
            line("  change events written", f"{count_events(conn):>9,}")

        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        for ecosystem, records in all_records.items():
            directory = bucket / ecosystem
            for id_ in sorted(records)[:CHANGED_PER_ECOSYSTEM]:
                rec = records[id_]
                rec["modified"] = stamp
                rec["summary"] = (rec.get("summary") or "") + " (revised)"
                (directory / f"{id_}.json").write_text(json.dumps(rec, separators=(",", ":")))
            write_index(directory, records)
        changed = CHANGED_PER_ECOSYSTEM * len(all_records)
        incremental = run_sync(engine, feeds=["osv"], ecosystems=ecosystems, settings=settings)
        assert not incremental.failed, incremental.failed
        assert sum(r.updated for r in incremental.results) == changed
        report_line(f"incremental sync: {changed} changed records fetched", incremental)
        unchanged = run_sync(engine, feeds=["osv"], ecosystems=ecosystems, settings=settings)
        report_line("sync with nothing changed (304s)", unchanged, records=0)

        shared = require_shared()
        kev_dir = bucket / "kev"
        kev_dir.mkdir()
        shutil.copy(shared / "kev" / "known_exploited_vulnerabilities.json", kev_dir)
        kev = run_sync(engine, feeds=["kev"], settings=settings)
        report_line(f"KEV catalog: {kev.results[0].new} CVEs", kev)

        epss_dir = bucket / "epss"
        epss_dir.mkdir()
        rows = [
            "#model_version:v2025.03.14,score_date:2026-08-16T00:00:00+0000",
            "cve,epss,percentile",
        ]
        with tarfile.open(shared / "epss" / "emba-epss-data-2026-08-16.tar.gz") as tar:
            for member in tar.getmembers():
                data = tar.extractfile(member) if member.name.endswith(".csv") else None
                if data is None:
                    continue
                rows.extend(raw.replace(";", ",") for raw in data.read().decode().splitlines())
        (epss_dir / "epss_scores-current.csv.gz").write_bytes(
            gzip.compress(("\n".join(rows) + "\n").encode())
        )
        t0 = time.perf_counter()
        epss = run_sync(engine, feeds=["epss"], settings=settings)
        assert not epss.failed, epss.failed
        r = epss.results[0]
        line(
            f"EPSS scores: {r.new} CVEs, {r.events} crossed {settings.epss.threshold:g}",
            f"{time.perf_counter() - t0:6.2f} s  {r.new / r.seconds:>9,.0f} rows/s",
        )
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
