"""``runink scan`` and ``runink components`` end to end, through the real command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import EXAMPLES, Runner

SARIF_SCHEMA = Path(__file__).resolve().parents[3] / "shared/data/schemas/sarif-schema-2.1.0.json"

# What the authored advisories say about the example repository: (canonical id, package, file:line).
EXPECTED = {
    ("CVE-2021-44228", "org.apache.logging.log4j:log4j-core", "java/pom.xml", 11),
    ("CVE-2021-44906", "minimist", "web/package-lock.json", 20),
    ("CVE-2020-14343", "pyyaml", "requirements.txt", 6),
    ("CVE-2023-36053", "django", "requirements.txt", 2),
    ("CVE-2022-32149", "golang.org/x/text", "services/worker/go.mod", None),
    ("CVE-2022-24836", "nokogiri", "Gemfile.lock", None),
    ("CVE-2023-0286", "openssl", "image/var/lib/dpkg/status", None),
    ("CVE-2021-23337", "lodash", "web/package-lock.json", None),
    ("CVE-2020-26235", "time", "tools/Cargo.lock", None),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A private copy of the example repository that a test may damage."""
    target = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "repo", target)
    return target


def scan_json(runink: Runner, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runink("scan", *args, "--format", "json")
    assert result.stdout, result.stderr
    return result.code, json.loads(result.stdout)


def test_example_repository_is_blocked_with_every_expected_finding(demo_db: Runner) -> None:
    result = demo_db("scan", str(EXAMPLES / "repo"))
    assert result.code == 1, result.stderr
    assert "BLOCKED: 8 finding(s) triggered block_deploy (9 in total)." in result.stdout
    assert "reason: a vulnerability of severity high or above blocks (default policy)" in (
        result.stdout
    )
    for vuln_id, _, _, _ in EXPECTED:
        assert vuln_id in result.stdout


def test_json_report_contract(demo_db: Runner) -> None:
    code, report = scan_json(demo_db, str(EXAMPLES / "repo"))
    assert code == 1
    assert {"components", "findings", "files"} <= set(report)
    found = {(f["id"], f["name"], f["source"]) for f in report["findings"]}
    assert found == {(i, n, s) for i, n, s, _ in EXPECTED}
    lines = {(f["id"], f["line"]) for f in report["findings"]}
    for vuln_id, _, _, line in EXPECTED:
        if line is not None:
            assert (vuln_id, line) in lines
    check_fields = {"purl", "id", "aliases", "summary", "score", "severity", "fixed", "source"}
    for finding in report["findings"]:
        assert check_fields <= set(finding)
        assert finding["id"] in finding["aliases"]
    log4j = next(f for f in report["findings"] if f["id"] == "CVE-2021-44228")
    assert log4j["fixed"] == "2.15.0"
    assert log4j["purl"] == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    assert all(f["status"] == "ok" for f in report["files"])
    assert len(report["files"]) == 7
    assert report["gate"] == {
        "blocked": True,
        "decision": "deny",
        "reasons": ["a vulnerability of severity high or above blocks (default policy)"],
        "blocking": 8,
        "policy": ["default policy (--fail-on high)"],
        "unused_exceptions": [],
    }
    assert sum(f["blocking"] for f in report["findings"]) == 8
    assert all(f["triggers"] == ["default"] for f in report["findings"] if f["blocking"])


@pytest.mark.parametrize(
    ("fail_on", "code"), [("critical", 1), ("medium", 1), ("never", 0), ("low", 1)]
)
def test_fail_on_decides_the_exit_code(demo_db: Runner, fail_on: str, code: int) -> None:
    assert demo_db("scan", str(EXAMPLES / "repo"), "--fail-on", fail_on).code == code


def test_clean_repository_passes(demo_db: Runner, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.31.0\n")
    result = demo_db("scan", str(tmp_path))
    assert result.code == 0, result.stderr
    assert "PASSED: no known vulnerabilities." in result.stdout


def test_sarif_validates_against_the_official_schema(demo_db: Runner) -> None:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"official SARIF schema not found at {SARIF_SCHEMA}")
    import jsonschema

    result = demo_db("scan", str(EXAMPLES / "repo"), "--format", "sarif")
    assert result.code == 1
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    (run,) = sarif["runs"]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids)) == len(EXPECTED)  # one rule per vulnerability
    by_rule = {r["ruleId"]: r for r in run["results"]}
    log4j = by_rule["CVE-2021-44228"]
    location = log4j["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "java/pom.xml"
    assert location["region"]["startLine"] == 11
    assert log4j["level"] == "error"


def test_github_actions_annotations_and_step_summary(demo_db: Runner, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = demo_db(
        "scan",
        str(EXAMPLES / "repo"),
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == len(EXPECTED)
    log4j = next(a for a in annotations if "CVE-2021-44228" in a)
    assert log4j.startswith("::error file=java/pom.xml,line=11,title=CVE-2021-44228 in ")
    assert "Upgrade to 2.15.0." in log4j
    time_crate = next(a for a in annotations if "CVE-2020-26235" in a)
    assert time_crate.startswith("::warning ")  # medium is below --fail-on high
    text = summary.read_text()
    assert "CVE-2021-44228" in text and "| critical 10.0 |" in text


def test_a_bad_file_never_stops_the_scan(demo_db: Runner, repo: Path) -> None:
    (repo / "web" / "package-lock.json").write_text('{"lockfileVersion": 3, "packages": ')
    code, report = scan_json(demo_db, str(repo))
    assert code == 1  # the other files still block
    failed = [f for f in report["files"] if f["status"] == "failed"]
    assert [f["path"] for f in failed] == ["web/package-lock.json"]
    assert failed[0]["error"]
    assert "CVE-2021-44228" in {f["id"] for f in report["findings"]}


def test_strict_fails_on_any_file_problem(demo_db: Runner, repo: Path) -> None:
    (repo / "web" / "package-lock.json").write_text("not json at all")
    result = demo_db("scan", str(repo), "--strict", "--fail-on", "never")
    assert result.code == 2
    assert "web/package-lock.json" in result.stderr + result.stdout


def test_missing_database_is_exit_3(runink: Runner) -> None:
    result = runink("scan", str(EXAMPLES / "repo"))
    assert result.code == 3
    assert "no advisory database" in result.stderr
    assert "Traceback" not in result.stderr


def test_stale_database_is_exit_3_never_a_silent_pass(
    demo_db: Runner, runink_home: Path, tmp_path: Path
) -> None:
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    with sqlite3.connect(runink_home / "runink.db") as conn:
        conn.execute("UPDATE import_runs SET started_at = ?, finished_at = ?", (old, old))
    (tmp_path / "requirements.txt").write_text("requests==2.31.0\n")
    result = demo_db("scan", str(tmp_path))
    assert result.code == 3
    assert "older than" in result.stderr
    assert demo_db("scan", str(tmp_path), "--max-age", "60d").code == 0
    assert demo_db("scan", str(tmp_path), "--max-age", "none").code == 0


def test_default_excludes_and_custom_excludes(demo_db: Runner, repo: Path) -> None:
    hidden = repo / "node_modules" / "evil"
    hidden.mkdir(parents=True)
    shutil.copy(repo / "requirements.txt", hidden / "requirements.txt")
    _, report = scan_json(demo_db, str(repo), "--exclude", "java")
    paths = {f["path"] for f in report["files"]}
    assert "node_modules/evil/requirements.txt" not in paths
    assert "java/pom.xml" not in paths
    _, everything = scan_json(demo_db, str(repo), "--no-default-excludes")
    assert "node_modules/evil/requirements.txt" in {f["path"] for f in everything["files"]}


def test_output_file_keeps_a_human_summary_on_stderr(demo_db: Runner, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = demo_db("scan", str(EXAMPLES / "repo"), "--format", "sarif", "--output", str(out))
    assert result.code == 1
    assert json.loads(out.read_text())["version"] == "2.1.0"
    assert "BLOCKED" in result.stderr


def test_components_json_contract(runink: Runner) -> None:
    result = runink("components", str(EXAMPLES / "repo"), "--format", "json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    component_fields = {"ecosystem", "name", "version", "purl", "source", "direct", "scope"}
    assert all(component_fields <= set(c) for c in data["components"])
    assert len(data["components"]) == 20
    assert {f["path"] for f in data["files"]} >= {"requirements.txt", "image/var/lib/dpkg/status"}
    assert all({"path", "format", "status", "error"} <= set(f) for f in data["files"])
    openssl = next(c for c in data["components"] if c["name"] == "openssl")
    assert openssl["ecosystem"] == "Debian:11"  # from the image's etc/os-release
    assert openssl["purl"] == "pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u3?distro=debian-11"


def test_components_needs_no_advisory_database(runink: Runner) -> None:
    result = runink("components", str(EXAMPLES / "repo"))
    assert result.code == 0, result.stderr
    assert "django" in result.stdout
