"""The composite GitHub Action: its shell steps run for real against the example repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.cli.conftest import EXAMPLES, REPO


def _steps() -> dict[str, dict[str, object]]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return {step.get("name", step.get("uses", "")): step for step in action["runs"]["steps"]}


def _run_step(step: dict[str, object], env: dict[str, str], cwd: Path) -> int:
    bin_dir = str(Path(sys.executable).parent)
    full_env = {**os.environ, **env, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        ["bash", "-e", "-c", str(step["run"])],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.returncode


def test_action_inputs_are_all_used() -> None:
    text = (REPO / "action.yml").read_text()
    action = yaml.safe_load(text)
    for name in action["inputs"]:
        assert f"inputs.{name}" in text, f"input {name} is declared but never used"


def test_action_imports_local_advisories_and_blocks_with_sarif(tmp_path: Path) -> None:
    steps = _steps()
    outputs = tmp_path / "github_output"
    summary = tmp_path / "summary.md"
    env = {
        "RUNINK_HOME": str(tmp_path / "home"),
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "ADVISORIES": str(EXAMPLES / "advisories"),
        "ECOSYSTEMS": "PyPI",
        "OSV_URL": "http://127.0.0.1:9",  # never used when ADVISORIES is set
    }
    assert _run_step(steps["Load advisory data"], env, tmp_path) == 0
    scan_env = {
        **env,
        "SCAN_PATH": str(EXAMPLES / "repo"),
        "FAIL_ON": "high",
        "SARIF_FILE": "runink.sarif",
    }
    assert _run_step(steps["Scan"], scan_env, tmp_path) == 1
    # Without fail-on the policy decides: here the default policy, which blocks as well.
    assert _run_step(steps["Scan"], {**scan_env, "FAIL_ON": ""}, tmp_path) == 1
    assert _run_step(steps["Scan"], {**scan_env, "FAIL_ON": "never"}, tmp_path) == 0
    outputs.write_text("")
    assert _run_step(steps["Scan"], scan_env, tmp_path) == 1
    recorded = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert recorded == {"sarif-file": "runink.sarif", "exit-code": "1"}
    sarif = json.loads((tmp_path / "runink.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert "CVE-2021-44228" in summary.read_text()
