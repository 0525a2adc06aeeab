"""The product brief's trigger, verbatim, end to end through the real ``runink`` command.

A repository whose image is ``prod`` carries a vulnerable openssl in its dpkg database. The
seed policy must e-mail security@org.com through a real SMTP server on 127.0.0.1, block the
deploy with the policy's reason (exit 1), write the log entry to the evidence ledger, and send
nothing the second time. Also: a webhook and a ticket to real HTTP servers, a failing SMTP
server (recorded, retried on the next run), an active and an expired exception, and
``runink policy test`` as a dry run that sends nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import Runner
from tests.notify.servers import HttpServer, SmtpServer, closed_port

SEED = """\
trigger:
  when: cve.score >= 8 AND cve.package = "openssl" AND image.environment = "prod"
  then:
    - action: notify
      who: "security@org.com"
    - action: block_deploy
      policy: "require patched version"
    - action: log
      entry: "blocked deploy due to CVE"
"""

ARTIFACT = """\
artifact:
  name: payments-api
  kind: image
  environment: {env}
  team: payments
  owners: [payments-oncall@org.com]
"""

# CVE-2022-1292 (the c_rehash command injection): Debian 11 fixed it in 1.1.1n-0+deb11u2.
ADVISORY = {
    "schema_version": "1.6.0",
    "id": "DEBIAN-CVE-2022-1292",
    "modified": "2024-01-01T00:00:00Z",
    "published": "2022-05-03T16:15:00Z",
    "aliases": ["CVE-2022-1292"],
    "summary": "c_rehash script allows command injection",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "Debian:11", "name": "openssl"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [{"introduced": "0"}, {"fixed": "1.1.1n-0+deb11u2"}],
                }
            ],
        }
    ],
}

DPKG_STATUS = """\
Package: libssl1.1
Status: install ok installed
Source: openssl
Version: 1.1.1k-1+deb11u1
Architecture: amd64

