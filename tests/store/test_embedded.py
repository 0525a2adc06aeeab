"""The standard-library read path answers exactly what the SQLAlchemy path answers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from runink.config import load_settings
from runink.services.checking import EmbeddedReader, EngineReader, check_purls
from runink.services.importing import import_sources, plan_import
from runink.store import advisory_repo, embedded
from runink.store.db import MIGRATIONS_DIR, SCHEMA_HEAD, migrate, open_engine

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "advisories"


def _withdrawn_and_aliased(tmp_path: Path) -> Path:
    """Two extra records: one withdrawn (never matches), one sharing an alias with another."""
    folder = tmp_path / "extra"
    folder.mkdir()
    base = {
        "schema_version": "1.6.0",
        "modified": "2024-05-01T10:00:00Z",
        "published": "2024-04-01T09:30:00.123Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Demo-Pkg"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}
                ],
                "versions": ["1.0", "1.5"],
            }
        ],
    }
    (folder / "PYSEC-2024-9001.json").write_text(
        json.dumps({**base, "id": "PYSEC-2024-9001", "aliases": ["CVE-2024-9001"]})
    )
    (folder / "GHSA-aaaa-bbbb-cccc.json").write_text(
        json.dumps(
            {
                **base,
                "id": "GHSA-aaaa-bbbb-cccc",
                "aliases": ["CVE-2024-9001"],
                "summary": "demo",
                "severity": [
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}
                ],
            }
        )
    )
    (folder / "PYSEC-2024-9002.json").write_text(
        json.dumps({**base, "id": "PYSEC-2024-9002", "withdrawn": "2024-06-01T00:00:00Z"})
    )
    return folder


@pytest.fixture
def populated(runink_home: Path, tmp_path: Path) -> Path:
    engine = open_engine()
    sources, problems = plan_import([EXAMPLES, _withdrawn_and_aliased(tmp_path)])
    assert not problems
    report = import_sources(engine, sources, origin="test")
    assert report.counts()["rejected"] == 0
    engine.dispose()
    return runink_home / "runink.db"


def test_newest_revision_is_alembic_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert embedded.newest_revision() == head == SCHEMA_HEAD


def test_same_rows_as_sqlalchemy_for_every_stored_package(populated: Path) -> None:
    engine = open_engine()
    with engine.connect() as conn:
        all_entries, _ = advisory_repo.load_index_rows(conn)
        keys = {(entry.ecosystem.split(":")[0], entry.name) for _, entry in all_entries}
        keys |= {("PyPI", "not-a-stored-package")}
        reference = advisory_repo.load_index_rows(conn, keys)
        reference_count = advisory_repo.count_advisories(conn)
    conn2 = embedded.connect(load_settings())
    assert conn2 is not None
    fast = embedded.load_index_rows(conn2, keys)
    assert sorted(fast[0], key=repr) == sorted(reference[0], key=repr)
    assert sorted(fast[1], key=repr) == sorted(reference[1], key=repr)
    assert embedded.count_advisories(conn2) == reference_count
    # The facts cover times with and without fractions of a second, aliases and withdrawal.
    infos = {i.id: i for i in fast[1]}
    assert infos["GHSA-aaaa-bbbb-cccc"].published == "2024-04-01T09:30:00Z"
    assert infos["GHSA-aaaa-bbbb-cccc"].aliases == ("CVE-2024-9001",)
    assert "PYSEC-2024-9002" not in infos  # withdrawn: left out like the reference does


def test_package_rows_narrowed_equal_load_index_rows_narrowed(populated: Path) -> None:
    """The event path's reader (``load_package_rows`` then ``index_rows`` for some advisory
    ids) gives exactly ``load_index_rows`` narrowed to those advisories, in the same order."""
    import random

    engine = open_engine()
    with engine.connect() as conn:
        all_entries, _ = advisory_repo.load_index_rows(conn)
        every_key = sorted({(e.ecosystem.split(":")[0], e.name) for _, e in all_entries})
        rng = random.Random(3)
        for _ in range(20):
            keys = set(rng.sample(every_key, rng.randint(1, len(every_key))))
            keys.add(("PyPI", "not-a-stored-package"))
            entries, infos = advisory_repo.load_index_rows(conn, keys)
            rows = advisory_repo.load_package_rows(conn, keys)
            assert sorted(rows.aliases) == sorted(i.id for i in infos)
            assert rows.aliases == {i.id: i.aliases for i in infos}
            names = sorted({*rows.aliases, *(a for v in rows.aliases.values() for a in v)})
            wanted = set(rng.sample(names, rng.randint(0, len(names))))
            assert rows.index_rows(conn, wanted) == (
                [(a, e) for a, e in entries if a in wanted],
                [i for i in infos if i.id in wanted],
            )
            assert rows.index_rows(conn, set(rows.aliases)) == (entries, infos)


def test_check_gives_the_same_report_through_both_readers(populated: Path) -> None:
    purls = [
        "pkg:pypi/demo-pkg@1.5",
        "pkg:pypi/django@3.2.0",
        "pkg:npm/lodash@4.17.20",
        "pkg:pypi/demo-pkg@2.0",
        "pkg:pypi/demo-pkg@not a version",
        "pkg:nosuch/x@1",
    ]
    reference = check_purls(EngineReader(open_engine()), purls)
    conn = embedded.connect(load_settings())
    assert conn is not None
    fast = check_purls(EmbeddedReader(conn), purls)
    assert fast == reference
    merged = [f for r in fast.results for f in r.findings if f.component.name == "demo-pkg"]
    assert [(f.id, f.aliases) for f in merged] == [
        ("CVE-2024-9001", ("CVE-2024-9001", "GHSA-aaaa-bbbb-cccc", "PYSEC-2024-9001"))
    ]


def test_connect_declines_what_it_cannot_read(
    runink_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No database yet: the full path decides (it reports "no advisory database").
    assert embedded.connect(load_settings()) is None
    # Not SQLite.
    monkeypatch.setenv("RUNINK_DATABASE_URL", "postgresql+psycopg://127.0.0.1/test")
    assert embedded.connect(load_settings()) is None
    # A SQLite file that is not a Runink database.
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    monkeypatch.setenv("RUNINK_DATABASE_URL", f"sqlite:///{other}")
    assert embedded.connect(load_settings()) is None
    # A Runink database at an older schema: the full path migrates it first.
    old = tmp_path / "old.db"
    monkeypatch.setenv("RUNINK_DATABASE_URL", f"sqlite:///{old}")
    from runink.store.db import create_db_engine

    migrate(create_db_engine(f"sqlite:///{old}"), "0001")
    assert embedded.connect(load_settings()) is None
    open_engine(create=False)  # migrates to head
    conn = embedded.connect(load_settings())
    assert conn is not None
    assert embedded.count_advisories(conn) == 0
