"""OSV matching semantics, case by case, through the real version schemes."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from runink.matching.index import AdvisoryIndex, AdvisoryInfo
from runink.matching.matcher import Matcher
from runink.model.advisory import Affected, Event, Range
from runink.model.component import Component
from runink.model.ecosystems import normalize_name

Events = Sequence[tuple[str, str]]


def entry(
    ecosystem: str,
    name: str,
    *ranges: Events,
    versions: Sequence[str] = (),
    range_type: str = "ECOSYSTEM",
    index: int = 0,
) -> Affected:
    return Affected(
        index=index,
        ecosystem=ecosystem,
        name=normalize_name(ecosystem, name),
        raw_name=name,
        ranges=tuple(
            Range(range_type, tuple(Event(k, v) for k, v in evs))  # type: ignore[arg-type]
            for evs in ranges
        ),
        versions=tuple(versions),
    )


def info(
    id_: str, aliases: Sequence[str] = (), score: float | None = None, **kw: object
) -> AdvisoryInfo:
    return AdvisoryInfo(
        id=id_,
        aliases=tuple(aliases),
        summary=str(kw.get("summary", "")),
        score=score,
        severity=kw.get("severity"),  # type: ignore[arg-type]
        vector=None,
        score_version=kw.get("score_version"),  # type: ignore[arg-type]
        published=None,
        modified=None,
        withdrawn=bool(kw.get("withdrawn", False)),
    )


def matcher(*advisories: tuple[AdvisoryInfo, Sequence[Affected]]) -> Matcher:
    entries = [(i.id, e) for i, es in advisories for e in es]
    return Matcher(AdvisoryIndex.build(entries, [i for i, _ in advisories]))


def ids(m: Matcher, ecosystem: str, name: str, version: str) -> list[str]:
    result = m.match(Component(ecosystem, normalize_name(ecosystem, name), version))
    return [f.id for f in result.findings]


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ("0.1", True),
        ("1.0", True),
        ("1.1.9", True),
        ("1.2", False),
        ("1.2.0", False),
        ("2.0", False),
    ],
)
def test_introduced_zero_and_fixed(version: str, affected: bool) -> None:
    m = matcher((info("A-1"), [entry("PyPI", "pkg", [("introduced", "0"), ("fixed", "1.2")])]))
    assert ids(m, "PyPI", "pkg", version) == (["A-1"] if affected else [])


@pytest.mark.parametrize(
    ("version", "affected"),
    [("0.9", False), ("1.0.0", True), ("1.4.2", True), ("1.4.3", False), ("2.0.0-rc.1", False)],
)
def test_last_affected_is_inclusive(version: str, affected: bool) -> None:
    m = matcher(
        (
            info("A-1"),
            [
                entry(
                    "npm",
                    "p",
                    [("introduced", "1.0.0"), ("last_affected", "1.4.2")],
                    range_type="SEMVER",
                )
            ],
        )
    )
    assert ids(m, "npm", "p", version) == (["A-1"] if affected else [])


def test_limit_closes_the_range_and_is_not_a_fix() -> None:
    m = matcher((info("A-1"), [entry("PyPI", "p", [("introduced", "1.0"), ("limit", "3.0")])]))
    assert ids(m, "PyPI", "p", "2.9") == ["A-1"]
    assert ids(m, "PyPI", "p", "3.0") == []
    result = m.match(Component("PyPI", "p", "2.9"))
    assert result.findings[0].fixed is None


def test_events_in_any_order_and_several_intervals() -> None:
    events = [("fixed", "2.3"), ("introduced", "2.0"), ("fixed", "1.5"), ("introduced", "0")]
    m = matcher((info("A-1"), [entry("PyPI", "p", events)]))
    got = {
        v: bool(ids(m, "PyPI", "p", v)) for v in ["1.0", "1.5", "1.9", "2.0", "2.2.9", "2.3", "9"]
    }
    assert got == {
        "1.0": True,
        "1.5": False,
        "1.9": False,
        "2.0": True,
        "2.2.9": True,
        "2.3": False,
        "9": False,
    }


def test_several_ranges_and_fixed_suggestion_is_smallest_above_installed() -> None:
    m = matcher(
        (
            info("A-1"),
            [
                entry(
                    "PyPI",
                    "django",
                    [("introduced", "3.2"), ("fixed", "3.2.20")],
                    [("introduced", "4.0"), ("fixed", "4.1.10")],
                    [("introduced", "4.2"), ("fixed", "4.2.3")],
                )
            ],
        )
    )
    for version, fixed in [("3.2.0", "3.2.20"), ("4.0.5", "4.1.10"), ("4.2", "4.2.3")]:
        (finding,) = m.match(Component("PyPI", "django", version)).findings
        assert finding.fixed == fixed
    assert ids(m, "PyPI", "django", "4.1.10") == []
    assert ids(m, "PyPI", "django", "3.1") == []


def test_open_ended_range_has_no_fix() -> None:
    m = matcher(
        (info("A-1"), [entry("crates.io", "c", [("introduced", "0.5.0")], range_type="SEMVER")])
    )
    (finding,) = m.match(Component("crates.io", "c", "9.9.9")).findings
    assert finding.fixed is None
    assert "no fix yet" in finding.reasons[0].explain()


def test_versions_list_matches_exactly_and_by_equivalence() -> None:
    m = matcher((info("A-1"), [entry("PyPI", "p", versions=["1.0", "1.1"])]))
    assert ids(m, "PyPI", "p", "1.1") == ["A-1"]
    assert ids(m, "PyPI", "p", "1.0.0") == ["A-1"]  # PEP 440: 1.0 == 1.0.0
    assert ids(m, "PyPI", "p", "1.2") == []
    (finding,) = m.match(Component("PyPI", "p", "1.0")).findings
    assert finding.reasons[0].kind == "versions-list"


def test_git_ranges_never_match_versions() -> None:
    m = matcher(
        (info("A-1"), [entry("Go", "example.com/m", [("introduced", "0")], range_type="GIT")])
    )
    assert ids(m, "Go", "example.com/m", "v1.0.0") == []


def test_withdrawn_never_matches() -> None:
    m = matcher((info("A-1", withdrawn=True), [entry("PyPI", "p", [("introduced", "0")])]))
    assert ids(m, "PyPI", "p", "1.0") == []


def test_names_are_normalized_per_ecosystem() -> None:
    m = matcher((info("A-1"), [entry("PyPI", "Zope.Interface", [("introduced", "0")])]))
    assert ids(m, "PyPI", "zope-interface", "1.0") == ["A-1"]
    m2 = matcher(
        (info("A-1"), [entry("npm", "@Scope/Pkg", [("introduced", "0")], range_type="SEMVER")])
    )
    # npm refuses names differing only by case, and purls lowercase them: compare folded.
    assert ids(m2, "npm", "@scope/pkg", "1.0.0") == ["A-1"]
    m3 = matcher(
        (
            info("A-1"),
            [entry("Go", "github.com/Foo/bar", [("introduced", "0")], range_type="SEMVER")],
        )
    )
    assert ids(m3, "Go", "github.com/foo/bar", "v1.0.0") == []  # Go module paths are exact


def test_aliases_merge_into_one_finding_listing_every_id() -> None:
    m = matcher(
        (
            info(
                "PYSEC-2023-100",
                ["CVE-2023-36053", "GHSA-jh3w-4vvf-mjgr"],
                7.5,
                score_version="3.1",
                severity="high",
            ),
            [entry("PyPI", "django", [("introduced", "0"), ("fixed", "3.2.20")])],
        ),
        (
            info("GHSA-jh3w-4vvf-mjgr", ["CVE-2023-36053"], summary="ReDoS"),
            [entry("PyPI", "Django", [("introduced", "3.2"), ("fixed", "3.2.21")])],
        ),
        (info("GHSA-other", [], 5.0), [entry("PyPI", "django", [("introduced", "0")])]),
    )
    findings = m.match(Component("PyPI", "django", "3.2.1")).findings
    assert [f.id for f in findings] == ["CVE-2023-36053", "GHSA-other"]
    merged = findings[0]
    assert merged.aliases == ("CVE-2023-36053", "GHSA-jh3w-4vvf-mjgr", "PYSEC-2023-100")
    assert merged.advisories == ("GHSA-jh3w-4vvf-mjgr", "PYSEC-2023-100")
    assert merged.summary == "ReDoS"
    assert merged.score == 7.5
    # Both sources must agree the version is fixed: the larger of their smallest fixes.
    assert merged.fixed == "3.2.21"
    assert len(merged.reasons) == 2


def test_alias_chain_merges_transitively() -> None:
    m = matcher(
        (info("A-1", ["B-1"]), [entry("PyPI", "p", [("introduced", "0")])]),
        (info("C-1", ["B-1"]), [entry("PyPI", "p", [("introduced", "0")])]),
    )
    (finding,) = m.match(Component("PyPI", "p", "1.0")).findings
    assert finding.aliases == ("A-1", "B-1", "C-1")


def test_explanation_names_entry_range_and_events() -> None:
    m = matcher(
        (
            info("GO-2022-1059"),
            [
                entry(
                    "Go",
                    "golang.org/x/text",
                    [("introduced", "0"), ("fixed", "0.3.8")],
                    range_type="SEMVER",
                )
            ],
        )
    )
    (finding,) = m.match(Component("Go", "golang.org/x/text", "v0.3.7")).findings
    assert finding.reasons[0].explain() == (
        "GO-2022-1059 affected[0] (Go): SEMVER range #0: introduced 0, fixed 0.3.8"
    )
    assert finding.fixed == "0.3.8"


def test_distribution_releases() -> None:
    m = matcher(
        (
            info("DSA-1"),
            [entry("Debian:11", "openssl", [("introduced", "0"), ("fixed", "1.1.1n-0+deb11u4")])],
        ),
        (
            info("DSA-2"),
            [entry("Debian:12", "openssl", [("introduced", "0"), ("fixed", "3.0.8-1")])],
        ),
    )
    assert ids(m, "Debian:11", "openssl", "1.1.1n-0+deb11u3") == ["DSA-1"]
    assert ids(m, "Debian:11", "openssl", "1.1.1n-0+deb11u4") == []
    assert ids(m, "Debian:12", "openssl", "1.1.1n-0+deb11u3") == ["DSA-2"]
    # No release known: checked against every release (a miss is worse than a false alarm).
    assert ids(m, "Debian", "openssl", "1.1.1n-0+deb11u3") == ["DSA-1", "DSA-2"]


def test_invalid_installed_version_is_reported_not_silent() -> None:
    m = matcher(
        (info("A-1"), [entry("PyPI", "p", [("introduced", "0")], versions=["not a version!"])])
    )
    result = m.match(Component("PyPI", "p", "not a version!"))
    assert result.problem is not None and "invalid" in result.problem
    assert [f.id for f in result.findings] == ["A-1"]  # the exact versions list still applies


def test_unsupported_ecosystem_is_reported() -> None:
    m = matcher((info("A-1"), [entry("NoSuchEco", "p", [("introduced", "0")], versions=["1"])]))
    result = m.match(Component("NoSuchEco", "p", "1"))
    assert result.problem is not None and "unsupported ecosystem" in result.problem
    assert [f.id for f in result.findings] == ["A-1"]


def test_unparseable_bounds_err_on_the_side_of_caution() -> None:
    # npm has a strict grammar, so "not-a-version!" really cannot be parsed there.
    m = matcher(
        (info("A-1"), [entry("npm", "p", [("introduced", "1.0.0"), ("fixed", "not-a-version!")])])
    )
    (finding,) = m.match(Component("npm", "p", "5.0.0")).findings
    assert "could not be parsed" in (finding.reasons[0].note or "")
    assert ids(m, "npm", "p", "0.9.0") == []
    m2 = matcher((info("A-2"), [entry("npm", "p", [("introduced", "bogus!"), ("fixed", "2.0.0")])]))
    assert ids(m2, "npm", "p", "0.1.0") == ["A-2"]
    assert ids(m2, "npm", "p", "2.0.0") == []


def test_pypi_legacy_versions_order_below_every_pep440_version() -> None:
    # PyPI accepts pre-PEP 440 version strings; they sort below every valid version, as pip
    # ordered them, so a legacy "fixed" bound closes nothing above it.
    m = matcher(
        (info("A-1"), [entry("PyPI", "p", [("introduced", "1.0"), ("fixed", "not-a-version!")])])
    )
    assert ids(m, "PyPI", "p", "5.0") == ["A-1"]
    assert ids(m, "PyPI", "p", "0.9") == []


def test_equal_introduced_and_last_affected_affects_exactly_that_version() -> None:
    m = matcher(
        (info("A-1"), [entry("PyPI", "p", [("last_affected", "1.5"), ("introduced", "1.5")])])
    )
    assert [bool(ids(m, "PyPI", "p", v)) for v in ("1.4", "1.5", "1.6")] == [False, True, False]


@pytest.mark.parametrize(
    ("ecosystem", "name", "events", "inside", "outside"),
    [
        (
            "Go",
            "github.com/a/b",
            [("introduced", "0"), ("fixed", "1.2.0")],
            "v0.0.0-20210101000000-abcdefabcdef",
            "v1.2.0",
        ),
        ("Maven", "org.x:y", [("introduced", "2.0-beta9"), ("fixed", "2.3.1")], "2.0", "2.3.1"),
        (
            "RubyGems",
            "nokogiri",
            [("introduced", "0"), ("fixed", "1.13.4")],
            "1.13.4.rc1",
            "1.13.4",
        ),
        ("npm", "lodash", [("introduced", "0"), ("fixed", "4.17.21")], "4.17.21-beta.1", "4.17.21"),
        (
            "Alpine:v3.17",
            "openssl",
            [("introduced", "0"), ("fixed", "3.0.8-r0")],
            "3.0.7-r2",
            "3.0.8-r0",
        ),
        (
            "Red Hat",
            "openssl",
            [("introduced", "0"), ("fixed", "1:3.0.7-16.el9")],
            "1:3.0.7-6.el9",
            "1:3.0.7-16.el9",
        ),
        (
            "NuGet",
            "Newtonsoft.Json",
            [("introduced", "0"), ("fixed", "13.0.1")],
            "12.0.3",
            "13.0.1",
        ),
        (
            "Packagist",
            "symfony/http-kernel",
            [("introduced", "0"), ("fixed", "5.4.20")],
            "5.4.20-RC1",
            "v5.4.20",
        ),
    ],
)
def test_ecosystem_semantics_in_ranges(
    ecosystem: str, name: str, events: Events, inside: str, outside: str
) -> None:
    m = matcher((info("A-1"), [entry(ecosystem, name, events)]))
    assert ids(m, ecosystem, name, inside) == ["A-1"]
    assert ids(m, ecosystem, name, outside) == []
