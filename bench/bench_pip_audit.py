"""`runink scan` beside pip-audit on the same requirements file and the same advisories.

    python bench/bench_pip_audit.py

Both tools audit a copy of ../shared/data/real-lockfiles/warehouse/requirements/main.txt
(pip-compile output, 184 pinned and hashed requirements) against the PyPA advisory database
from ../shared/data/advisories:

* Runink reads its database, built by bench_scan.py's code from those archives (cached in
  bench/.cache);
* pip-audit (installed from PyPI into its own virtual environment, bench/.cache/pip-audit-venv,
  never the project's) asks a local OSV API on 127.0.0.1 (bench/_osv_server.py) that serves the
  same PyPA records with its own matcher (``packaging``), through ``--osv-url``. With
  ``--disable-pip --no-deps`` pip-audit resolves nothing: it reads the pins. Its proxy variables
  point at a closed local port, so a request to anywhere else would fail, not leave the machine.

It prints both process wall times (best and median), the speed ratio (target: Runink >= 10x
faster), and compares the findings: the set of (package, OSV record id) and, with records that
share an alias merged as Runink merges them, the set of (package, every id and alias). Every
difference is printed with the records' ranges for the installed version.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _osv_server import OsvStore, serving
from _shared import CACHE, ROOT, line, require_shared, unpack
from bench_scan import cached_home, run_timed, runink_executable

REQUIREMENTS = Path("real-lockfiles") / "warehouse" / "requirements" / "main.txt"
PIP_AUDIT_VENV = CACHE / "pip-audit-venv"
RUNINK_RUNS = 5
PIP_AUDIT_RUNS = 3
TARGET_RATIO = 10.0


def pip_audit_executable() -> Path:
    """pip-audit in its own virtual environment, installed once from PyPI."""
    exe = PIP_AUDIT_VENV / "bin" / "pip-audit"
    if not exe.exists():
        print(f"installing pip-audit into {PIP_AUDIT_VENV} (once) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PIP_AUDIT_VENV)], check=True)
        subprocess.run(
            [str(PIP_AUDIT_VENV / "bin" / "pip"), "install", "--quiet", "pip-audit"], check=True
        )
    return exe


def timed_runs(
    cmd: list[str], env: dict[str, str], runs: int, ok: tuple[int, ...]
) -> tuple[list[tuple[float, float]], str]:
    """(wall, CPU) times of ``runs`` runs after one warm-up, and the warm-up's output (which
    must end with an exit code in ``ok``)."""
    warm = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if warm.returncode not in ok:
        print(f"{Path(cmd[0]).name} failed (exit {warm.returncode}):\n{warm.stderr[-3000:]}")
        sys.exit(1)
    return [run_timed(cmd, env) for _ in range(runs)], warm.stdout


def offline_env(**extra: str) -> dict[str, str]:
    """The environment with every proxy pointing at a closed local port (only 127.0.0.1 is
    reached directly): nothing can leave the machine."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    dead = "http://127.0.0.1:9"
    env.update(HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead, NO_PROXY="127.0.0.1,localhost")
    env.update(extra)
    return env


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def merged(groups: Iterable[set[str]]) -> list[frozenset[str]]:
    """Sets of ids joined while any two share an id (as Runink merges aliases)."""
    result: list[set[str]] = []
    for group in groups:
        group = set(group)
        overlapping = [g for g in result if g & group]
        for g in overlapping:
            group |= g
            result.remove(g)
        result.append(group)
    return [frozenset(g) for g in result]


def pip_audit_findings(report: dict[str, Any]) -> tuple[set[tuple[str, str]], dict[str, Any]]:
    records: set[tuple[str, str]] = set()
    by_package: dict[str, Any] = {}
    for dep in report.get("dependencies", []):
        name = canonical(dep["name"])
        by_package[name] = dep
        for vuln in dep.get("vulns", []):
            records.add((name, vuln["id"]))
    return records, by_package


def runink_findings(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (canonical(f["name"]), record) for f in report["findings"] for record in f["advisories"]
    }


def id_groups_pip_audit(report: dict[str, Any]) -> set[tuple[str, frozenset[str]]]:
    out = set()
    for dep in report.get("dependencies", []):
        groups = [{v["id"], *v.get("aliases", [])} for v in dep.get("vulns", [])]
        out |= {(canonical(dep["name"]), g) for g in merged(groups)}
    return out


def id_groups_runink(report: dict[str, Any]) -> set[tuple[str, frozenset[str]]]:
    by_package: dict[str, list[set[str]]] = {}
    for f in report["findings"]:
        by_package.setdefault(canonical(f["name"]), []).append({f["id"], *f["aliases"]})
    return {(name, g) for name, groups in by_package.items() for g in merged(groups)}


