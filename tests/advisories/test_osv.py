"""OSV decoding and validation: what is accepted, and what is rejected with which field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from runink.advisories.loader import RawRecord
from runink.advisories.osv import RecordError, decode_json, validate
from tests.conftest import shared_path


def record(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "GHSA-aaaa-bbbb-cccc",
        "modified": "2024-01-02T03:04:05.123456789Z",
        "published": "2024-01-01T00:00:00Z",
        "aliases": ["CVE-2024-0001"],
        "summary": "  A summary  ",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Django_Foo"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}
                ],
                "versions": ["1.0", "1.1"],
            }
        ],
    }
    base.update(overrides)
    return base


def load(obj: dict[str, object]) -> object:
    return validate(decode_json(json.dumps(obj).encode()))


def rejected(obj: dict[str, object]) -> RecordError:
    with pytest.raises(RecordError) as info:
        load(obj)
    return info.value


def test_valid_record_is_normalized() -> None:
    adv = load(record())
    assert adv.id == "GHSA-aaaa-bbbb-cccc"  # type: ignore[attr-defined]
    assert adv.modified == dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)  # type: ignore[attr-defined]
    assert adv.summary == "A summary"  # type: ignore[attr-defined]
    assert adv.source == "GitHub"  # type: ignore[attr-defined]
    (entry,) = adv.affected  # type: ignore[attr-defined]
    assert entry.name == "django-foo" and entry.raw_name == "Django_Foo"
    assert [e.kind for e in entry.ranges[0].events] == ["introduced", "fixed"]


@pytest.mark.parametrize(
    ("obj", "field", "words"),
    [
        (record(id=""), "id", "empty id"),
        (record(modified="yesterday"), "modified", "RFC 3339"),
        ({"id": "X-1"}, "", "modified"),
        (
            record(affected=[{"package": {"ecosystem": "PyPI", "name": 7}}]),
            "affected[0].package.name",
            "str",
        ),
        (
            record(
                affected=[
                    {
                        "package": {"ecosystem": "PyPI", "name": "a"},
                        "ranges": [{"type": "WEIRD", "events": [{"introduced": "0"}]}],
                    }
                ]
            ),
            "affected[0].ranges[0].type",
            "unknown range type",
        ),
        (
            record(
                affected=[
                    {
                        "package": {"ecosystem": "PyPI", "name": "a"},
                        "ranges": [{"type": "SEMVER", "events": [{"fixed": "1.0"}]}],
                    }
                ]
            ),
            "affected[0].ranges[0].events",
            "introduced",
        ),
        (
            record(
                affected=[
                    {
                        "package": {"ecosystem": "PyPI", "name": "a"},
                        "ranges": [
                            {"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}
                        ],
                    }
                ]
            ),
            "affected[0].ranges[0].events[0]",
            "exactly one",
        ),
        (
            record(affected=[{"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]),
            "affected[0].package",
            "required",
        ),
        (
            record(affected=[{"package": {"ecosystem": "", "name": "a"}, "versions": ["1"]}]),
            "affected[0].package.ecosystem",
            "empty",
        ),
    ],
)
def test_invalid_records_name_the_field(obj: dict[str, object], field: str, words: str) -> None:
    error = rejected(obj)
    assert error.field == field
    assert words in error.message


def test_git_only_entry_without_package_is_accepted_and_never_matchable() -> None:
    adv = load(
        record(
            affected=[
                {
                    "ranges": [
                        {
                            "type": "GIT",
                            "repo": "https://example.org/r.git",
                            "events": [{"introduced": "0"}],
                        }
                    ]
                }
            ]
        )
    )
    assert adv.affected == ()  # type: ignore[attr-defined]


def test_withdrawn_and_absent_versions() -> None:
    adv = load(
        record(
            withdrawn="2024-02-01T00:00:00Z",
            affected=[{"package": {"ecosystem": "npm", "name": "a"}, "versions": None}],
        )
    )
    assert adv.is_withdrawn  # type: ignore[attr-defined]
    assert adv.affected[0].versions == ()  # type: ignore[attr-defined]


def test_yaml_keeps_versions_as_strings() -> None:
    text = b"""id: PYSEC-2099-1
modified: 2024-01-01T00:00:00Z
affected:
- package: {ecosystem: PyPI, name: pkg}
  versions: [1.0, 1.10, 2]
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: 0
    - fixed: 1.20
"""
    rec, stored = RawRecord("x.yaml", "yaml", text).decode()
    adv = validate(rec)
    assert adv.affected[0].versions == ("1.0", "1.10", "2")  # 1.10 is not the float 1.1
    assert adv.affected[0].ranges[0].events[1].version == "1.20"
    assert json.loads(stored)["id"] == "PYSEC-2099-1"


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(RecordError) as info:
        RawRecord("x.yaml", "yaml", b"id: a\nmodified: [unclosed\n").decode()
    assert "line" in info.value.field


def test_osv_linter_testdata(shared_data: Path) -> None:
    folder = shared_path("osv-schema", "linter-testdata")
    accepted, refused = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            validate(decode_json(path.read_bytes()))
            accepted.append(path.name)
        except RecordError as exc:
            refused.append((path.name, exc.field))
    # Only the range without "introduced" breaks the schema. "nopackage-*" names a package
    # missing from its registry (a linter check needing the network), and "nondistinct-*" has
    # duplicate entries: both are structurally valid and harmless to matching.
    assert refused == [("nointroduced-CVE-2023-41045.json", "affected[0].ranges[0].events")]
    assert len(accepted) == 11
