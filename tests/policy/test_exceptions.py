"""Exceptions: scope (alias, purl pattern, artifact glob, environment), expiry, review cadence,
suppression during evaluation, unused reporting and validation errors."""

from __future__ import annotations

import datetime as dt

import pytest

from runink.errors import PolicyError
from runink.policy import (
    CoverageStatus,
    PackageFacts,
    evaluate,
    exception_covers,
    load_policy_file,
    unused_exceptions,
)
from runink.policy.exceptions import PolicyException, parse_cadence
from tests.policy.conftest import TODAY, PolicyWriter, make_ctx, with_artifact

TRIGGERS = """\
triggers:
  - name: high
    when: cve.severity >= "high"
    then: [{action: block_deploy, policy: "no high vulnerabilities"}]
"""


def exceptions_of(write_policy: PolicyWriter, body: str) -> tuple[PolicyException, ...]:
    return load_policy_file(write_policy(TRIGGERS + "exceptions:\n" + body)).exceptions


def entry(scope: str, expires: str = "2099-01-01") -> str:
    return f"  - {{{scope}, reason: r, approved_by: a@org.com, expires: {expires}}}\n"


DJANGO = PackageFacts(
    name="django", version="4.2.1", ecosystem="PyPI", purl="pkg:pypi/django@4.2.1"
)
BABEL = PackageFacts(
    name="@babel/core", version="7.22.0", ecosystem="npm", purl="pkg:npm/%40babel/core@7.22.0"
)


@pytest.mark.parametrize(
    ("scope", "ctx", "covered"),
    [
        ("vulnerability: CVE-2023-0286", make_ctx(), True),
        ("vulnerability: debian-cve-2023-0286", make_ctx(), True),  # any alias, any case
        ("vulnerability: CVE-2024-1", make_ctx(), False),
        ('package: "pkg:pypi/django"', make_ctx(package=DJANGO), True),
        ('package: "pkg:pypi/Django"', make_ctx(package=DJANGO), True),  # PEP 503 names
        ('package: "pkg:pypi/django@4.2.1"', make_ctx(package=DJANGO), True),
        ('package: "pkg:pypi/django@4.2.1.0"', make_ctx(package=DJANGO), True),  # PEP 440 equal
        ('package: "pkg:pypi/django@4.2.2"', make_ctx(package=DJANGO), False),
        ('package: "pkg:pypi/flask"', make_ctx(package=DJANGO), False),
        ('package: "pkg:npm/django"', make_ctx(package=DJANGO), False),
        ('package: "pkg:pypi/django@4.*"', make_ctx(package=DJANGO), True),
        ('package: "pkg:pypi/django@5.*"', make_ctx(package=DJANGO), False),
        ('package: "pkg:pypi/dj*"', make_ctx(package=DJANGO), True),
        ('package: "pkg:npm/@babel/*"', make_ctx(package=BABEL), True),
        ('package: "pkg:npm/%40babel/core@7.22.0"', make_ctx(package=BABEL), True),
        ('package: "pkg:deb/debian/openssl"', make_ctx(), True),  # any Debian release
        ('package: "pkg:deb/debian/openssl?distro=debian-11"', make_ctx(), False),
        ('package: "pkg:deb/debian/openssl?distro=debian-12"', make_ctx(), True),
        ("vulnerability: CVE-2023-0286, artifact: payments-*", make_ctx(), True),
        ("vulnerability: CVE-2023-0286, artifact: billing-*", make_ctx(), False),
        ("vulnerability: CVE-2023-0286, environment: PROD", make_ctx(), True),
        ("vulnerability: CVE-2023-0286, environment: [staging, dev]", make_ctx(), False),
        (
            "vulnerability: CVE-2023-0286, environment: prod",
            with_artifact(make_ctx(), environment=None),
            False,
        ),
        (
            'vulnerability: CVE-2023-0286, package: "pkg:deb/debian/openssl", '
            "artifact: payments-api, environment: prod",
            make_ctx(),
            True,
        ),
    ],
)
def test_scope(write_policy: PolicyWriter, scope: str, ctx: object, covered: bool) -> None:
    (exc,) = exceptions_of(write_policy, entry(scope))
    coverage = exception_covers(exc, ctx, TODAY)  # type: ignore[arg-type]
    assert coverage.covers is covered
    assert coverage.suppresses is covered


def test_expiry_is_inclusive_of_the_last_day(write_policy: PolicyWriter) -> None:
    (exc,) = exceptions_of(write_policy, entry("vulnerability: CVE-2023-0286", "2026-06-01"))
    ctx = make_ctx()
    assert exception_covers(exc, ctx, dt.date(2026, 6, 1)).status is CoverageStatus.ACTIVE
    after = exception_covers(exc, ctx, dt.date(2026, 6, 2))
    assert after.status is CoverageStatus.EXPIRED and after.covers and not after.suppresses
    other = make_ctx(id="CVE-2000-1", aliases=())
    assert exception_covers(exc, other, TODAY).status is CoverageStatus.NOT_COVERED