def explain(store: OsvStore, package: str, record_id: str, version: str | None) -> str:
    record = store.records.get(record_id)
    if record is None:
        return f"{record_id} is not in the PyPA database the server holds"
    parts = []
    for affected in record.get("affected") or []:
        pkg = affected.get("package") or {}
        if canonical(str(pkg.get("name", ""))) != package:
            continue
        for r in affected.get("ranges") or []:
            parts.append(f"{r.get('type')} {r.get('events')}")
        listed = affected.get("versions") or []
        parts.append(
            f"{len(listed)} listed versions" + (" (installed listed)" if version in listed else "")
        )
    withdrawn = " (withdrawn)" if record.get("withdrawn") else ""
    return f"{record_id}{withdrawn} for {package} {version}: " + "; ".join(parts)


def affected_pins(text: str, store: OsvStore) -> tuple[str, int]:
    """The requirements with each package the PyPA database advises on pinned to a version one
    of its records lists as affected (the newest listed version of the first record by id).
    Hashes are dropped (they would not match); the others keep their pins."""
    import re

    pins = re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)", text, re.MULTILINE
    )
    out = []
    changed = 0
    for name, extras, version in pins:
        listed: list[str] = []
        for record, affected in sorted(
            store.by_package.get(("PyPI", canonical(name)), []), key=lambda ra: ra[0]["id"]
        ):
            if not record.get("withdrawn") and affected.get("versions"):
                listed = affected["versions"]
                break
        if listed:
            version = listed[-1]
            changed += 1
        out.append(f"{name}{extras}=={version}")
    return "\n".join(out) + "\n", changed


