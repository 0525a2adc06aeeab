"""Severity bands: CVSS v3/v4 and v2 boundaries, ordering and the words feeds use."""

from __future__ import annotations

import math

import pytest

from runink.scoring import Severity


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, Severity.NONE),
        (0.0, Severity.NONE),
        (0.1, Severity.LOW),
        (3.9, Severity.LOW),
        (4.0, Severity.MEDIUM),
        (6.9, Severity.MEDIUM),
        (7.0, Severity.HIGH),
        (8.9, Severity.HIGH),
        (9.0, Severity.CRITICAL),
        (10, Severity.CRITICAL),
        (10.0, Severity.CRITICAL),
    ],
)
def test_v3_v4_bands_at_the_boundaries(score: float, expected: Severity) -> None:
    assert Severity.from_score(score) is expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, Severity.LOW),
        (3.9, Severity.LOW),
        (4.0, Severity.MEDIUM),
        (6.9, Severity.MEDIUM),
        (7.0, Severity.HIGH),
        (9.3, Severity.HIGH),
        (10.0, Severity.HIGH),
    ],
)
def test_v2_bands_have_no_none_and_no_critical(score: float, expected: Severity) -> None:
    assert Severity.from_v2_score(score) is expected


@pytest.mark.parametrize("score", [-0.1, 10.1, 100, math.nan, math.inf])
def test_out_of_range_scores_are_rejected(score: float) -> None:
    with pytest.raises(ValueError, match=r"outside 0\.0-10\.0"):
        Severity.from_score(score)
    with pytest.raises(ValueError, match=r"outside 0\.0-10\.0"):
        Severity.from_v2_score(score)


@pytest.mark.parametrize("value", ["7.5", None, True])
def test_non_numbers_are_rejected(value: object) -> None:
    with pytest.raises(ValueError, match="not a number"):
        Severity.from_score(value)  # type: ignore[arg-type]


def test_values_are_lowercase_names() -> None:
    assert [s.value for s in Severity] == ["none", "low", "medium", "high", "critical"]
    assert Severity("high") is Severity.HIGH


def test_severities_are_ordered() -> None:
    shuffled = [Severity.HIGH, Severity.NONE, Severity.CRITICAL, Severity.LOW, Severity.MEDIUM]
    assert sorted(shuffled) == list(Severity)
    assert max(shuffled) is Severity.CRITICAL
    assert Severity.LOW < Severity.MEDIUM <= Severity.MEDIUM < Severity.HIGH
    assert Severity.CRITICAL > Severity.HIGH >= Severity.HIGH
    assert not Severity.HIGH < Severity.LOW
    assert [s.rank for s in Severity] == [0, 1, 2, 3, 4]


def test_severity_does_not_compare_with_other_types() -> None:
    with pytest.raises(TypeError):
        _ = Severity.HIGH < 3
    with pytest.raises(TypeError):
        _ = Severity.HIGH >= "high"
    text: object = "high"
    assert text != Severity.HIGH


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LOW", Severity.LOW),
        ("low", Severity.LOW),
        ("MODERATE", Severity.MEDIUM),  # GitHub
        ("Moderate", Severity.MEDIUM),  # Red Hat
        ("MEDIUM", Severity.MEDIUM),
        ("medium", Severity.MEDIUM),  # Ubuntu
        ("HIGH", Severity.HIGH),
        ("Important", Severity.HIGH),  # Red Hat, SUSE
        ("CRITICAL", Severity.CRITICAL),
        ("critical", Severity.CRITICAL),
        ("negligible", Severity.LOW),  # Ubuntu
        ("NEGLIGIBLE", Severity.LOW),
        ("unimportant", Severity.LOW),  # Debian
        ("none", Severity.NONE),
        ("  High \n", Severity.HIGH),
    ],
)
def test_parse_accepts_the_words_feeds_use(text: str, expected: Severity) -> None:
    assert Severity.parse(text) is expected


@pytest.mark.parametrize("text", ["", "untriaged", "UNKNOWN", "7.5", "hi", "severe", "MODERATE!"])
def test_parse_rejects_unknown_words_naming_them(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Severity.parse(text)
    assert repr(text) in str(info.value)
    assert "moderate" in str(info.value)  # the message lists what is accepted


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="unknown severity 7"):
        Severity.parse(7)  # type: ignore[arg-type]