Package: zlib1g
Status: install ok installed
Source: zlib
Version: 1:1.2.11.dfsg-2+deb11u2
Architecture: amd64
"""


@pytest.fixture
def advisories(runink: Runner, tmp_path: Path) -> Runner:
    folder = tmp_path / "advisories"
    folder.mkdir()
    (folder / "DEBIAN-CVE-2022-1292.json").write_text(json.dumps(ADVISORY))
    result = runink("db", "import", str(folder))
    assert result.code == 0, result.stderr
    return runink


def make_repo(root: Path, *, env: str = "prod", extra: str = "") -> Path:
    status = root / "image" / "var" / "lib" / "dpkg" / "status"
    status.parent.mkdir(parents=True)
    status.write_text(DPKG_STATUS)
    (root / "runink.yaml").write_text(ARTIFACT.format(env=env) + SEED + extra)
    return root


def smtp_env(port: int) -> dict[str, str]:
    return {"RUNINK_SMTP_URL": f"smtp://127.0.0.1:{port}", "RUNINK_SMTP_FROM": "runink@org.com"}


def ledger_kinds(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "runink.db") as conn:
        return [
            (row[0], row[1])
            for row in conn.execute("SELECT kind, payload FROM ledger_entries ORDER BY seq")
        ]


def test_seed_trigger_emails_blocks_logs_and_never_sends_twice(
    advisories: Runner, tmp_path: Path, runink_home: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    with SmtpServer() as smtp:
        first = advisories("scan", str(repo), env=smtp_env(smtp.port))
        assert first.code == 1, first.stderr
        assert "require patched version" in first.stdout
        (mail,) = smtp.received
        assert mail.rcpt_tos == ["security@org.com"]
        assert "CVE-2022-1292" in mail.text() and "payments-api" in mail.text()
        assert "require patched version" in mail.text()  # why the deploy was blocked
        assert "1.1.1n-0+deb11u2" in mail.text()  # how to fix it

        second = advisories("scan", str(repo), env=smtp_env(smtp.port))
        assert second.code == 1
        assert len(smtp.received) == 1  # idempotent per (trigger, finding)

    entries = ledger_kinds(runink_home)
    logged = [json.loads(p) for k, p in entries if k == "event.logged"]
    assert [e["entry"] for e in logged] == ["blocked deploy due to CVE"]
    kinds = [k for k, _ in entries]
    assert kinds.count("trigger.fired") == 1
    assert kinds.count("notification.sent") == 1
    assert kinds.count("deploy.blocked") == 2  # every gate decision is evidence
    assert kinds.count("scan.started") == kinds.count("scan.finished") == 2
    started = json.loads(next(p for k, p in entries if k == "scan.started"))
    assert started["advisory_data"]["advisories"] == 1
    assert started["inputs"][0]["path"] == "image/var/lib/dpkg/status"
    assert started["inputs"][1]["role"] == "policy"
    assert len(started["inputs"][0]["sha256"]) == 64
    verify = advisories("ledger", "verify")
    assert verify.code == 0, verify.stdout + verify.stderr


def test_gate_prints_deny_with_every_reason(advisories: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = advisories("gate", str(repo), "--no-actions")
    assert result.code == 1
    assert result.stdout.startswith("deny image payments-api (prod)")
    assert "reason: require patched version" in result.stdout
    data = json.loads(advisories("gate", str(repo), "--no-actions", "--format", "json").stdout)
    assert data["decision"] == "deny"
    assert {r["policy"] for r in data["reasons"]} == {"require patched version"}
    assert data["reasons"][0]["vulnerability"] == "CVE-2022-1292"


def test_the_same_image_in_staging_is_allowed(advisories: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", env="staging")
    result = advisories("gate", str(repo), "--no-actions")
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("allow image payments-api (staging)")


def test_failing_smtp_is_recorded_and_retried_on_the_next_run(
    advisories: Runner, tmp_path: Path, runink_home: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    down = advisories("scan", str(repo), env=smtp_env(closed_port()))
    assert down.code == 1  # the gate still decides; delivery failure is not a crash
    assert "notify failed" in down.stderr
    assert "Traceback" not in down.stderr
    with sqlite3.connect(runink_home / "runink.db") as conn:
        status, attempts, error = conn.execute(
            "SELECT status, attempts, last_error FROM action_deliveries WHERE action = 'notify'"
        ).fetchone()
    assert (status, attempts) == ("failed", 1) and error
    with SmtpServer() as smtp:
        retry = advisories("scan", str(repo), env=smtp_env(smtp.port))
        assert retry.code == 1
        assert len(smtp.received) == 1
    with sqlite3.connect(runink_home / "runink.db") as conn:
        status, attempts = conn.execute(
            "SELECT status, attempts FROM action_deliveries WHERE action = 'notify'"
        ).fetchone()
    assert (status, attempts) == ("delivered", 2)
    kinds = [k for k, _ in ledger_kinds(runink_home)]
    assert kinds.count("notification.failed") == 1 and kinds.count("notification.sent") == 1


def test_webhook_and_ticket_channels(advisories: Runner, tmp_path: Path, runink_home: Path) -> None:
    with HttpServer() as hook, HttpServer() as tracker:
        config = tmp_path / "config.yaml"
        config.write_text(
            "channels:\n"
            f"  sec-hook: {{type: webhook, url: '{hook.url}/hook'}}\n"
            f"  jira: {{type: ticket, url: '{tracker.url}/tickets', labels: [security]}}\n"
        )
        extra = """\
triggers:
  - name: page-security
    when: cve.kev IS MISSING AND cve.fix_available
    then:
      - {action: notify, who: sec-hook}
      - {action: ticket, channel: jira, title: "Patch openssl in payments-api", labels: [prod]}
"""
        repo = tmp_path / "repo"
        make_repo(repo)
        # The seed file uses the single `trigger:` form; put the list in a second policy file.
        (tmp_path / "more.yaml").write_text(extra)
        env = {"RUNINK_CONFIG": str(config)}
        result = advisories("scan", str(repo), "--policy", str(tmp_path / "more.yaml"), env=env)
        assert result.code == 1
        (alert,) = hook.requests
        body = alert.json()
        assert body["schema"] == "runink.alert/v1"
        assert "CVE-2022-1292" in json.dumps(body)
        (ticket,) = tracker.requests
        payload = ticket.json()
        assert payload["title"] == "Patch openssl in payments-api"
        assert {"security", "prod"} <= set(payload["labels"])
        assert "payments-oncall@org.com" in json.dumps(payload)  # assignee from owner routing
        again = advisories("scan", str(repo), "--policy", str(tmp_path / "more.yaml"), env=env)
        assert again.code == 1
        assert len(hook.requests) == 1 and len(tracker.requests) == 1


def test_active_exception_suppresses_and_expired_one_says_so(
    advisories: Runner, tmp_path: Path, runink_home: Path
) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    active = f"""\
exceptions:
  - vulnerability: GHSA-not-this-one
    reason: "unrelated"
    approved_by: [alice@org.com]
    expires: {future}
  - vulnerability: CVE-2022-1292
    package: pkg:deb/debian/openssl
    reason: "c_rehash is not shipped in this image"
    compensating_controls: ["image built without c_rehash"]
    approved_by: [alice@org.com]
    expires: {future}
