"""Feed test fixtures: a real HTTP server on 127.0.0.1, an OSV bucket on it, a fake clock for
backoff and rate-limit sleeps, and runners for the sync API and the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine

from runink.feeds.settings import parse_feed_settings
from runink.feeds.sync import SyncReport, run_sync
from runink.store.db import open_engine
from tests.feeds.bucket import OsvBucket
from tests.feeds.server import FeedServer


@dataclass
class FakeClock:
    """Sleeps advance a virtual monotonic clock instead of waiting; every sleep is recorded."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def bucket(server: FeedServer) -> OsvBucket:
    return OsvBucket(server, "PyPI")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def base_config(server: FeedServer) -> dict[str, Any]:
    return {
        "timeout": 2,
        "connect_timeout": 2,
        "retries": 2,
        "backoff": 0.01,
        "max_backoff": 0.05,
        "osv": {"url": server.url, "concurrency": 2},
        "nvd": {"url": f"{server.url}/rest/json/cves/2.0"},
        "kev": {"url": f"{server.url}/kev/known_exploited_vulnerabilities.json"},
        "epss": {"url": f"{server.url}/epss/epss_scores-current.csv.gz"},
    }


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


Sync = Callable[..., SyncReport]


@pytest.fixture
def engine(runink_home: Path) -> Engine:
    return open_engine()


@pytest.fixture
def sync(engine: Engine, server: FeedServer, clock: FakeClock) -> Sync:
    """``sync(feeds=[...], ecosystems=[...], config={...})`` through ``run_sync``."""

    def run(
        *,
        feeds: tuple[str, ...] | list[str] = ("osv",),
        ecosystems: tuple[str, ...] | list[str] = ("PyPI",),
        config: dict[str, Any] | None = None,
        environ: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> SyncReport:
        settings = parse_feed_settings(
            {"feeds": merged(base_config(server), config or {})},
            source="test-config.yaml",
            environ=environ or {},
        )
        return run_sync(
            engine,
            feeds=feeds,
            ecosystems=ecosystems if "osv" in feeds else (),
            settings=settings,
            sleep=clock.sleep,
            clock=clock.monotonic,
            **kwargs,
        )

    return run


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def runink_cli(runink_home: Path, server: FeedServer) -> Callable[..., Run]:
    """The real ``runink`` command, with a config file pointing every feed at ``server``."""

    def run(
        *args: str, config: dict[str, Any] | None = None, env: dict[str, str] | None = None
    ) -> Run:
        (runink_home / "config.yaml").write_text(
            yaml.safe_dump({"feeds": merged(base_config(server), config or {})})
        )
        full_env = {**os.environ, "RUNINK_HOME": str(runink_home), "COLUMNS": "250"}
        for name in (
            "RUNINK_CONFIG",
            "RUNINK_DATABASE_URL",
            "RUNINK_OSV_URL",
            "RUNINK_NVD_URL",
            "RUNINK_KEV_URL",
            "RUNINK_EPSS_URL",
            "RUNINK_NVD_API_KEY",
            "GITHUB_ACTIONS",
        ):
            full_env.pop(name, None)
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "runink", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=120,
            check=False,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
