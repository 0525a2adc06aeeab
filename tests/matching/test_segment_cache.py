"""The segment cache gives exactly the findings of evaluating every entry for every version.

``Matcher.match`` computes each package's findings once per region between consecutive range
bounds; ``Matcher.match_direct`` evaluates every entry for the given version. Hypothesis draws
advisories (several ranges, events in any order, version lists, shared aliases, Debian release
variants) and versions, and the two paths must agree on everything a finding carries.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runink.matching.matcher import Matcher, MatchResult
from runink.model.component import Component
from tests.matching.test_matcher import entry, info, matcher

VERSIONS = [f"{a}.{b}.{c}" for a in range(3) for b in range(3) for c in range(3)]
version = st.sampled_from(VERSIONS)
kind = st.sampled_from(["introduced", "fixed", "last_affected", "limit"])
events = st.lists(st.tuples(kind, st.one_of(version, st.just("0"))), min_size=1, max_size=5)


def _fixed_events(evs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # OSV allows "0" only for introduced.
    return [(k, v if k == "introduced" or v != "0" else "0.0.1") for k, v in evs]


advisory = st.tuples(
    st.lists(events.map(_fixed_events), min_size=0, max_size=3),
    st.lists(version, max_size=3),
    st.sampled_from(["npm", "Debian", "Debian:11", "Debian:12"]),
)


def _summary(result: MatchResult) -> list[tuple[object, ...]]:
    return [
        (f.id, f.aliases, f.advisories, f.fixed, tuple(r.explain() for r in f.reasons))
        for f in result.findings
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    advisories=st.lists(advisory, min_size=1, max_size=5),
    probes=st.lists(
        st.tuples(st.sampled_from(["npm", "Debian:11", "Debian:12"]), version), max_size=25
    ),
    shared_alias=st.booleans(),
)
def test_cached_regions_equal_direct_evaluation(
    advisories: list[tuple[list[list[tuple[str, str]]], list[str], str]],
    probes: list[tuple[str, str]],
    shared_alias: bool,
) -> None:
    specs = []
    for n, (ranges, listed, ecosystem) in enumerate(advisories):
        aliases = ["CVE-2099-0001"] if shared_alias and n % 2 == 0 else []
        specs.append((info(f"A-{n}", aliases), [entry(ecosystem, "pkg", *ranges, versions=listed)]))
    m: Matcher = matcher(*specs)
    reference: Matcher = matcher(*specs)
    for ecosystem, ver in probes:
        component = Component(ecosystem, "pkg", ver)
        assert _summary(m.match(component)) == _summary(reference.match_direct(component))


def test_versions_between_bounds_share_a_region_but_not_their_component() -> None:
    m = matcher((info("A-1"), [entry("npm", "p", [("introduced", "1.0.0"), ("fixed", "2.0.0")])]))
    first = m.match(Component("npm", "p", "1.2.0", source="a/package-lock.json"))
    second = m.match(Component("npm", "p", "1.9.9", source="b/package-lock.json"))
    assert [f.component.version for f in first.findings] == ["1.2.0"]
    assert [f.component.source for f in second.findings] == ["b/package-lock.json"]
    assert m.match(Component("npm", "p", "2.0.0")).findings == ()
    assert [f.fixed for f in m.match(Component("npm", "p", "1.0.0")).findings] == ["2.0.0"]
