"""Evidence ledger: append rate in scan-sized batches, full verification rate, bundle export.

    python bench/bench_ledger.py

Targets (issue 5): >= 2,000 appends/s to SQLite in batches as a scan writes them, and
verification >= 50,000 entries/s. Entries are finding.opened records built from the real Go
vulnerability database in ../shared/data (ids, aliases, modules, fixed versions); without it,
synthetic records of the same shape are used and the script says so.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import SHARED, line, unpack

SCAN_BATCH = 500  # entries one scan of a mid-sized service writes
APPEND_ENTRIES = 50_000
VERIFY_ENTRIES = 200_000


def findings_source() -> list[dict[str, Any]]:
    """One dict per (advisory, affected module) of the Go vulnerability database."""
    if not (SHARED / "advisories" / "golang-vulndb-osv.tar.gz").exists():
        print(f"  note: {SHARED} not found; using synthetic findings")
        return [
            {
                "vulnerability": f"CVE-2024-{i:05d}",
                "component": f"pkg:golang/example.com/mod{i % 700}@v1.{i % 30}.0",
                "aliases": [f"CVE-2024-{i:05d}", f"GHSA-{i:04x}-aaaa-bbbb"],
                "fixed_version": f"v1.{i % 30 + 1}.0",
            }
            for i in range(5000)
        ]
    root = unpack("golang-vulndb-osv.tar.gz", "golang-vulndb") / "data" / "osv"
    items = []
    for path in sorted(root.glob("GO-*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        aliases = record.get("aliases", [])
        for affected in record.get("affected", []):
            module = affected.get("package", {}).get("name", "")
            fixed = [
                e["fixed"]
                for r in affected.get("ranges", [])
                for e in r.get("events", [])
                if "fixed" in e
            ]
            items.append(
                {
                    "vulnerability": next(
                        (a for a in aliases if a.startswith("CVE-")), record["id"]
                    ),
                    "component": f"pkg:golang/{module}@v0.0.1",
                    "aliases": [record["id"], *aliases],
                    "fixed_version": f"v{fixed[0]}" if fixed else None,
                }
            )
    print(f"  findings from the Go vulnerability database: {len(items):,} (advisory x module)")
    return items


def entries(source: list[dict[str, Any]], start: int, count: int) -> list[Any]:
    from runink.ledger import kinds
    from runink.ledger.entry import EntryInput, Subject

    batch = []
    for n in range(start, start + count):
        item = source[n % len(source)]
        batch.append(
            EntryInput(
                actor="runink/scan",
                kind=kinds.FINDING_OPENED,
                subject=Subject(
                    artifact=f"service-{n % 40}",
                    repo=f"org/service-{n % 40}",
                    vulnerability=item["vulnerability"],
                    component=item["component"],
                ),
                payload={
                    "advisories": item["aliases"][:1],
                    "aliases": item["aliases"],
                    "severity": "high",
                    "score": 7.5,
                    "fixed_version": item["fixed_version"],
                    "scan_id": f"scan-{n // SCAN_BATCH}",
                },
            )
        )
    return batch


def main() -> None:
    from runink.ledger.bundle import Selection, build_bundle, verify_bundle, write_json
    from runink.ledger.ledger import Ledger
    from runink.ledger.store import snapshot
    from runink.ledger.verify import verify_ledger
    from runink.store.db import open_engine

    source = findings_source()
    with tempfile.TemporaryDirectory(prefix="runink-bench-ledger-") as tmp:
        os.environ["RUNINK_HOME"] = tmp
        os.environ.pop("RUNINK_DATABASE_URL", None)
        os.environ.pop("RUNINK_LEDGER_KEY", None)
        engine = open_engine()
        ledger = Ledger(engine)
        ledger.signing_key()  # key generation is a one-off, not part of the rate

        print("append (SQLite WAL, one transaction + one signed checkpoint per batch):")
        for batch_size in (SCAN_BATCH, 50):
            count = APPEND_ENTRIES if batch_size == SCAN_BATCH else 5_000
            start = ledger.head().seq if ledger.head() else 0  # type: ignore[union-attr]
            prepared = [entries(source, start + i, batch_size) for i in range(0, count, batch_size)]
            t0 = time.perf_counter()
            for batch in prepared:
                ledger.append(batch)
            seconds = time.perf_counter() - t0
            target = " (target >= 2,000/s)" if batch_size == SCAN_BATCH else ""
            line(
                f"{count:,} entries in batches of {batch_size}{target}",
                f"{seconds:6.2f} s  {count / seconds:>9,.0f} appends/s",
            )

        head = ledger.head()
        assert head is not None
        remaining = VERIFY_ENTRIES - head.seq
        if remaining > 0:
            t0 = time.perf_counter()
            for i in range(0, remaining, 5000):
                ledger.append(entries(source, head.seq + i, min(5000, remaining - i)))
            seconds = time.perf_counter() - t0
            line(
                f"(filling to {VERIFY_ENTRIES:,} entries in batches of 5,000)",
                f"{seconds:6.2f} s  {remaining / seconds:>9,.0f} appends/s",
            )

        print("verify (hashes, chain, Merkle roots, every checkpoint signature):")
        trusted = ledger.trusted_keys()
        times = []
        for _ in range(3):
            with snapshot(engine) as conn:
                report = verify_ledger(conn, trusted)
            assert report.ok, report.problem
            times.append(report.seconds)
        best = min(times)
        line(
            f"{report.entries:,} entries, {report.checkpoints:,} checkpoints (target >= 50,000/s)",
            f"{best:6.2f} s  {report.entries / best:>9,.0f} entries/s",
        )

        print("bundle export and offline verification (one artifact):")
        t0 = time.perf_counter()
        with snapshot(engine) as conn:
            bundle = build_bundle(conn, Selection(artifact="service-7"))
        path = Path(tmp) / "bundle.json"
        write_json(path, bundle)
        export_s = time.perf_counter() - t0
        size = path.stat().st_size
        line(
            f"export {len(bundle['entries']):,} entries of {report.entries:,}",
            f"{export_s:6.2f} s  {size / 1e6:6.1f} MB",
        )
        t0 = time.perf_counter()
        checked = verify_bundle(path)
        verify_s = time.perf_counter() - t0
        assert checked.ok, checked.problems[:3]
        line(
            f"verify-bundle {checked.entries:,} entries",
            f"{verify_s:6.2f} s  {checked.entries / verify_s:>9,.0f} entries/s",
        )
        db_size = (Path(tmp) / "runink.db").stat().st_size
        line("database size", f"{db_size / 1e6:6.1f} MB  ({db_size / report.entries:,.0f} B/entry)")
        engine.dispose()


if __name__ == "__main__":
    main()
