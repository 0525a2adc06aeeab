"""``runink policy check`` and ``runink exception add|list`` end to end, in a subprocess:
(arguments -> exit code, output)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.policy.conftest import SEED, Runner

BAD = """\
artifact:
  name: api
triggers:
  - when: cve.scor >= 8 AND image.environment = prod
    then:
      - action: notfy
        who: security@org.com
"""


def test_policy_check_accepts_the_seed(runink: Runner, repo: Path) -> None:
    path = repo / "runink.yaml"
    path.write_text("artifact:\n  name: payments-api\n  environment: prod\n" + SEED)
    result = runink("policy", "check", str(path))
    assert result.code == 0, result.stderr
    assert result.stdout == "ok: 1 file, 1 trigger, 0 exceptions, artifact payments-api\n"


def test_policy_check_prints_every_error_and_exits_2(runink: Runner, repo: Path) -> None:
    path = repo / "runink.yaml"
    path.write_text(BAD)
    result = runink("policy", "check", str(path))
    assert result.code == 2
    assert result.stdout.splitlines() == [
        f"{path}:4:11: triggers[0].when: unknown field cve.scor; did you mean cve.score?",
        f'{path}:4:49: triggers[0].when: prod is neither a field nor a value: write strings in quotes ("prod") and fields with their group (cve.severity)',
        f"{path}:6:17: triggers[0].then[0].action: unknown action 'notfy'; did you mean 'notify'?",
    ]
    assert result.stderr == "3 problems found\n"
    assert "Traceback" not in result.stderr


def test_policy_check_json(runink: Runner, repo: Path) -> None:
    path = repo / "runink.yaml"
    path.write_text(BAD)
    result = runink("policy", "check", str(path), "--format", "json")
    assert result.code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["triggers"] == []
    assert payload["problems"][0] == {
        "file": str(path),
        "line": 4,
        "column": 11,
        "message": "triggers[0].when: unknown field cve.scor; did you mean cve.score?",
        "suggestion": "cve.score",
    }
    path.write_text(SEED)
    ok = json.loads(runink("policy", "check", str(path), "--format", "json").stdout)
    assert ok["ok"] is True and ok["triggers"] == ["runink.yaml#1"] and ok["problems"] == []


def test_policy_check_several_files_and_defaults(runink: Runner, repo: Path) -> None:
    (repo / "a.yaml").write_text(
        "triggers: [{name: t, when: cve.kev, then: [{action: log, entry: a}]}]\n"
    )
    (repo / "b.yaml").write_text(
        "triggers: [{name: t, when: cve.kev, then: [{action: log, entry: b}]}]\n"
    )
    result = runink("policy", "check", str(repo / "a.yaml"), str(repo / "b.yaml"))
    assert result.code == 2
    assert "duplicate trigger name 't'" in result.stdout
    missing = runink("policy", "check", str(repo / "nope.yaml"))
    assert (missing.code, missing.stdout) == (2, f"{repo / 'nope.yaml'}: no such file\n")


def test_policy_check_without_a_file_outside_a_repo_is_a_usage_error(
    runink: Runner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = runink("policy", "check")
    assert result.code == 2
    assert "no FILE given and no runink.yaml in the current directory" in result.stderr
    (repo / "runink.yaml").write_text(SEED)
    assert runink("policy", "check").code == 0


def test_exception_add_then_list(runink: Runner, repo: Path) -> None:
    path = repo / "runink.yaml"
    path.write_text("# our policy\n" + SEED)
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    added = runink(
        "exception", "add", "--file", str(path),
        "--vulnerability", "CVE-2023-0286",
        "--reason", "only used for hashing, not X.400",
        "--approved-by", "alice@org.com", "--approved-by", "bob@org.com",
        "--expires", expires,
        "--package", "pkg:deb/debian/openssl",
        "--environment", "prod",
        "--control", "egress filtering",
    )  # fmt: skip
    assert added.code == 0, added.stderr
    assert added.stdout == (
        f"added exception 'CVE-2023-0286 pkg:deb/debian/openssl [prod]' to {path} (expires {expires})\n"
        "recorded in the evidence ledger (exception.created)\n"
    )
    text = path.read_text()
    assert text.startswith("# our policy\n" + SEED)
    listed = runink("exception", "list", "--file", str(path), "--format", "json")
    assert listed.code == 0, listed.stderr
    (entry,) = json.loads(listed.stdout)["exceptions"]
    assert entry["status"] == "active" and entry["days_left"] == 30
    assert entry["approved_by"] == ["alice@org.com", "bob@org.com"]
    assert entry["compensating_controls"] == ["egress filtering"]
    table = runink("exception", "list", "--file", str(path))
    assert table.code == 0 and "active" in table.stdout and "CVE-2023-0286" in table.stdout


def test_exception_add_with_relative_expiry_and_list_shows_expired(
    runink: Runner, repo: Path
) -> None:
    path = repo / "runink.yaml"
    path.write_text(
        "exceptions:\n"
        "  - {vulnerability: CVE-1, reason: r, approved_by: a@org.com, expires: 2020-01-01}\n"
    )
    added = runink(
        "exception", "add", "-f", str(path), "--vulnerability", "CVE-2", "--reason", "r",
        "--approved-by", "a@org.com", "--expires", "90d",
    )  # fmt: skip
    assert added.code == 0, added.stderr
    statuses = json.loads(runink("exception", "list", "-f", str(path), "--format", "json").stdout)
    assert [(e["name"], e["status"]) for e in statuses["exceptions"]] == [
        ("CVE-1", "expired"),
        ("CVE-2", "active"),
    ]
    assert statuses["exceptions"][1]["days_left"] == 90
    check = runink("policy", "check", str(path))
    assert check.code == 0
    assert f"{path}:2:5: warning: exception 'CVE-1' expired on 2020-01-01" in check.stdout


def test_exception_add_errors_exit_2_and_leave_the_file(runink: Runner, repo: Path) -> None:
    path = repo / "runink.yaml"
    path.write_text(SEED)
    bad_date = runink(
        "exception", "add", "-f", str(path), "--vulnerability", "CVE-2", "--reason", "r",
        "--approved-by", "a@org.com", "--expires", "next year",
    )  # fmt: skip
    assert bad_date.code == 2
    assert (
        "--expires: 'next year' is not a date (YYYY-MM-DD) or a duration (90d)" in bad_date.stderr
    )
    past = runink(
        "exception", "add", "-f", str(path), "--vulnerability", "CVE-2", "--reason", "r",
        "--approved-by", "a@org.com", "--expires", "2020-01-01",
    )  # fmt: skip
    assert past.code == 2 and "is in the past" in past.stderr
    missing = runink("exception", "add", "-f", str(path), "--vulnerability", "CVE-2")
    assert missing.code == 2 and "Missing option" in missing.stderr
    assert path.read_text() == SEED
    assert "Traceback" not in bad_date.stderr + past.stderr


def test_exception_list_of_a_missing_file_exits_2(runink: Runner, repo: Path) -> None:
    result = runink("exception", "list", "-f", str(repo / "runink.yaml"))
    assert result.code == 2
    assert f"{repo / 'runink.yaml'}: no such file" in result.stderr
