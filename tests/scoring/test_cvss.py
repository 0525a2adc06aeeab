"""``score_vector``: official base scores per CVSS version, accepted shapes and rejected vectors.

The expected scores are the published ones (NVD pages, the FIRST calculators' results).
"""

from __future__ import annotations

import pytest

from runink.errors import ExitCode, InputError
from runink.scoring import VERSIONS, CvssError, Score, Severity, score_vector

V2_KNOWN = [
    ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, Severity.HIGH),
    ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, Severity.HIGH),
    ("AV:N/AC:M/Au:N/C:C/I:C/A:C", 9.3, Severity.HIGH),
    ("AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2, Severity.HIGH),
    ("AV:N/AC:M/Au:N/C:P/I:P/A:P", 6.8, Severity.MEDIUM),
    ("AV:N/AC:L/Au:S/C:P/I:P/A:P", 6.5, Severity.MEDIUM),
    ("AV:N/AC:L/Au:N/C:N/I:N/A:P", 5.0, Severity.MEDIUM),
    ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, Severity.MEDIUM),
    ("AV:N/AC:H/Au:N/C:P/I:N/A:N", 2.6, Severity.LOW),
    ("AV:L/AC:L/Au:N/C:P/I:N/A:N", 2.1, Severity.LOW),
]

V30_KNOWN = [
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity.CRITICAL),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 9.1, Severity.CRITICAL),
    ("CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, Severity.HIGH),
    ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1, Severity.HIGH),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3, Severity.MEDIUM),
    ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:L/A:N", 4.3, Severity.MEDIUM),
    ("CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, Severity.LOW),
]

V31_KNOWN = [
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, Severity.CRITICAL),  # Log4Shell
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Severity.CRITICAL),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, Severity.HIGH),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, Severity.HIGH),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Severity.MEDIUM),
    ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5, Severity.MEDIUM),
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N", 3.7, Severity.LOW),
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, Severity.NONE),
]

V40_KNOWN = [
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, Severity.CRITICAL),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, Severity.CRITICAL),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7, Severity.HIGH),
    ("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, Severity.HIGH),
    ("CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.0, Severity.HIGH),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 6.9, Severity.MEDIUM),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1, Severity.MEDIUM),
    ("CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:P/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 2.3, Severity.LOW),
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, Severity.NONE),
    # Threat and environmental metrics are part of a v4 vector's score (CVSS-BT, CVSS-BE).
    ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1, Severity.HIGH),
]


def _check(vector: str, expected: float, band: Severity, version: str) -> None:
    result = score_vector(vector)
    assert result == Score(expected, band, version, vector, "cvss")


@pytest.mark.parametrize(("vector", "expected", "band"), V2_KNOWN)
def test_v2_official_scores(vector: str, expected: float, band: Severity) -> None:
    _check(vector, expected, band, "2.0")


@pytest.mark.parametrize(("vector", "expected", "band"), V30_KNOWN)
def test_v30_official_scores(vector: str, expected: float, band: Severity) -> None:
    _check(vector, expected, band, "3.0")


@pytest.mark.parametrize(("vector", "expected", "band"), V31_KNOWN)
def test_v31_official_scores(vector: str, expected: float, band: Severity) -> None:
    _check(vector, expected, band, "3.1")


@pytest.mark.parametrize(("vector", "expected", "band"), V40_KNOWN)
def test_v40_official_scores(vector: str, expected: float, band: Severity) -> None:
    _check(vector, expected, band, "4.0")


def test_versions_are_listed_newest_first() -> None:
    assert VERSIONS == ("4.0", "3.1", "3.0", "2.0")


def test_temporal_metrics_do_not_change_the_v2_and_v3_base_score() -> None:
    v2 = score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C")
    assert (v2.score, v2.severity) == (7.5, Severity.HIGH)
    v3 = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C")
    assert (v3.score, v3.severity) == (9.8, Severity.CRITICAL)


def test_metric_order_does_not_matter() -> None:
    shuffled = "CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U"
    assert score_vector(shuffled).score == 9.8


