"""Run the real ``runink`` command in a subprocess, with an isolated RUNINK_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


Runner = Callable[..., Run]


@pytest.fixture
def runink(runink_home: Path) -> Runner:
    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
        full_env = {**os.environ, "RUNINK_HOME": str(runink_home), "COLUMNS": "200", **(env or {})}
        full_env.pop("GITHUB_ACTIONS", None)
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "runink", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            check=False,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def demo_db(runink: Runner) -> Runner:
    """The example advisory set imported."""
    result = runink("db", "import", str(EXAMPLES / "advisories"))
    assert result.code == 0, result.stderr
    return runink