def test_evaluation_suppresses_reports_expired_and_unused(write_policy: PolicyWriter) -> None:
    body = (
        entry("name: accepted, vulnerability: CVE-2023-0286")
        + entry("name: lapsed, vulnerability: CVE-2024-0001", "2026-01-01")
        + entry("name: stale, vulnerability: CVE-1999-0001")
    )
    policy = load_policy_file(write_policy(TRIGGERS + "exceptions:\n" + body))
    from runink.policy import Policy

    merged = Policy(policy.artifact, policy.triggers, policy.exceptions)
    covered = make_ctx()
    lapsed = make_ctx(id="CVE-2024-0001", aliases=("GHSA-aaaa-bbbb-cccc",))
    plain = make_ctx(id="CVE-2024-0002", aliases=())
    result = evaluate(merged, [covered, lapsed, plain])
    first, second, third = result.outcomes
    assert first.fired == () and first.suppressed_by is not None
    assert first.suppressed_by.name == "accepted"
    assert [f.trigger.name for f in first.suppressed] == ["high"]  # what would have fired
    assert [f.trigger.name for f in second.fired] == ["high"]
    assert [e.name for e in second.expired] == ["lapsed"] and second.suppressed_by is None
    assert [f.trigger.name for f in third.fired] == ["high"] and third.coverages == ()
    assert [e.name for e in result.unused_exceptions] == ["stale"]
    assert result.block_reasons == ("no high vulnerabilities",)
    assert unused_exceptions(merged.exceptions, [merged.exceptions[0]]) == merged.exceptions[1:]


def test_a_suppressed_finding_that_nothing_would_fire_on_still_uses_the_exception(
    write_policy: PolicyWriter,
) -> None:
    from runink.policy import Policy

    document = load_policy_file(
        write_policy(TRIGGERS + "exceptions:\n" + entry("vulnerability: CVE-2023-0286"))
    )
    low = make_ctx(severity=None, score=None)
    result = evaluate(Policy(None, document.triggers, document.exceptions), [low])
    assert result.outcomes[0].suppressed == () and result.unused_exceptions == ()


def test_package_only_exception_applies_to_every_vulnerability_of_the_package(
    write_policy: PolicyWriter,
) -> None:
    from runink.policy import Policy

    document = load_policy_file(
        write_policy(TRIGGERS + "exceptions:\n" + entry('package: "pkg:pypi/django"'))
    )
    policy = Policy(None, document.triggers, document.exceptions)
    django = make_ctx(package=DJANGO, id="CVE-2024-1", aliases=())
    also_django = make_ctx(package=DJANGO, id="CVE-2024-2", aliases=())
    result = evaluate(policy, [django, also_django, make_ctx()])
    assert [o.suppressed_by is not None for o in result.outcomes] == [True, True, False]


def test_review_cadence(write_policy: PolicyWriter) -> None:
    (exc,) = exceptions_of(
        write_policy,
        "  - {vulnerability: CVE-2023-0286, reason: r, approved_by: a@org.com,\n"
        "     expires: 2099-01-01, created: 2026-01-01, review_every: 90d}\n",
    )
    assert exc.next_review() == dt.date(2026, 4, 1)
    assert exception_covers(exc, make_ctx(), TODAY).review_overdue
    assert not exception_covers(exc, make_ctx(), dt.date(2026, 3, 1)).review_overdue


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("30d", 30),
        ("2w", 14),
        ("3 months", 90),
        ("1y", 365),
        ("quarterly", 91),
        ("0d", None),
        ("soon", None),
    ],
)
def test_parse_cadence(text: str, days: int | None) -> None:
    assert parse_cadence(text) == days


def test_generated_names_come_from_the_scope(write_policy: PolicyWriter) -> None:
    exceptions = exceptions_of(
        write_policy,
        entry(
            'vulnerability: CVE-1, package: "pkg:pypi/django", artifact: "api-*", environment: prod'
        )
        + entry("vulnerability: CVE-2"),
    )
    assert [e.name for e in exceptions] == ["CVE-1 pkg:pypi/django in api-* [prod]", "CVE-2"]


def test_exception_validation_errors(write_policy: PolicyWriter) -> None:
    body = """\
  - vulnerability: CVE-1
    resaon: typo
  - reason: no scope
    approved_by: []
    expires: someday
  - vulnerability: CVE-2
    package: django
    artifact: "api-["
    reason: r
    approved_by: a@org.com
    expires: 2099-01-01
    created: 2100-01-01
    review_every: sometimes
  - {vulnerability: CVE-1, reason: r, approved_by: a@org.com, expires: 2099-01-01}
  - {vulnerability: CVE-1, reason: again, approved_by: a@org.com, expires: 2099-01-01}
"""
    path = write_policy(TRIGGERS + "exceptions:\n" + body)
    with pytest.raises(PolicyError) as info:
        load_policy_file(path)
    assert [p.describe().removeprefix(f"{path}:") for p in info.value.problems] == [
        "6:5: exceptions[0]: an exception needs 'reason'",
        "6:5: exceptions[0]: an exception needs 'approved_by'",
        "6:5: exceptions[0]: an exception needs 'expires'",
        "7:5: exceptions[0].resaon: unknown key 'resaon'; did you mean 'reason'?",
        "8:5: exceptions[1]: an exception must name a vulnerability or a package",
        "9:18: exceptions[1].approved_by: must not be an empty list",
        "10:14: exceptions[1].expires: 'someday' is not a date (YYYY-MM-DD)",
        "12:14: exceptions[2].package: 'django' is not a package URL (it starts with pkg:, e.g. pkg:pypi/django)",
        "13:15: exceptions[2].artifact: invalid glob 'api-[': '[' opens a character class that is never closed",
        "17:14: exceptions[2].created: created (2100-01-01) is after expires (2099-01-01)",
        "18:19: exceptions[2].review_every: 'sometimes' is not a review cadence (e.g. 30d, 12w, 3m, 1y, quarterly)",
        f"20:5: duplicate exception name 'CVE-1' (first defined at {path}:19:5)",
    ]
