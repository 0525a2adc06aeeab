"""``best_score`` over every record of the real Go and RustSec OSV databases."""

from __future__ import annotations

import json
import tarfile
from typing import Any

import pytest

from runink.scoring import NO_SCORE, VERSIONS, Score
from tests.conftest import shared_path
from tests.scoring.records import score_record

pytestmark = pytest.mark.shared_data

# tarball -> (folder of OSV records inside it, minimum number of records expected)
DATABASES = {
    "golang-vulndb-osv.tar.gz": ("golang-vulndb/data/osv", 4000),
    "rustsec-advisory-db-osv.tar.gz": ("rustsec-advisory-db-osv/crates", 1100),
}


@pytest.fixture(scope="module", params=sorted(DATABASES))
def records(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    name: str = request.param
    tarball = shared_path("advisories", name)
    folder, minimum = DATABASES[name]
    target = tmp_path_factory.mktemp(name.split(".")[0])
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    files = sorted((target / folder).glob("*.json"))
    loaded = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    assert len(loaded) >= minimum, f"{name}: only {len(loaded)} records under {folder}"
    return name, loaded


def _types(record: dict[str, Any]) -> set[str]:
    entries = list(record.get("severity") or [])
    for affected in record.get("affected") or []:
        entries.extend(affected.get("severity") or [])
    return {str(entry.get("type")) for entry in entries}


def test_every_record_scores_without_raising(records: tuple[str, list[dict[str, Any]]]) -> None:
    _, loaded = records
    for record in loaded:
        assert isinstance(score_record(record), Score), record["id"]


def test_every_record_with_a_v3_or_v4_vector_gets_a_number(
    records: tuple[str, list[dict[str, Any]]],
) -> None:
    name, loaded = records
    with_vector = [r for r in loaded if _types(r) & {"CVSS_V3", "CVSS_V4"}]
    if name.startswith("rustsec"):
        # RustSec publishes CVSS for a few hundred of its advisories; Go publishes none.
        assert len(with_vector) > 300
    unscored = [r["id"] for r in with_vector if score_record(r).score is None]
    assert unscored == []
    for record in with_vector:
        result = score_record(record)
        assert result.source == "cvss" and result.vector is not None, record["id"]
        assert result.version in VERSIONS[:3], record["id"]
        if "CVSS_V4" in _types(record):
            assert result.version == "4.0", record["id"]


def test_records_without_any_severity_get_no_score(
    records: tuple[str, list[dict[str, Any]]],
) -> None:
    _, loaded = records
    bare = [r for r in loaded if not _types(r)]
    assert bare, "expected records without a severity in every database"
    for record in bare:
        db = record.get("database_specific") or {}
        if "severity" not in db:
            assert score_record(record) == NO_SCORE, record["id"]
