"""``runink db`` and ``runink check`` end to end: (args -> exit code, output)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import EXAMPLES, Runner


def test_import_prints_counts(runink: Runner) -> None:
    result = runink("db", "import", str(EXAMPLES / "advisories"))
    assert result.code == 0, result.stderr
    assert "new 13, updated 0, unchanged 0, withdrawn 1, rejected 0" in result.stdout
    again = runink("db", "import", str(EXAMPLES / "advisories"), "--format", "json")
    assert json.loads(again.stdout)["unchanged"] == 13


def test_import_reports_rejections_with_file_and_field(runink: Runner, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(
        json.dumps(
            {
                "id": "X-1",
                "modified": "2024-01-01T00:00:00Z",
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "a"},
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1"}]}],
                    }
                ],
            }
        )
    )
    (tmp_path / "good.json").write_text(
        json.dumps({"id": "X-2", "modified": "2024-01-01T00:00:00Z"})
    )
    result = runink("db", "import", str(tmp_path))
    assert result.code == 2
    assert "new 1" in result.stdout and "rejected 1" in result.stdout
    assert (
        f"rejected: {tmp_path / 'bad.json'}: affected[0].ranges[0].events: a range must contain an 'introduced' event"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_status(demo_db: Runner) -> None:
    result = demo_db("db", "status", "--format", "json")
    assert result.code == 0
    status = json.loads(result.stdout)
    assert status["advisories"] == 13 and status["withdrawn"] == 1
    by_eco = {e["name"]: e["advisories"] for e in status["ecosystems"]}
    assert by_eco["PyPI"] == 5 and by_eco["Debian"] == 1  # incl. the withdrawn one
    table = demo_db("db", "status")
    assert "Ecosystem" in table.stdout and "GitHub" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["pkg:pypi/django@3.2.0"], 1, "CVE-2023-36053"),
        (["pkg:pypi/django@3.2.20"], 0, "No known vulnerabilities"),
        (["pkg:pypi/requests@2.31.0"], 0, "No known vulnerabilities"),  # only a withdrawn one
        (["pkg:npm/minimist@1.2.5"], 1, "1.2.6"),
        (["pkg:golang/golang.org/x/text@v0.3.7"], 1, "GO-2022-1059"),
        (["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"], 1, "CVE-2021-44228"),
        (["pkg:deb/debian/openssl@1.1.1n-0+deb11u3?distro=debian-11"], 1, "1.1.1n-0+deb11u4"),
        (["pkg:pypi/django"], 2, "no version"),
        (["not-a-purl"], 2, "not a valid package URL"),
        (["pkg:pypi/django@@@"], 2, "no version"),
        (["pkg:golang/golang.org/x/text@not.a.version"], 2, "not a Go module version"),
        (["pkg:generic/thing@1.0"], 2, "no known ecosystem"),
        ([], 2, "no package URLs"),
    ],
)
def test_check_table(demo_db: Runner, args: list[str], code: int, expected: str) -> None:
    result = demo_db("check", *args)
    assert result.code == code, (result.stdout, result.stderr)
    assert expected in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_check_json_contract_and_alias_merge(demo_db: Runner) -> None:
    result = demo_db("check", "pkg:pypi/Django@3.2.0", "pkg:pypi/pyyaml@5.3.1", "--format", "json")
    assert result.code == 1
    findings = json.loads(result.stdout)
    assert [f["id"] for f in findings] == ["CVE-2020-14343", "CVE-2023-36053"]
    django = findings[1]
    assert set(django) >= {"purl", "id", "aliases", "summary", "score", "severity", "fixed"}
    assert django["purl"] == "pkg:pypi/Django@3.2.0"
    assert django["aliases"] == ["CVE-2023-36053", "GHSA-jh3w-4vvf-mjgr", "PYSEC-2023-100"]
    assert django["fixed"] == "3.2.20"
    assert (django["score"], django["severity"]) == (7.5, "high")
    assert django["explanation"][0].startswith(
        "GHSA-jh3w-4vvf-mjgr affected[0] (PyPI): ECOSYSTEM range #0: introduced 3.2, fixed 3.2.20"
    )


def test_check_from_file_and_stdin(demo_db: Runner, tmp_path: Path) -> None:
    from_file = demo_db("check", "--from", str(EXAMPLES / "purls.txt"), "--format", "json")
    assert from_file.code == 1
    ids = {f["id"] for f in json.loads(from_file.stdout)}
    assert ids == {
        "CVE-2023-36053", "CVE-2020-14343", "CVE-2021-23337", "CVE-2021-44906",
        "CVE-2022-32149", "CVE-2020-26235", "CVE-2021-44228", "CVE-2023-0286",
    }  # fmt: skip
    stdin = demo_db("check", "--from", "-", stdin="pkg:npm/lodash@4.17.21\n")
    assert stdin.code == 0
    missing = demo_db("check", "--from", str(tmp_path / "nope.txt"))
    assert missing.code == 2 and "cannot read" in missing.stderr


def test_invalid_purl_does_not_hide_other_findings(demo_db: Runner) -> None:
    result = demo_db("check", "pkg:pypi/django@3.2.0", "pkg:pypi/x", "--format", "json")
    assert result.code == 2
    assert [f["id"] for f in json.loads(result.stdout)] == ["CVE-2023-36053"]
    assert "pkg:pypi/x: no version" in result.stderr


def test_no_database_is_exit_3(runink: Runner) -> None:
    for args in (["check", "pkg:pypi/django@3.2.0"], ["db", "status"]):
        result = runink(*args)
        assert result.code == 3, result.stderr
        assert "runink db import" in result.stderr


def test_version_and_help(runink: Runner) -> None:
    assert runink("--version").stdout.startswith("runink ")
    help_text = runink("--help").stdout
    assert "check" in help_text and "db" in help_text


def test_check_reads_the_embedded_database_without_sqlalchemy(demo_db: Runner) -> None:
    """The fast read path is taken: SQLAlchemy is never imported (it is half the command's
    start-up), and the answer is the one the other tests check."""
    result = demo_db("check", "pkg:pypi/django@3.2.0", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 1
    assert "CVE-2023-36053" in result.stdout
    imported = result.stderr
    assert "runink.store.embedded" in imported
    assert "sqlalchemy" not in imported


def test_check_migrates_an_old_database_then_answers(runink: Runner, runink_home: Path) -> None:
    from runink.store.db import create_db_engine, migrate

    migrate(create_db_engine(f"sqlite:///{runink_home / 'runink.db'}"), "0001")
    result = runink("check", "pkg:pypi/django@3.2.0")
    assert result.code == 3, result.stderr  # migrated, then: no advisory data
    assert "empty" in result.stderr
