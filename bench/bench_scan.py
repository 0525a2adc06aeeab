"""`runink scan` process wall time on a real 2,000-package lockfile.

    python bench/bench_scan.py

Scans a copy of ../shared/data/real-lockfiles/jupyterlab/yarn.lock (yarn berry, ~1,860
components) against a database holding every advisory in ../shared/data/advisories that Runink
can read. The database is built once into bench/.cache and rebuilt when the schema, Runink's
version or the archives change. Each run is a fresh `runink scan` process, so the figure
includes interpreter start-up, imports, opening the database and loading the index.
Target: <= 1.0 s.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import CACHE, ROOT, line, require_shared, unpack

LOCKFILE = Path("real-lockfiles") / "jupyterlab" / "yarn.lock"
RUNS = 5
#: Every archive in ../shared/data/advisories: (archive, the folder it unpacks into).
ALL_ADVISORIES = (
    ("pypa-advisory-database.tar.gz", "pypa-advisory-database"),
    ("golang-vulndb-osv.tar.gz", "golang-vulndb"),
    ("rustsec-advisory-db-osv.tar.gz", "rustsec-advisory-db-osv"),
    ("nodejs-security-wg-vuln.tar.gz", "nodejs-security-wg"),
    ("rubysec-ruby-advisory-db.tar.gz", "ruby-advisory-db"),
)


def runink_executable() -> str:
    """The ``runink`` command, its modules byte-compiled as an installed package's are.

    (With PYTHONDONTWRITEBYTECODE set, as in some sandboxes, a source checkout would otherwise
    compile every module again in every process, some 0.3 s.)
    """
    import compileall

    import runink

    compileall.compile_dir(Path(runink.__file__).parent, quiet=1)
    return shutil.which("runink", path=str(Path(sys.executable).parent)) or "runink"


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``cmd`` once: its wall time, and the CPU time (user + system) it used. On a machine
    shared with other work the CPU time is the better estimate of the idle wall time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def database_key(shared: Path) -> str:
    """Changes with the schema head, Runink's version and the archives' sizes and times."""
    from runink import __version__
    from runink.store.db import SCHEMA_HEAD

    parts = [SCHEMA_HEAD, __version__]
    for archive, _ in ALL_ADVISORIES:
        stat = (shared / "advisories" / archive).stat()
        parts.append(f"{archive}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def build_database(home: Path) -> None:
    """Import every archive in one database; report what each one gave."""
    from runink.services.importing import import_sources, plan_import
    from runink.store.db import open_engine

    os.environ["RUNINK_HOME"] = str(home)
    engine = open_engine()
    print("building the advisory database (cached for the next runs):")
    try:
        for archive, folder in ALL_ADVISORIES:
            root = unpack(archive, folder)
            t0 = time.perf_counter()
            sources, planning_rejects = plan_import([root])
            report = import_sources(engine, sources, origin=str(root))
            rejected = len(planning_rejects) + len(report.rejected)
            accepted = report.records - len(report.rejected)
            line(
                f"{archive}",
                f"{accepted:>6} imported, {rejected:>5} rejected "
                f"({time.perf_counter() - t0:5.1f} s)",
            )
            if accepted == 0 and rejected:
                print(f"    not OSV: Runink's importer reads OSV records only ({folder})")
    finally:
        engine.dispose()


def cached_home(shared: Path) -> Path:
    home = CACHE / f"scan-db-{database_key(shared)}"
    if not (home / "runink.db").is_file():
        for stale in CACHE.glob("scan-db-*"):
            shutil.rmtree(stale, ignore_errors=True)
        partial = CACHE / "scan-db-building"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        build_database(partial)
        partial.rename(home)
    return home


def main() -> None:
    shared = require_shared()
    source = shared / LOCKFILE
    home = cached_home(shared)
    env = {**os.environ, "RUNINK_HOME": str(home)}
    env.pop("RUNINK_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="runink-bench-scan-") as tmp:
        repo = Path(tmp) / "jupyterlab"
        repo.mkdir()
        shutil.copyfile(source, repo / "yarn.lock")
        cmd = [runink_executable(), "scan", str(repo), "--max-age", "none"]
        first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if first.returncode not in (0, 1):
            print(f"runink scan failed (exit {first.returncode}):\n{first.stderr}")
            sys.exit(1)
        runs = [run_timed(cmd, env) for _ in range(RUNS)]
        times = [wall for wall, _ in runs]
        cpu = [c for _, c in runs]
        report = subprocess.run(
            [*cmd, "--format", "json"], env=env, capture_output=True, text=True, check=False
        )
    summary = summarize(report.stdout)
    print(f"runink scan {LOCKFILE} (process wall time, {RUNS} runs after one warm-up):")
    print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    line("result", f"exit {first.returncode}; {summary}")
    line("best", f"{min(times):6.3f} s (target <= 1.0 s)")
    line("median", f"{statistics.median(times):6.3f} s")
    line(
        "CPU time (user + system), best / median",
        f"{min(cpu):6.3f} s / {statistics.median(cpu):.3f} s",
    )


def summarize(json_report: str) -> str:
    import orjson

    try:
        data = orjson.loads(json_report)
    except orjson.JSONDecodeError:
        return "(no JSON report)"
    return f"{len(data['components'])} components, {len(data['findings'])} findings"


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
