"""The expression language: every operator, literal type, keyword case, precedence and the
semantics of missing values, lists and versions, evaluated through the real compiler."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.policy.context import ArtifactFacts
from runink.scoring.severity import Severity
from tests.policy.conftest import compile_when, make_ctx, with_artifact, with_package

CTX = make_ctx(
    score=7.4,
    severity=Severity.HIGH,
    epss=0.42,
    epss_percentile=0.97,
    kev=True,
    published=dt.date(2026, 5, 1),
    fix_available=True,
    cwe=("CWE-79", "CWE-89"),
    summary="X.509 type confusion",
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # numbers: every comparison operator, == as a synonym of =
        ("cve.score = 7.4", True),
        ("cve.score == 7.4", True),
        ("cve.score != 7.4", False),
        ("cve.score < 8", True),
        ("cve.score <= 7.4", True),
        ("cve.score > 7.4", False),
        ("cve.score >= 7", True),
        ("cve.epss > 0.4", True),
        ("cve.epss_percentile >= .95", True),
        ("cve.age_days = 31", True),
        ("cve.age_days < 30", False),
        ("8 > cve.score", True),  # a value on the left is flipped
        # strings
        ('cve.id = "CVE-2023-0286"', True),
        ('cve.id != "CVE-2023-0286"', False),
        ("cve.id = 'CVE-2023-0286'", True),
        ('package.ecosystem = "Debian:12"', True),
        ('cve.ecosystem = "Debian:12"', True),
        ('package.scope = "runtime"', False),  # missing scope: false
        ('cve.id IN ["CVE-2023-0286", "CVE-2024-1"]', True),
        ('cve.id NOT IN ["CVE-2024-1"]', True),
        ('cve.id MATCHES "^CVE-2023-"', True),
        ('cve.id MATCHES "0286$"', True),
        ('cve.id NOT MATCHES "^GHSA-"', True),
        ('artifact.name LIKE "payments-*"', True),
        ('artifact.name LIKE "pay?ents-api"', True),
        ('artifact.name LIKE "PAYMENTS-*"', False),  # globs are case-sensitive
        ('artifact.name NOT LIKE "billing-*"', True),
        ('cve.id MATCHES "(?i)^cve-"', True),
        # bools
        ("cve.kev = true", True),
        ("cve.kev", True),
        ("NOT cve.kev", False),
        ("cve.fix_available != false", True),
        ("package.direct = false", False),  # missing: false
        ("true", True),
        ("false", False),
        # dates (literal or quoted ISO date)
        ("cve.published >= 2026-05-01", True),
        ("cve.published < 2026-01-31", False),
        ('cve.published = "2026-05-01"', True),
        # severity: ordered none < low < medium < high < critical, case-insensitive words
        ('cve.severity = "high"', True),
        ('cve.severity >= "medium"', True),
        ('cve.severity > "high"', False),
        ('cve.severity < "CRITICAL"', True),
        ('cve.severity IN ["high", "critical"]', True),
        # lists: = means contains, IN [..] means shares an element
        ('cve.aliases = "DEBIAN-CVE-2023-0286"', True),
        ('"CVE-2023-0286" IN cve.aliases', True),
        ('"GHSA-x" IN cve.aliases', False),
        ('"GHSA-x" NOT IN cve.aliases', True),
        ('cve.aliases != "GHSA-x"', True),
        ('cve.cwe IN ["CWE-89", "CWE-22"]', True),
        ('cve.cwe NOT IN ["CWE-22"]', True),
        ('cve.cwe MATCHES "^CWE-8"', True),
        ('cve.aliases LIKE "DEBIAN-*"', True),
        # artifact synonyms, labels and team
        ('image.environment = "prod"', True),
        ('service.environment = "prod"', True),
        ('repo.team = "payments"', True),
        ('artifact.kind = "image"', True),
        ('artifact.labels.tier = "1"', True),
        ('image.labels.missing = "1"', False),
        ('team.name = "payments"', True),
        ('team.label = "team/payments"', True),
        # versions compare with the ecosystem's scheme (dpkg here), not as text
        ('package.version < "3.0.10-1"', True),  # as text "3.0.7" > "3.0.1"
        ('package.version >= "3.0.7-1"', True),
        ('package.version = "3.0.7-1"', True),
        ('package.version != "3.0.7-1"', False),
        ('package.version IN ["3.0.7-1", "3.0.8-1"]', True),
        ('package.version MATCHES "^3\\.0\\."', True),
        ('package.fixed_version = "3.0.8-1"', True),
        ("package.version < package.fixed_version", True),
        ('package.name = "openssl"', True),
        ('package.purl LIKE "pkg:deb/debian/openssl@*"', True),
        # IS MISSING
        ("cve.score IS MISSING", False),
        ("package.scope IS MISSING", True),
        ("package.scope is not missing", False),
    ],
)
def test_operator_and_literal(expression: str, expected: bool) -> None:
    assert compile_when(expression)(CTX) is expected


@pytest.mark.parametrize(
    "expression",
    [
        'cve.score >= 7 and cve.package = "openssl"',
        'cve.score >= 7 AnD cve.package = "openssl"',
        'not cve.score < 7 and cve.id in ["CVE-2023-0286"] or false',
        'cve.id Matches "^CVE" AND artifact.name like "pay*" AND cve.kev = TRUE',
        "package.scope Is Missing",
    ],
)
def test_keywords_are_case_insensitive(expression: str) -> None:
    assert compile_when(expression)(CTX) is True


def test_field_names_are_case_sensitive() -> None:
    from tests.policy.conftest import expression_errors

    assert expression_errors("CVE.score >= 7") == [
        "expr:1:1: unknown field CVE.score; did you mean cve.score?"
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # NOT binds tighter than AND, AND tighter than OR
        ("true OR false AND false", True),  # true OR (false AND false)
        ("(true OR false) AND false", False),
        ("NOT false AND false", False),  # (NOT false) AND false
        ("NOT (false AND false)", True),
        ("NOT true OR true", True),  # (NOT true) OR true
        ("false AND false OR true", True),
        ("NOT NOT true", True),
        ("cve.kev AND NOT cve.score > 9 OR false", True),
    ],
)
def test_precedence(expression: str, expected: bool) -> None:
    assert compile_when(expression)(CTX) is expected


UNKNOWN = make_ctx(
    score=None,
    severity=None,
    epss=None,
    kev=None,
    published=None,
    fix_available=None,
    artifact=ArtifactFacts(),
)


@pytest.mark.parametrize(
    "expression",
    [
        "cve.score >= 0",
        "cve.score <= 10",
        "cve.score = 5",
        "cve.score != 5",
        'cve.severity >= "none"',
        'cve.severity != "high"',
        'cve.severity IN ["high"]',
        'cve.severity NOT IN ["high"]',
        "cve.kev = false",
        "cve.kev != true",
        "cve.kev",
        "cve.published < 2100-01-01",
        "cve.age_days >= 0",
        'artifact.environment != "prod"',
        'artifact.environment NOT IN ["prod"]',
        'artifact.name NOT LIKE "x*"',
        'artifact.name NOT MATCHES "x"',
        'artifact.name MATCHES ""',
    ],
)
def test_every_comparison_with_a_missing_value_is_false(expression: str) -> None:
    assert compile_when(expression)(UNKNOWN) is False


def test_not_negates_the_result_and_is_missing_tests_for_missing() -> None:
    assert compile_when("NOT cve.score >= 8")(UNKNOWN) is True
    assert compile_when("cve.score IS MISSING")(UNKNOWN) is True
    assert compile_when("cve.score IS NOT MISSING")(UNKNOWN) is False
    assert compile_when('cve.severity IS MISSING OR cve.severity >= "high"')(UNKNOWN) is True


def test_list_fields_are_never_missing_an_empty_list_contains_nothing() -> None:
    assert compile_when('cve.cwe = "CWE-79"')(UNKNOWN) is False
    assert compile_when('cve.cwe != "CWE-79"')(UNKNOWN) is True
    assert compile_when("cve.cwe IS MISSING")(UNKNOWN) is False


def test_versions_that_do_not_parse_only_equal_their_text() -> None:
    ctx = with_package(CTX, ecosystem="NoSuchEcosystem", version="weird~1")
    assert compile_when('package.version = "weird~1"')(ctx) is True
    assert compile_when('package.version != "weird~2"')(ctx) is True
    assert compile_when('package.version < "9"')(ctx) is False
    assert compile_when('package.version >= "0"')(ctx) is False


def test_pep440_versions_compare_by_scheme() -> None:
    ctx = with_package(CTX, ecosystem="PyPI", name="django", version="4.2")
    assert compile_when('package.version = "4.2.0"')(ctx) is True
    assert compile_when("package.version < 4.10")(ctx) is True  # numbers are version text
    assert compile_when('package.version >= "4.2rc1"')(ctx) is True


def test_age_days_counts_from_the_context_today() -> None:
    ctx = make_ctx(published=dt.date(2026, 1, 1), today=dt.date(2026, 1, 31))
    assert compile_when("cve.age_days = 30")(ctx) is True


def test_values_report_what_the_trigger_read() -> None:
    expression = compile_when(
        'cve.severity >= "high" AND (cve.kev OR cve.epss > 0.5) AND package.version < "9" '
        'AND cve.published > 2020-01-01 AND NOT cve.cwe = "CWE-1" AND cve.severity != "low"'
    )
    assert expression(CTX)
    assert expression.values(CTX) == {
        "cve.severity": "high",
        "cve.kev": True,
        "cve.epss": 0.42,
        "package.version": "3.0.7-1",
        "cve.published": "2026-05-01",
        "cve.cwe": ["CWE-79", "CWE-89"],
    }
    assert expression.values(UNKNOWN)["cve.severity"] is None


def test_string_escapes_keep_regex_backslashes() -> None:
    assert compile_when(r'cve.id MATCHES "^CVE-\d{4}-\d+$"')(CTX)
    ctx = with_artifact(CTX, name='say "hi"')
    assert compile_when(r'artifact.name = "say \"hi\""')(ctx)
    assert compile_when(r"artifact.name = 'say \"hi\"'")(ctx)


def test_expressions_may_span_lines() -> None:
    assert compile_when('cve.score >= 7\n  AND\n  cve.package = "openssl"')(CTX)


# --- precedence and short-circuiting against Python's own boolean semantics ------------------

ATOMS = {"a": "cve.kev", "b": "package.direct", "c": "cve.fix_available"}

formulas = st.recursive(
    st.sampled_from(sorted(ATOMS)),
    lambda inner: st.one_of(
        st.builds(lambda x: f"not {x}", inner),
        st.builds(lambda x, y: f"{x} and {y}", inner, inner),
        st.builds(lambda x, y: f"{x} or {y}", inner, inner),
        st.builds(lambda x: f"({x})", inner),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(formula=formulas, a=st.booleans(), b=st.booleans(), c=st.booleans())
def test_boolean_structure_matches_python(formula: str, a: bool, b: bool, c: bool) -> None:
    """NOT > AND > OR and parentheses, as in Python's not/and/or."""
    policy_text = " ".join(
        ATOMS.get(tok, tok) for tok in formula.replace("(", "( ").replace(")", " )").split()
    )
    ctx = make_ctx(kev=a, fix_available=c)
    ctx = with_package(ctx, direct=b)
    expected = bool(eval(formula, {}, {"a": a, "b": b, "c": c}))
    assert compile_when(policy_text)(ctx) is expected