@pytest.mark.parametrize(
    "raw",
    [
        "(AV:N/AC:L/Au:N/C:P/I:P/A:P)",
        "  AV:N/AC:L/Au:N/C:P/I:P/A:P\n",
        "( AV:N/AC:L/Au:N/C:P/I:P/A:P )",
        "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
    ],
)
def test_v2_shapes_seen_in_feeds_are_tolerated(raw: str) -> None:
    result = score_vector(raw, "CVSS_V2")
    assert result == Score(7.5, Severity.HIGH, "2.0", "AV:N/AC:L/Au:N/C:P/I:P/A:P", "cvss")


def test_declared_type_is_optional_for_v2() -> None:
    assert score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P", None).version == "2.0"


def test_the_prefix_wins_over_a_mislabelled_type() -> None:
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert score_vector(vector, "CVSS_V2").version == "3.1"
    assert score_vector(vector, "CVSS_V4").score == 9.8


def test_surrounding_whitespace_is_ignored_for_v3() -> None:
    result = score_vector(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ")
    assert result.vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def test_results_are_cached_per_vector() -> None:
    vector = "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"
    assert score_vector(vector, "CVSS_V3") is score_vector(vector, "CVSS_V3")


@pytest.mark.parametrize(
    ("vector", "declared", "reason"),
    [
        ("", None, "empty vector"),
        ("   ", "CVSS_V3", "empty vector"),
        ("()", None, "empty vector"),
        ("CVSS:3.1/AV:N/AC:L", "CVSS_V3", 'Missing mandatory metrics "PR, UI, S, C, I, A"'),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q", "CVSS_V3", 'Unknown value "Q"'),
        ("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS_V3", "Duplicate metric"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "CVSS_V3", 'trailing "/"'),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/XX:H", "CVSS_V3", 'Unknown metric "XX"'),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H", "CVSS_V4", "Missing mandatory"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:Z", None, "SA:Z"),
        ("AV:N/AC:L/Au:N/C:P/I:P", "CVSS_V2", 'Missing mandatory metrics "A"'),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X", "CVSS_V2", 'Unknown value "X"'),
        ("CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", None, "unsupported CVSS version"),
        ("CVSS:5.0/AV:N", "CVSS_V4", "prefix 'CVSS:5.0'"),
        (
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS_V3",
            "must start with CVSS:3.0/ or CVSS:3.1/",
        ),
        ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS_V4", "CVSS:4.0/"),
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", None, "Unknown metric"),  # v3 body read as v2
        ("7.5", "CVSS_V3", "must start with"),
        ("high", "Ubuntu", "'Ubuntu' is not a CVSS type"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS_V9", "not a CVSS type"),
    ],
)
def test_broken_vectors_raise_naming_the_vector_and_the_fault(
    vector: str, declared: str | None, reason: str
) -> None:
    with pytest.raises(CvssError) as info:
        score_vector(vector, declared)
    message = str(info.value)
    assert message.startswith(f"CVSS vector {vector!r}: ")
    assert reason in message
    assert info.value.vector == vector


def test_a_non_string_vector_raises_cvss_error() -> None:
    with pytest.raises(CvssError, match="must be a string"):
        score_vector(7.5)  # type: ignore[arg-type]


def test_cvss_error_is_an_input_error_with_exit_code_2() -> None:
    with pytest.raises(InputError) as info:
        score_vector("CVSS:3.1/nonsense")
    assert info.value.exit_code is ExitCode.USAGE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"score": 10.5, "version": "3.1"}, "outside 0.0-10.0"),
        ({"score": -1.0, "version": "3.1"}, "outside 0.0-10.0"),
        ({"score": 5.0, "version": "3.2"}, "is not one of"),
        ({"score": 5.0, "version": None}, "go together"),
        ({"score": None, "version": "3.1"}, "go together"),
        ({"source": "nvd"}, "Score.source 'nvd'"),
    ],
)
def test_score_checks_its_invariants(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "score": None,
        "severity": None,
        "version": None,
        "vector": None,
        "source": "cvss",
    }
    fields.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Score(**fields)  # type: ignore[arg-type]


def test_score_is_frozen() -> None:
    result = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    with pytest.raises(AttributeError):
        result.score = 1.0  # type: ignore[misc]
