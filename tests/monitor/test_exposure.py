"""``runink exposure``: where is this vulnerability running, by CVE and by GHSA alias."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runink.cli.app import app
from runink.services.exposure import find_exposure
from tests.monitor.conftest import Monitor, advisory, write_repo


@pytest.fixture
def exposed(monitor: Monitor, tmp_path: Path) -> Monitor:
    monitor.publish(
        advisory(
            "GHSA-expo-0000-0001",
            aliases=["CVE-2026-4242"],
            events=[{"introduced": "0"}, {"fixed": "2.0"}],
        ),
        advisory(
            "PYSEC-2026-7",
            aliases=["CVE-2026-4242"],
            package="demo",
            events=[{"introduced": "0"}, {"fixed": "2.0"}],
        ),
    )
    monitor.sync()
    prod = {"environment": "prod", "owners": ["pay@org.com"], "maintainer_email": "m@org.com"}
    monitor.ingest(write_repo(tmp_path / "pay", {"demo": "1.5"}, artifact=prod), "payments")
    stage = {"environment": "staging", "owners": ["web@org.com"]}
    monitor.ingest(write_repo(tmp_path / "web", {"demo": "1.9"}, artifact=stage), "web")
    monitor.ingest(write_repo(tmp_path / "ok", {"demo": "2.0"}, artifact=prod), "patched")
    return monitor


def test_exposure_by_cve_lists_every_artifact_with_owners_and_fix(exposed: Monitor) -> None:
    result = find_exposure(exposed.engine, "CVE-2026-4242")
    assert [
        (r.artifact, r.environment, r.purl, r.version, r.owners, r.fixed) for r in result.rows
    ] == [
        ("payments", "prod", "pkg:pypi/demo@1.5", "1.5", ("pay@org.com", "m@org.com"), "2.0"),
        ("web", "staging", "pkg:pypi/demo@1.9", "1.9", ("web@org.com",), "2.0"),
    ]


@pytest.mark.parametrize("ident", ["GHSA-expo-0000-0001", "ghsa-expo-0000-0001", "PYSEC-2026-7"])
def test_exposure_by_any_alias_finds_the_same_artifacts(exposed: Monitor, ident: str) -> None:
    result = find_exposure(exposed.engine, ident)
    assert [r.artifact for r in result.rows] == ["payments", "web"]
    assert {"CVE-2026-4242", "GHSA-expo-0000-0001", "PYSEC-2026-7"} <= set(result.ids)


def test_exposure_cli_json_filters_by_environment(exposed: Monitor) -> None:
    run = CliRunner().invoke(
        app, ["exposure", "GHSA-expo-0000-0001", "--env", "prod", "--format", "json"]
    )
    assert run.exit_code == 0, run.output
    rows = json.loads(run.stdout)
    assert [
        {k: r[k] for k in ("artifact", "environment", "purl", "version", "owners", "fixed")}
        for r in rows
    ] == [
        {
            "artifact": "payments",
            "environment": "prod",
            "purl": "pkg:pypi/demo@1.5",
            "version": "1.5",
            "owners": ["pay@org.com", "m@org.com"],
            "fixed": "2.0",
        },
    ]


def test_exposure_of_an_unknown_id_is_a_usage_error(exposed: Monitor) -> None:
    run = CliRunner().invoke(app, ["exposure", "CVE-1999-0001"])
    assert run.exit_code != 0
    assert isinstance(run.exception, Exception) and "CVE-1999-0001" in str(run.exception)


def test_fixed_findings_are_not_exposure(exposed: Monitor, tmp_path: Path) -> None:
    stage = {"environment": "staging", "owners": ["web@org.com"]}
    exposed.ingest(write_repo(tmp_path / "web", {"demo": "2.1"}, artifact=stage), "web")
    assert [r.artifact for r in find_exposure(exposed.engine, "CVE-2026-4242").rows] == ["payments"]
