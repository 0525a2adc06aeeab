"""``db import`` semantics: formats, upsert by modified, rejections, atomicity, real databases."""

from __future__ import annotations

import json
import tarfile
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from runink.services.importing import import_sources, plan_import
from runink.store import advisory_repo
from runink.store.db import open_engine
from runink.store.tables import advisories, advisory_aliases, affected_packages
from tests.conftest import shared_path


def osv(id_: str, modified: str = "2024-01-01T00:00:00Z", **extra: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "id": id_,
        "modified": modified,
        "aliases": [f"CVE-{id_[-4:]}-0001"],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "demo"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}
                ],
            }
        ],
    }
    rec.update(extra)
    return rec


def write(path: Path, obj: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj))
    return path


def run_import(*paths: Path):  # type: ignore[no-untyped-def]
    sources, problems = plan_import(list(paths))
    report = import_sources(open_engine(), sources, origin="test")
    report.rejected[:0] = problems
    return report


def stored(table: sa.Table) -> int:
    with open_engine().connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_directory_zip_json_and_yaml(runink_home: Path, tmp_path: Path) -> None:
    write(tmp_path / "tree" / "a" / "PYSEC-0001.json", osv("PYSEC-0001"))
    (tmp_path / "tree" / "b").mkdir()
    (tmp_path / "tree" / "b" / "PYSEC-0002.yaml").write_text(
        "id: PYSEC-0002\nmodified: 2024-01-01T00:00:00Z\naffected:\n"
        "- package: {ecosystem: PyPI, name: other}\n  versions: ['1.0']\n"
    )
    (tmp_path / "tree" / "README.md").write_text("not a record")
    with zipfile.ZipFile(tmp_path / "all.zip", "w") as zf:
        zf.writestr("GO-0003.json", json.dumps(osv("GO-0003")))
        zf.writestr("GO-0004.json", json.dumps(osv("GO-0004")))
    single = write(tmp_path / "RUSTSEC-0005.json", osv("RUSTSEC-0005"))
    report = run_import(tmp_path / "tree", tmp_path / "all.zip", single)
    assert report.counts() == {
        "new": 5,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "rejected": 0,
    }
    assert stored(advisories) == 5
    assert stored(advisory_aliases) == 4  # the YAML record has none


def test_upsert_keeps_the_newer_modified(runink_home: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "r.json", osv("GHSA-1", "2024-01-01T00:00:00Z", summary="first"))
    assert run_import(path).new == 1
    write(path, osv("GHSA-1", "2024-02-01T00:00:00Z", summary="second"))
    assert run_import(path).updated == 1
    write(path, osv("GHSA-1", "2023-12-01T00:00:00Z", summary="older"))
    report = run_import(path)
    assert (report.updated, report.unchanged) == (0, 1)
    with open_engine().connect() as conn:
        summary = conn.execute(sa.select(advisories.c.summary)).scalar()
    assert summary == "second"
    assert stored(affected_packages) == 1  # the update replaced, not appended


def test_same_modified_with_different_content_is_an_update(
    runink_home: Path, tmp_path: Path
) -> None:
    # The Go repository stamps every record 0001-01-01: content must still refresh.
    path = write(tmp_path / "r.json", osv("GO-1", "0001-01-01T00:00:00Z", summary="a"))
    run_import(path)
    assert run_import(path).unchanged == 1
    write(path, osv("GO-1", "0001-01-01T00:00:00Z", summary="b"))
    assert run_import(path).updated == 1


def test_withdrawn_is_stored_and_counted(runink_home: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "w.json", osv("GHSA-W", withdrawn="2024-03-01T00:00:00Z"))
    report = run_import(path)
    assert (report.new, report.withdrawn) == (1, 1)
    with open_engine().connect() as conn:
        entries, infos = advisory_repo.load_index_rows(conn)
    assert entries == [] and infos == []  # stored, but never offered to the matcher


def test_bad_record_is_rejected_with_file_and_field_and_writes_nothing(
    runink_home: Path, tmp_path: Path
) -> None:
    good = write(tmp_path / "d" / "good.json", osv("GHSA-GOOD"))
    bad = write(
        tmp_path / "d" / "bad.json",
        osv(
            "GHSA-BAD",
            affected=[
                {
                    "package": {"ecosystem": "PyPI", "name": "x"},
                    "ranges": [{"type": "SEMVER", "events": [{"fixed": "1"}]}],
                }
            ],
        ),
    )
    (tmp_path / "d" / "broken.json").write_text("{not json")
    report = run_import(tmp_path / "d", tmp_path / "missing-dir")
    assert report.new == 1
    messages = {Path(r.origin).name: (r.field, r.message) for r in report.rejected}
    assert messages["bad.json"][0] == "affected[0].ranges[0].events"
    assert "JSON" in messages["broken.json"][1] or "json" in messages["broken.json"][1].lower()
    assert "no such file" in messages["missing-dir"][1]
    with open_engine().connect() as conn:
        ids = set(conn.execute(sa.select(advisories.c.id)).scalars())
    assert ids == {"GHSA-GOOD"}
    assert good.exists() and bad.exists()


def test_interrupted_import_leaves_previous_state(runink_home: Path, tmp_path: Path) -> None:
    write(tmp_path / "v1" / "GHSA-1.json", osv("GHSA-1", summary="kept"))
    run_import(tmp_path / "v1")
    for i in range(5):
        write(
            tmp_path / "v2" / f"GHSA-{i}.json",
            osv(f"GHSA-{i}", "2025-01-01T00:00:00Z", summary="new"),
        )
    sources, _ = plan_import([tmp_path / "v2"])
    seen = 0

    def explode(_: int) -> None:
        nonlocal seen
        seen += 1
        if seen == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_sources(open_engine(), sources, origin="test", progress=explode)
    with open_engine().connect() as conn:
        rows = conn.execute(sa.select(advisories.c.id, advisories.c.summary)).all()
    assert [tuple(r) for r in rows] == [("GHSA-1", "kept")]


@pytest.mark.slow
def test_real_advisory_databases_import_without_rejections(
    runink_home: Path, tmp_path: Path
) -> None:
    roots = []
    for name in ("pypa-advisory-database", "golang-vulndb-osv", "rustsec-advisory-db-osv"):
        with tarfile.open(shared_path("advisories", f"{name}.tar.gz")) as tar:
            tar.extractall(tmp_path, filter="data")
    for path in sorted(tmp_path.iterdir()):
        roots.append(path)
    report = run_import(*roots)
    assert [str(r) for r in report.rejected] == []
    assert report.new == 2661 + 4291 + 1206
    assert report.withdrawn > 0
    again = run_import(*roots)
    assert (again.new, again.updated, again.unchanged) == (0, 0, report.new)