def main() -> None:
    shared = require_shared()
    requirements = shared / REQUIREMENTS
    pypa = unpack("pypa-advisory-database.tar.gz", "pypa-advisory-database")
    home = cached_home(shared)
    pip_audit = pip_audit_executable()
    version = subprocess.run(
        [str(pip_audit), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()

    t0 = time.perf_counter()
    store = OsvStore.from_tree(pypa)
    load_seconds = time.perf_counter() - t0
    print(
        f"OSV server on 127.0.0.1: {len(store.records)} PyPA records, loaded in {load_seconds:.1f} s"
    )
    print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    published = requirements.read_text(encoding="utf-8")
    variant, changed = affected_pins(published, store)
    datasets = [
        (f"{REQUIREMENTS} as published", published),
        (
            f"{REQUIREMENTS} with the {changed} packages the PyPA database advises on pinned "
            "to a listed affected version (generated)",
            variant,
        ),
    ]
    for title, text in datasets:
        print(f"== {title}")
        compare(text, store, home, pip_audit, version)


def compare(text: str, store: OsvStore, home: Path, pip_audit: Path, version: str) -> None:
    with tempfile.TemporaryDirectory(prefix="runink-bench-pip-audit-") as tmp:
        repo = Path(tmp) / "warehouse"
        (repo / "requirements").mkdir(parents=True)
        target = repo / "requirements" / "main.txt"
        target.write_text(text, encoding="utf-8")
        runink_cmd = [
            runink_executable(),
            "scan",
            str(repo),
            "--format",
            "json",
            "--fail-on",
            "never",
            "--max-age",
            "none",
        ]
        runink_env = offline_env(RUNINK_HOME=str(home))
        runink_env.pop("RUNINK_DATABASE_URL", None)
        runink_times, runink_out = timed_runs(runink_cmd, runink_env, RUNINK_RUNS, ok=(0,))

        with serving(store) as server:
            pip_audit_cmd = [
                str(pip_audit),
                "-r",
                str(target),
                "--disable-pip",
                "--no-deps",
                "--vulnerability-service",
                "osv",
                "--osv-url",
                f"{server.url}/v1/query",
                "--format",
                "json",
                "--progress-spinner",
                "off",
                "--cache-dir",
                str(Path(tmp) / "pip-audit-cache"),
            ]
            pa_times, pa_out = timed_runs(pip_audit_cmd, offline_env(), PIP_AUDIT_RUNS, ok=(0, 1))
            served = dict(server.requests)

    import orjson

    report_comparison(store, orjson.loads(pa_out), orjson.loads(runink_out))
    print("  process times, after one warm-up run each (wall; CPU = user + system):")
    per_run = sum(served.values()) // (PIP_AUDIT_RUNS + 1)
    for label, runs in (
        (f"{version}: {PIP_AUDIT_RUNS} runs, {per_run} OSV queries each", pa_times),
        (f"runink scan: {RUNINK_RUNS} runs", runink_times),
    ):
        wall = [w for w, _ in runs]
        cpu = [c for _, c in runs]
        line(
            label,
            f"wall best {min(wall):6.3f} s median {statistics.median(wall):6.3f} s; "
            f"CPU best {min(cpu):6.3f} s",
        )
    pa_best = min(w for w, _ in pa_times)
    runink_best = min(w for w, _ in runink_times)
    ratio = pa_best / runink_best
    verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
    line(
        "speed ratio, wall (pip-audit best / runink best)",
        f"{ratio:5.2f}x (target >= {TARGET_RATIO:g}x: {verdict})",
    )
    if ratio < TARGET_RATIO:
        fixed_costs(text, runink_env, pa_best / TARGET_RATIO)


# What every ``runink scan`` process pays before and besides reading the file (measured as
# separate processes of the same interpreter: best wall time of FLOOR_RUNS).
FLOOR_RUNS = 7
FLOOR_IMPORTS = (
    ("Typer + Rich (the command line)", "import typer, rich.console, rich.table"),
    ("SQLAlchemy (ledger and action deliveries)", "import sqlalchemy.engine, sqlalchemy.sql"),
    (
        "cryptography Ed25519 (ledger signature)",
        "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey",
    ),
)
WARM_WORK = """
import sys, time
from pathlib import Path
from runink.cli.scan import _gated
from runink.render.formats import RENDERERS
from runink.render.kinds import ReportFormat
best = 9.0
for _ in range(6):
    t0 = time.perf_counter()
    report, _, _ = _gated(Path(sys.argv[1]), max_age="none", strict=False, exclude=None,
        no_default_excludes=False, policy_files=None, fail_on="never", act=True, command="bench")
    RENDERERS[ReportFormat.json](report)
    best = min(best, time.perf_counter() - t0)
print(best)
"""


def fixed_costs(text: str, env: dict[str, str], budget: float) -> None:
    """Why the ratio is what it is: Python's start, the imports a scan cannot do without, and
    Runink's own work on the file once everything is loaded, beside the 10x budget."""

    def best_wall(code: str, *args: str) -> float:
        return min(
            run_timed([sys.executable, "-c", code, *args], env)[0] for _ in range(FLOOR_RUNS)
        )

    start = best_wall("pass")
    print(f"  where a runink scan process's time goes (best of {FLOOR_RUNS} processes each):")
    line("Python start (python -c pass)", f"{start:6.3f} s")
    fixed = start
    store = 0.0
    for label, code in FLOOR_IMPORTS:
        cost = best_wall(code) - start
        fixed += cost
        store = cost if "sqlalchemy" in code else store
        line(f"import {label}", f"{cost:6.3f} s")
    with tempfile.TemporaryDirectory(prefix="runink-bench-pip-audit-") as tmp:
        requirements = Path(tmp) / "warehouse" / "requirements" / "main.txt"
        requirements.parent.mkdir(parents=True)
        requirements.write_text(text, encoding="utf-8")
        work = subprocess.run(
            [sys.executable, "-c", WARM_WORK, str(requirements.parent.parent)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    line("scan + policy + ledger + JSON, in process, warm", f"{float(work.stdout):6.3f} s")
    line(
        "start + those imports alone / the 10x budget",
        f"{fixed:6.3f} s / {budget:6.3f} s (pip-audit best / {TARGET_RATIO:g})",
    )
    line("the same without SQLAlchemy", f"{fixed - store:6.3f} s")


def report_comparison(
    store: OsvStore, pa_report: dict[str, Any], runink_report: dict[str, Any]
) -> None:
    pa_records, pa_deps = pip_audit_findings(pa_report)
    runink_records = runink_findings(runink_report)
    runink_versions = {canonical(c["name"]): c["version"] for c in runink_report["components"]}
    print("  findings:")
    line("pip-audit: dependencies audited", str(len(pa_deps)))
    line("runink: components", str(len(runink_report["components"])))
    skipped = [d["name"] for d in pa_deps.values() if d.get("skip_reason")]
    if skipped:
        line("pip-audit: skipped dependencies", ", ".join(skipped))
    only_pa = set(pa_deps) - set(runink_versions)
    only_runink = set(runink_versions) - set(pa_deps)
    for name in sorted(only_pa):
        print(f"    only pip-audit audited {name} {pa_deps[name].get('version')}")
    for name in sorted(only_runink):
        print(f"    only runink read {name} {runink_versions[name]}")
    line(
        "(package, OSV record) pairs: pip-audit / runink",
        f"{len(pa_records)} / {len(runink_records)}",
    )
    same = pa_records == runink_records
    line("identical", "yes" if same else "NO")
    for name, record in sorted(pa_records - runink_records):
        print(f"    only pip-audit: {explain(store, name, record, runink_versions.get(name))}")
    for name, record in sorted(runink_records - pa_records):
        print(f"    only runink:    {explain(store, name, record, runink_versions.get(name))}")
    pa_groups = id_groups_pip_audit(pa_report)
    runink_groups = id_groups_runink(runink_report)
    line(
        "(package, ids and aliases) findings: pip-audit / runink",
        f"{len(pa_groups)} / {len(runink_groups)}",
    )
    line("identical", "yes" if pa_groups == runink_groups else "NO")
    for name, ids in sorted(pa_groups - runink_groups, key=lambda g: (g[0], sorted(g[1]))):
        print(f"    only pip-audit: {name}: {', '.join(sorted(ids))}")
    for name, ids in sorted(runink_groups - pa_groups, key=lambda g: (g[0], sorted(g[1]))):
        print(f"    only runink:    {name}: {', '.join(sorted(ids))}")
    if store.unparsed_events:
        line("server: range events packaging could not parse", str(store.unparsed_events))


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
