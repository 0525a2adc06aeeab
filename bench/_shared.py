"""Benchmark helpers: locate ../shared/data, unpack archives once into bench/.cache."""

from __future__ import annotations

import os
import statistics
import sys
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("RUNINK_SHARED_DATA", ROOT.parent / "shared" / "data"))
CACHE = ROOT / "bench" / ".cache"
ADVISORY_SETS = {
    "pypa (YAML)": ("pypa-advisory-database.tar.gz", "pypa-advisory-database"),
    "go (JSON)": ("golang-vulndb-osv.tar.gz", "golang-vulndb"),
    "rustsec (JSON)": ("rustsec-advisory-db-osv.tar.gz", "rustsec-advisory-db-osv"),
}


def require_shared() -> Path:
    if not SHARED.is_dir():
        print(f"skipped: shared data not found at {SHARED} (set RUNINK_SHARED_DATA)")
        sys.exit(0)
    return SHARED


def unpack(archive: str, folder: str) -> Path:
    target = CACHE / folder
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tarfile.open(require_shared() / "advisories" / archive) as tar:
            tar.extractall(CACHE, filter="data")
    return target


def advisory_roots() -> dict[str, Path]:
    return {label: unpack(archive, folder) for label, (archive, folder) in ADVISORY_SETS.items()}


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def line(label: str, value: str) -> None:
    print(f"  {label:<52} {value}")


def calibration() -> str:
    """How fast this machine runs plain Python right now (shared, virtualised CPUs vary 2x
    from minute to minute): seconds for a fixed 10-million-step loop, best of 3. About 0.6-0.8 s
    on an unloaded 2-core machine of this kind; figures scale with it."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"calibration: 10M-step Python loop {best:.2f} s, load average {load:.2f}"
