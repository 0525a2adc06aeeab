"""``osv.validate`` against a plain reference implementation of the same rules.

The production validator is written for bulk imports (no path strings built unless a record
is rejected, shared ``Event`` instances). This file keeps the straightforward version it
replaced and checks that both give the same advisory, or the same rejection (field and
message), on generated records, valid and invalid, and on the real OSV databases.
"""

from __future__ import annotations

import dataclasses
import io
import tarfile
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.advisories.loader import RawRecord
from runink.advisories.osv import (
    OsvAffected,
    OsvEvent,
    OsvRange,
    OsvRecord,
    RecordError,
    convert_object,
    parse_timestamp,
    validate,
)
from runink.model.advisory import (
    Advisory,
    AdvisoryScore,
    Affected,
    Event,
    EventKind,
    Range,
    RangeType,
    source_of,
)
from runink.model.ecosystems import normalize_name
from tests.conftest import shared_path

# -- the reference ------------------------------------------------------------------------------

_RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER", "GIT"})


def _ref_event(ev: OsvEvent, field: str) -> Event:
    present: list[tuple[EventKind, str]] = []
    if ev.introduced is not None:
        present.append(("introduced", ev.introduced))
    if ev.fixed is not None:
        present.append(("fixed", ev.fixed))
    if ev.last_affected is not None:
        present.append(("last_affected", ev.last_affected))
    if ev.limit is not None:
        present.append(("limit", ev.limit))
    if len(present) != 1:
        raise RecordError(
            field, "an event must have exactly one of introduced, fixed, last_affected, limit"
        )
    kind, version = present[0]
    if not version.strip():
        raise RecordError(f"{field}.{kind}", "empty version")
    return Event(kind, version.strip())


def _ref_range(rng: OsvRange, field: str) -> Range:
    if rng.type not in _RANGE_TYPES:
        raise RecordError(f"{field}.type", f"unknown range type {rng.type!r}")
    if not rng.events:
        raise RecordError(f"{field}.events", "a range needs at least one event")
    events = tuple(_ref_event(e, f"{field}.events[{i}]") for i, e in enumerate(rng.events))
    if not any(e.kind == "introduced" for e in events):
        raise RecordError(f"{field}.events", "a range must contain an 'introduced' event")
    rtype: RangeType = rng.type  # type: ignore[assignment]
    return Range(rtype, events, rng.repo)


def _ref_affected(entry: OsvAffected, index: int) -> Affected | None:
    field = f"affected[{index}]"
    ranges = tuple(_ref_range(r, f"{field}.ranges[{j}]") for j, r in enumerate(entry.ranges or ()))
    versions = tuple(v.strip() for v in (entry.versions or ()) if v.strip())
    needs_package = bool(versions) or any(r.type != "GIT" for r in ranges)
    pkg = entry.package
    if pkg is None:
        if needs_package:
            raise RecordError(f"{field}.package", "required for versions and non-GIT ranges")
        return None
    if not pkg.ecosystem.strip():
        raise RecordError(f"{field}.package.ecosystem", "empty ecosystem")
    if not pkg.name.strip():
        raise RecordError(f"{field}.package.name", "empty package name")
    ecosystem = pkg.ecosystem.strip()
    return Affected(
        index=index,
        ecosystem=ecosystem,
        name=normalize_name(ecosystem, pkg.name),
        raw_name=pkg.name.strip(),
        ranges=ranges,
        versions=versions,
        purl=pkg.purl,
    )


def _ref_cwes(database_specific: Any) -> tuple[str, ...]:
    if isinstance(database_specific, dict):
        ids = database_specific.get("cwe_ids")
        if isinstance(ids, list):
            return tuple(sorted({str(i) for i in ids if str(i).startswith("CWE-")}))
    return ()


def reference_validate(rec: OsvRecord) -> Advisory:
    if not rec.id.strip():
        raise RecordError("id", "empty id")
    modified = parse_timestamp(rec.modified, "modified")
    published = parse_timestamp(rec.published, "published") if rec.published else None
    withdrawn = parse_timestamp(rec.withdrawn, "withdrawn") if rec.withdrawn else None
    affected: list[Affected] = []
    for i, entry in enumerate(rec.affected or ()):
        item = _ref_affected(entry, i)
        if item is not None:
            affected.append(item)
    aliases = tuple(sorted({a.strip() for a in (rec.aliases or ()) if a.strip()} - {rec.id}))
    return Advisory(
        id=rec.id.strip(),
        modified=modified,
        source=source_of(rec.id.strip()),
        published=published,
        withdrawn=withdrawn,
        aliases=aliases,
        related=tuple(sorted(set(rec.related or ()))),
        summary=(rec.summary or "").strip(),
        details=rec.details or "",
        affected=tuple(affected),
        cwes=_ref_cwes(rec.database_specific),
        schema_version=rec.schema_version,
    )


