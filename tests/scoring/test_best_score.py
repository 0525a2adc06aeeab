"""``best_score``: which score an OSV record is known by, and the fallbacks when it has none."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from runink.scoring import NO_SCORE, Score, Severity, best_score
from tests.scoring.records import score_record

FIXTURES = Path(__file__).parent / "fixtures"

V2_10 = {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:C/I:C/A:C"}  # 10.0
V30_98 = {"type": "CVSS_V3", "score": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}  # 9.8
V31_61 = {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}  # 6.1
V31_75 = {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}  # 7.5
V40_51 = {
    "type": "CVSS_V4",
    "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N",
}  # 5.1
BROKEN_V4 = {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N"}


FIXTURE_EXPECTATIONS = {
    "v3-and-v4": Score(
        8.7,
        Severity.HIGH,
        "4.0",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
        "cvss",
    ),
    "all-versions": Score(
        6.1, Severity.MEDIUM, "3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "cvss"
    ),
    "broken-v4-valid-v3": Score(
        8.8, Severity.HIGH, "3.1", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "cvss"
    ),
    "ghsa-moderate-no-vector": Score(None, Severity.MEDIUM, None, None, "database_specific"),
    "oss-fuzz-ecosystem-specific": Score(None, Severity.HIGH, None, None, "ecosystem_specific"),
    "ubuntu-priority": Score(None, Severity.LOW, None, None, "ecosystem_specific"),
    "bare-numeric-score": Score(7.5, Severity.HIGH, "3.0", None, "cvss"),
    "no-severity": NO_SCORE,
    "malformed-severity-entries": Score(
        4.3, Severity.MEDIUM, "2.0", "AV:N/AC:M/Au:N/C:N/I:P/A:N", "cvss"
    ),
    "malformed-everything-unusable": NO_SCORE,
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.stem for p in FIXTURES.glob("*.json")} == set(FIXTURE_EXPECTATIONS)


@pytest.mark.parametrize("scenario", sorted(FIXTURE_EXPECTATIONS))
def test_fixture_records(scenario: str) -> None:
    record = json.loads((FIXTURES / f"{scenario}.json").read_text(encoding="utf-8"))
    assert score_record(record) == FIXTURE_EXPECTATIONS[scenario]


@pytest.mark.parametrize("order", list(itertools.permutations([V2_10, V30_98, V31_61, V40_51])))
def test_newest_version_wins_whatever_the_order(order: tuple[dict[str, str], ...]) -> None:
    # The v4.0 vector is the lowest score of the four: newest wins, not highest.
    result = best_score(list(order), None)
    assert (result.version, result.score, result.severity) == ("4.0", 5.1, Severity.MEDIUM)


def test_preference_order_falls_through_each_version() -> None:
    assert best_score([V2_10, V30_98, V31_61], None).version == "3.1"
    assert best_score([V2_10, V30_98], None).version == "3.0"
    assert best_score([V2_10], None).version == "2.0"


def test_same_version_tie_takes_the_higher_score() -> None:
    assert best_score([V31_61, V31_75], None).score == 7.5
    assert best_score([V31_75, V31_61], None).score == 7.5


def test_broken_vector_is_skipped_for_the_next_best() -> None:
    assert best_score([BROKEN_V4, V31_61], None).version == "3.1"
    assert best_score([V31_61, BROKEN_V4], None).version == "3.1"


def test_only_broken_vectors_fall_back_to_the_qualitative_severity() -> None:
    result = best_score([BROKEN_V4], {"severity": "HIGH"})
    assert result == Score(None, Severity.HIGH, None, None, "database_specific")


def test_a_vector_wins_over_a_database_severity() -> None:
    result = best_score([V31_61], {"severity": "CRITICAL"})
    assert (result.score, result.severity, result.source) == (6.1, Severity.MEDIUM, "cvss")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"type": "CVSS_V3", "score": "7.5"}, Score(7.5, Severity.HIGH, "3.0", None, "cvss")),
        ({"type": "CVSS_V3", "score": " 9 "}, Score(9.0, Severity.CRITICAL, "3.0", None, "cvss")),
        ({"type": "CVSS_V4", "score": "10.0"}, Score(10.0, Severity.CRITICAL, "4.0", None, "cvss")),
        # v2 numbers get v2's bands: 9.3 is "high", there is no "critical" in v2.
        ({"type": "CVSS_V2", "score": "9.3"}, Score(9.3, Severity.HIGH, "2.0", None, "cvss")),
        ({"type": "CVSS_V3", "score": 5.3}, Score(5.3, Severity.MEDIUM, "3.0", None, "cvss")),
        ({"type": "CVSS_V3", "score": 8}, Score(8.0, Severity.HIGH, "3.0", None, "cvss")),
    ],
)
def test_bare_numbers_are_scores_without_a_vector(
    entry: dict[str, object], expected: Score
) -> None:
    assert best_score([entry], {"severity": "LOW"}) == expected


@pytest.mark.parametrize("raw", ["0", "0.0", 0, "10.5", "11", -1, "nan", True, "7.5.1", "1e1"])
def test_unusable_bare_numbers_are_ignored(raw: object) -> None:
    result = best_score([{"type": "CVSS_V3", "score": raw}], {"severity": "MODERATE"})
    assert result == Score(None, Severity.MEDIUM, None, None, "database_specific")


def test_a_vector_wins_over_a_bare_number_of_a_newer_version() -> None:
    result = best_score([{"type": "CVSS_V4", "score": "9.9"}, V31_61], None)
    assert (result.version, result.score) == ("3.1", 6.1)


def test_bare_numbers_prefer_the_newest_type() -> None:
    entries = [{"type": "CVSS_V2", "score": "10.0"}, {"type": "CVSS_V4", "score": "2.0"}]
    assert best_score(entries, None) == Score(2.0, Severity.LOW, "4.0", None, "cvss")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("LOW", Severity.LOW),
        ("MODERATE", Severity.MEDIUM),
        ("HIGH", Severity.HIGH),
        ("CRITICAL", Severity.CRITICAL),
    ],
)
def test_ghsa_database_severity(word: str, expected: Severity) -> None:
    result = best_score([], {"severity": word, "github_reviewed": True})
    assert result == Score(None, expected, None, None, "database_specific")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("negligible", Severity.LOW),
        ("low", Severity.LOW),
        ("medium", Severity.MEDIUM),
        ("high", Severity.HIGH),
        ("critical", Severity.CRITICAL),
    ],
)
def test_ubuntu_priority(word: str, expected: Severity) -> None:
    result = best_score([{"type": "Ubuntu", "score": word}], None)
    assert result == Score(None, expected, None, None, "ecosystem_specific")


def test_ubuntu_priority_loses_to_a_vector_and_to_the_database_severity() -> None:
    ubuntu = {"type": "Ubuntu", "score": "critical"}
    assert best_score([ubuntu, V31_61], None).source == "cvss"
    assert best_score([ubuntu], {"severity": "LOW"}).severity is Severity.LOW


def test_several_ubuntu_priorities_take_the_highest() -> None:
    entries = [{"type": "Ubuntu", "score": "low"}, {"type": "Ubuntu", "score": "high"}]
    assert best_score(entries, None).severity is Severity.HIGH


def test_affected_specific_severity_is_the_last_resort() -> None:
    extras: list[dict[str, Any]] = [
        {"severity": "MEDIUM"},
        {"imports": []},
        {"severity": "CRITICAL"},
        {"severity": 3},
    ]
    assert best_score([], None, extras) == Score(
        None, Severity.CRITICAL, None, None, "ecosystem_specific"
    )
    assert best_score([], {"severity": "LOW"}, extras).source == "database_specific"
    assert best_score([{"type": "Ubuntu", "score": "low"}], None, extras).severity is Severity.LOW


def test_unknown_words_fall_through_to_the_next_source() -> None:
    result = best_score(
        [{"type": "Ubuntu", "score": "untriaged"}],
        {"severity": "UNKNOWN"},
        [{"severity": "HIGH"}],
    )
    assert result == Score(None, Severity.HIGH, None, None, "ecosystem_specific")


@pytest.mark.parametrize(
    ("entries", "db", "extras"),
    [
        ([], None, ()),
        (None, None, ()),
        ([], {}, ()),
        ([], {"severity": None}, [{}]),
        ([{"type": "Ubuntu"}, {"type": None, "score": "7.5"}], {"severity": ["HIGH"]}, ()),
        ([{"type": "UNKNOWN", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}], None, ()),
    ],
)
def test_nothing_usable_gives_no_score(entries: Any, db: Any, extras: Any) -> None:
    assert best_score(entries, db, extras) == NO_SCORE
    assert Score(None, None, None, None, "none") == NO_SCORE


def test_garbage_entries_never_raise() -> None:
    garbage: list[Any] = [
        None,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        7.5,
        [],
        {"type": ["CVSS_V3"], "score": "x"},
        {"type": "CVSS_V3", "score": None},
        {"type": "CVSS_V3", "score": {"vector": "x"}},
        {"type": "CVSS_V2", "score": "((AV:N))"},
    ]
    assert best_score(garbage, {"severity": {"level": "HIGH"}}, [None, "HIGH", 3]) == NO_SCORE  # type: ignore[list-item]
