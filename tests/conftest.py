"""Shared fixtures. ``shared_data`` points at ../shared/data, or skips with a clear message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("RUNINK_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """Path under ../shared/data, skipping the test when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not present: {path} (set RUNINK_SHARED_DATA)")
    return path


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test data not present at {SHARED_DATA} (set RUNINK_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def runink_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty RUNINK_HOME for the test, with no database URL override."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RUNINK_HOME", str(home))
    monkeypatch.delenv("RUNINK_DATABASE_URL", raising=False)
    return home