"""
    repo = make_repo(tmp_path / "repo", extra=active)
    allowed = advisories("scan", str(repo), "--no-actions")
    assert allowed.code == 0, allowed.stdout + allowed.stderr
    assert "suppressed" in allowed.stdout
    assert "unused exception" in allowed.stdout  # the GHSA one covered nothing
    gate = json.loads(advisories("gate", str(repo), "--format", "json").stdout)
    assert gate["decision"] == "allow"
    assert gate["suppressed"][0]["vulnerability"] == "CVE-2022-1292"
    kinds = [k for k, _ in ledger_kinds(runink_home)]
    assert "exception.used" in kinds and "deploy.allowed" in kinds

    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    expired_repo = make_repo(tmp_path / "expired", extra=active.replace(future, past))
    result = advisories("scan", str(expired_repo), "--no-actions")
    assert result.code == 1
    assert "exception expired" in result.stdout
    assert "require patched version" in result.stdout


def test_policy_test_is_a_dry_run(advisories: Runner, tmp_path: Path, runink_home: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    with SmtpServer() as smtp:
        result = advisories(
            "policy", "test", str(repo), "--format", "json", env=smtp_env(smtp.port)
        )
        assert result.code == 0, result.stderr
        assert smtp.received == []
    data = json.loads(result.stdout)
    assert data["decision"] == "deny"
    actions = {(f["trigger"], f["action"]) for f in data["would_fire"]}
    assert {a for _, a in actions} == {"notify", "block_deploy", "log"}
    with sqlite3.connect(runink_home / "runink.db") as conn:
        assert conn.execute("SELECT count(*) FROM action_deliveries").fetchone() == (0,)


def test_policy_errors_are_exit_2_with_file_line_column(advisories: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    text = (repo / "runink.yaml").read_text().replace("cve.score", "cve.scroe")
    (repo / "runink.yaml").write_text(text)
    result = advisories("scan", str(repo))
    assert result.code == 2
    assert "runink.yaml:" in result.stderr and "cve.score" in result.stderr  # did you mean
    assert "Traceback" not in result.stderr


def test_unknown_channel_is_a_policy_error_not_a_lost_alert(
    advisories: Runner, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo")
    (tmp_path / "more.yaml").write_text(
        "triggers:\n  - when: cve.kev IS MISSING\n    then:\n"
        "      - {action: notify, who: sec-hoook}\n"
    )
    config = tmp_path / "config.yaml"
    config.write_text("channels:\n  sec-hook: {type: webhook, url: 'http://127.0.0.1:9/x'}\n")
    result = advisories(
        "scan",
        str(repo),
        "--policy",
        str(tmp_path / "more.yaml"),
        env={"RUNINK_CONFIG": str(config)},
    )
    assert result.code == 2
    assert "more.yaml:4:" in result.stderr and "did you mean 'sec-hook'" in result.stderr


def test_exception_add_is_recorded_in_the_ledger(advisories: Runner, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    added = advisories(
        "exception", "add", "--file", str(repo / "runink.yaml"),
        "--vulnerability", "CVE-2022-1292", "--reason", "c_rehash removed",
        "--approved-by", "alice@org.com", "--expires", "2099-01-31",
    )  # fmt: skip
    assert added.code == 0, added.stderr
    log = json.loads(advisories("ledger", "log", "--format", "json").stdout)
    (created,) = [e for e in log if e["kind"] == "exception.created"]
    assert created["payload"]["approved_by"] == ["alice@org.com"]
    assert created["subject"]["vulnerability"] == "CVE-2022-1292"
    assert advisories("gate", str(repo), "--no-actions").code == 0


def test_policy_check_knows_the_configured_channels(advisories: Runner, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "triggers:\n  - when: cve.kev\n    then:\n      - {action: notify, who: sec-hoook}\n"
    )
    config = tmp_path / "config.yaml"
    config.write_text("channels:\n  sec-hook: {type: webhook, url: 'http://127.0.0.1:9/x'}\n")
    bad = advisories("policy", "check", str(policy), env={"RUNINK_CONFIG": str(config)})
    assert bad.code == 2
    assert "p.yaml:4:" in bad.stdout and "did you mean 'sec-hook'" in bad.stdout
    policy.write_text(policy.read_text().replace("sec-hoook", "sec-hook"))
    good = advisories("policy", "check", str(policy), env={"RUNINK_CONFIG": str(config)})
    assert good.code == 0, good.stdout + good.stderr