def outcome(fn: Any, rec: OsvRecord) -> object:
    try:
        return ("ok", fn(rec))
    except RecordError as exc:
        return ("rejected", exc.field, exc.message)


def assert_same(rec: OsvRecord) -> None:
    assert outcome(validate, rec) == outcome(reference_validate, rec)


# -- generated records --------------------------------------------------------------------------

_text = st.sampled_from(["", " ", "0", "1.2.3", " v1.0 ", "2.0-rc1", "x"])
_maybe = st.one_of(st.none(), _text)
_good_stamps = [
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.123456789Z",
    "0001-01-01T00:00:00Z",
    " 2024-05-01T10:00:00+02:00 ",
    "2024-05-01T10:00:00",
]
_stamp = st.sampled_from(_good_stamps * 6 + ["yesterday", ""])  # fmt: skip
_events = st.builds(OsvEvent, introduced=_maybe, fixed=_maybe, last_affected=_maybe, limit=_maybe)
_ranges = st.builds(
    OsvRange,
    type=st.sampled_from(["ECOSYSTEM", "SEMVER", "GIT", "WEIRD", ""]),
    events=st.lists(_events, max_size=4),
    repo=st.one_of(st.none(), st.just("https://example.org/r.git")),
)
_package = st.fixed_dictionaries(
    {
        "ecosystem": st.sampled_from(["PyPI", " Go ", "", " ", "npm", "Debian:12", "Maven"]),
        "name": st.sampled_from(["Django_Foo", " @Scope/Pkg ", "", " ", "g:a", "golang.org/x/net"]),
        "purl": st.one_of(st.none(), st.just("pkg:pypi/x")),
    }
)
_affected = st.fixed_dictionaries(
    {},
    optional={
        "package": _package,
        "ranges": st.lists(_ranges.map(msgspec.to_builtins), max_size=3),
        "versions": st.lists(_text, max_size=3),
    },
)
_records = st.fixed_dictionaries(
    {"id": st.sampled_from(["GHSA-aaaa-bbbb-cccc", " GO-2024-0001 ", "CVE-1"] * 6 + ["", "  "]),
     "modified": _stamp},
    optional={
        "published": _stamp,
        "withdrawn": _stamp,
        "aliases": st.lists(st.sampled_from(["CVE-1", " CVE-2 ", "", "CVE-2", " "]), max_size=4),
        "related": st.lists(st.sampled_from(["B", "A", "A"]), max_size=3),
        "summary": st.sampled_from(["", "  sum  ", "x"]),
        "details": st.sampled_from(["", "d"]),
        "affected": st.lists(_affected, max_size=3),
        "database_specific": st.sampled_from([None, {"cwe_ids": ["CWE-79", "x", "CWE-20"]}, []]),
        "schema_version": st.sampled_from(["1.6.0", None]),
    },
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(_records)
def test_generated_records_agree_with_the_reference(obj: dict[str, Any]) -> None:
    assert_same(convert_object(obj))


def test_score_is_carried_without_changing_anything_else() -> None:
    rec = convert_object({"id": "GO-1", "modified": "2024-01-01T00:00:00Z"})
    score = AdvisoryScore(7.5, "high", "3.1", "CVSS:3.1/AV:N")
    assert validate(rec, score) == dataclasses.replace(reference_validate(rec), score=score)


# -- the real databases -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "archive",
    ["golang-vulndb-osv", "rustsec-advisory-db-osv", "pypa-advisory-database"],
)
def test_real_databases_agree_with_the_reference(archive: str) -> None:
    path = shared_path("advisories", f"{archive}.tar.gz")
    count = 0
    with tarfile.open(path) as tar:
        for member in tar:
            suffix = member.name.rsplit(".", 1)[-1]
            if not member.isfile() or suffix not in ("json", "yaml"):
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            data = io.BytesIO(handle.read()).getvalue()
            try:
                rec, _ = RawRecord(
                    member.name, "json" if suffix == "json" else "yaml", data
                ).decode()
            except RecordError:
                continue  # not a record (e.g. a schema file): nothing to validate
            assert_same(rec)
            count += 1
    assert count > 1000


def test_shared_events_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from runink.advisories import osv

    monkeypatch.setattr(osv, "_EVENTS_MAX", 3)
    monkeypatch.setattr(osv, "_EVENTS", {})
    for n in range(10):
        events = [{"introduced": "0"}, {"fixed": f"1.{n}"}, {"last_affected": f"2.{n}"}]
        rec = convert_object(
            {
                "id": f"GO-{n}",
                "modified": "2024-01-01T00:00:00Z",
                "affected": [
                    {
                        "package": {"ecosystem": "Go", "name": "m"},
                        "ranges": [{"type": "SEMVER", "events": events}],
                    }
                ],
            }
        )
        assert_same(rec)
        assert len(osv._EVENTS) <= 3
