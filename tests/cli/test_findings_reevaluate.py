"""``runink findings reevaluate`` end to end: the real command against a real SQLite database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import Runner


def _osv(id_: str, package: str, fixed: str, modified: str) -> dict[str, Any]:
    return {
        "schema_version": "1.6.0",
        "id": id_,
        "modified": modified,
        "published": "2024-01-01T00:00:00Z",
        "summary": f"a vulnerability in {package}",
        "aliases": [],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": package},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}
                ],
            }
        ],
    }


def _publish(folder: Path, *records: dict[str, Any]) -> Path:
    folder.mkdir(parents=True)
    for rec in records:
        (folder / f"{rec['id']}.json").write_text(json.dumps(rec))
    return folder


def _statuses(runink: Runner) -> dict[str, tuple[str, str | None]]:
    listed = runink("findings", "--format", "json")
    assert listed.code == 0, listed.stderr
    return {
        f["vulnerability"]: (f["status"], f["reason"])
        for f in json.loads(listed.stdout)["findings"]
    }


def test_reevaluate_opens_and_closes_what_an_import_changed(runink: Runner, tmp_path: Path) -> None:
    first = _publish(
        tmp_path / "osv-1", _osv("GHSA-0000-0000-0001", "demo", "2.0", "2026-01-01T00:00:00Z")
    )
    assert runink("db", "import", str(first)).code == 0
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("demo==1.5\nother==3.0\n")
    ingested = runink("inventory", "ingest", str(app), "--artifact", "api", "--format", "json")
    assert ingested.code == 0, ingested.stderr
    assert _statuses(runink) == {"GHSA-0000-0000-0001": ("open", "first_seen")}

    # An import writes no change events: the narrowed and the new advisory are only seen by
    # a re-evaluation.
    second = _publish(
        tmp_path / "osv-2",
        _osv("GHSA-0000-0000-0001", "demo", "1.0", "2026-02-01T00:00:00Z"),
        _osv("GHSA-0000-0000-0002", "other", "4.0", "2026-02-01T00:00:00Z"),
    )
    assert runink("db", "import", str(second)).code == 0
    assert _statuses(runink) == {"GHSA-0000-0000-0001": ("open", "first_seen")}

    result = runink("findings", "reevaluate", "--format", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["artifacts"], report["components"]) == (1, 2)
    assert (report["opened"], report["closed"], report["reopened"]) == (1, 1, 0)
    assert report["triggered"] == 1
    assert _statuses(runink) == {
        "GHSA-0000-0000-0001": ("fixed", "no_longer_affected"),
        "GHSA-0000-0000-0002": ("open", "first_seen"),
    }
    ledger = runink("ledger", "log", "--kind", "finding", "--format", "json")
    assert ledger.code == 0, ledger.stderr
    entries = json.loads(ledger.stdout)
    kinds = sorted(e["kind"] for e in entries)
    assert kinds == ["finding.closed", "finding.opened", "finding.opened"]

    again = runink("findings", "reevaluate", "--artifact", "api")
    assert again.code == 0, again.stderr
    assert "re-evaluated 1 artifact(s)" in again.stdout
    assert "0 opened, 0 reopened, 0 closed" in again.stdout


def test_reevaluate_unknown_artifact_is_a_usage_error(runink: Runner) -> None:
    result = runink("findings", "reevaluate", "--artifact", "nope")
    assert result.code == 2
    assert "nope" in result.stderr


def test_findings_help_names_reevaluate(runink: Runner) -> None:
    result = runink("findings", "--help")
    assert result.code == 0
    assert "reevaluate" in result.stdout
    detail = runink("findings", "reevaluate", "--help")
    assert detail.code == 0 and "--artifact" in detail.stdout
