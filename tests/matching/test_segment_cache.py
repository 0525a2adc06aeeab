"""The segment cache gives exactly the findings of evaluating every entry for every version.

``Matcher.match`` computes each package's findings once per region between consecutive range
bounds, and remembers them per version text; ``Matcher.match_direct`` evaluates every entry for
the given version. Hypothesis draws advisories (several ranges, events in any order, version
lists, shared aliases, Debian release variants) and versions, and the two paths must agree on
everything a finding carries, on the first visit of a version and on every later one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runink import versions
from runink.errors import InvalidVersionError
from runink.matching import matcher as matcher_module
from runink.matching.index import AdvisoryIndex
from runink.matching.matcher import Matcher, MatchResult
from runink.matching.ranges import CompiledEntry
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
    # Twice over: first visits evaluate regions, later ones reuse the memo by version text.
    for visit in range(2):
        for n, (ecosystem, ver) in enumerate(probes):
            component = Component(ecosystem, "pkg", ver, source=f"{visit}/{n}")
            got = m.match(component)
            expected = reference.match_direct(component)
            assert _summary(got) == _summary(expected)
            assert got.findings == expected.findings  # every field, the component included
            assert all(f.component is component for f in got.findings)
            assert got.component is component and got.problem is None


def test_versions_between_bounds_share_a_region_but_not_their_component() -> None:
    m = matcher((info("A-1"), [entry("npm", "p", [("introduced", "1.0.0"), ("fixed", "2.0.0")])]))
    first = m.match(Component("npm", "p", "1.2.0", source="a/package-lock.json"))
    second = m.match(Component("npm", "p", "1.9.9", source="b/package-lock.json"))
    assert [f.component.version for f in first.findings] == ["1.2.0"]
    assert [f.component.source for f in second.findings] == ["b/package-lock.json"]
    assert m.match(Component("npm", "p", "2.0.0")).findings == ()
    assert [f.fixed for f in m.match(Component("npm", "p", "1.0.0")).findings] == ["2.0.0"]


def test_same_region_shares_details_and_memo_restarts_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matcher_module, "_KNOWN_TEXTS_PER_PACKAGE", 3)
    m = matcher((info("A-1"), [entry("npm", "p", [("introduced", "1.0.0"), ("fixed", "2.0.0")])]))
    reference = matcher(
        (info("A-1"), [entry("npm", "p", [("introduced", "1.0.0"), ("fixed", "2.0.0")])])
    )
    texts = ["1.0.0", "1.2.0", "1.9.9", "0.5.0", "2.0.0", "1.2.0", "3.0.0", "1.0.0"] * 2
    inside: set[int] = set()
    for n, text in enumerate(texts):
        component = Component("npm", "p", text, line=n)
        got = m.match(component)
        assert got.findings == reference.match_direct(component).findings
        if text in ("1.2.0", "1.9.9"):
            inside.update(id(f.details) for f in got.findings)
    assert len(inside) == 1  # one region strictly inside the range: one shared details object
    assert all(len(known) <= 3 for known in m._known.values())


def test_problems_are_reported_on_every_visit() -> None:
    m = matcher(
        (info("A-1"), [entry("PyPI", "p", [("introduced", "0"), ("fixed", "2.0")])]),
        (info("A-2"), [entry("Nonexistent", "p", versions=["1.0"])]),
    )
    for _ in range(3):
        invalid = m.match(Component("PyPI", "p", "not a version!"))
        assert invalid.problem is not None and "only exact version lists" in invalid.problem
        assert invalid.findings == ()
        unsupported = m.match(Component("Nonexistent", "p", "1.0"))
        assert unsupported.problem is not None and "unsupported ecosystem" in unsupported.problem
        assert [f.id for f in unsupported.findings] == ["A-2"]
        miss = m.match(Component("PyPI", "other", "1.0"))
        assert (miss.findings, miss.problem) == ((), None)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.sampled_from([*VERSIONS, "1.0", "1", "0.0.0-rc.1", "2.2.2+build"]), max_size=30
    )
)
def test_bounds_sorted_by_key_equal_bounds_sorted_by_comparison(texts: list[str]) -> None:
    parse = versions.scheme_for("npm").parse
    keys = [parse(t) for t in texts]
    split = len(keys) // 2
    entries = [
        CompiledEntry("A-1", 0, "npm", (), frozenset(), frozenset(keys[:split]), ()),
        CompiledEntry(
            "A-2", 0, "npm", (), frozenset(), frozenset(), tuple((k, str(k)) for k in keys[split:])
        ),
    ]
    segments = matcher_module._Segments.build(entries)
    expected: list[Any] = []
    for k in sorted(keys):
        if not expected or expected[-1] < k:
            expected.append(k)
    assert segments.bounds == expected
    assert segments.keys == [b.sort_key for b in expected]


def test_versions_without_sort_keys_use_plain_comparisons() -> None:
    def parse_int(text: str) -> int:
        if not text.isdigit():
            raise InvalidVersionError("integers", text)
        return int(text)

    def factory(ecosystem_base: str) -> Callable[[str], object]:
        return parse_int

    infos = [info("A-1"), info("A-2")]
    affected = [
        ("A-1", entry("npm", "p", [("introduced", "10"), ("fixed", "20")], versions=["5"])),
        ("A-2", entry("npm", "p", [("introduced", "0"), ("last_affected", "12")])),
    ]
    m = Matcher(AdvisoryIndex.build(affected, infos, parser_factory=factory))
    reference = Matcher(AdvisoryIndex.build(affected, infos, parser_factory=factory))
    for _ in range(2):
        for n in [*range(25), 100]:
            component = Component("npm", "p", str(n))
            assert m.match(component).findings == reference.match_direct(component).findings
    assert m.match(Component("npm", "p", "5")).findings[0].id == "A-1"
    assert [f.id for f in m.match(Component("npm", "p", "12")).findings] == ["A-1", "A-2"]
