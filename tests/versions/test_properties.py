"""Property tests: every scheme's ordering is a consistent total order on generated versions."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.versions import InvalidVersionError, Version, compare, parse

_NUM = st.sampled_from(["0", "1", "2", "9", "10", "01", "99999999999999999999"])
_WORD = st.sampled_from(["a", "b", "rc", "alpha", "beta", "pre", "dev", "post", "Z", "x"])


def _joined(parts: st.SearchStrategy[list[str]], sep: str = ".") -> st.SearchStrategy[str]:
    return parts.map(sep.join)


def _release(max_parts: int = 4) -> st.SearchStrategy[str]:
    return _joined(st.lists(_NUM, min_size=1, max_size=max_parts))


def _idents() -> st.SearchStrategy[str]:
    return _joined(st.lists(st.one_of(_NUM, _WORD, st.just("x-y")), min_size=1, max_size=3))


def _opt(strategy: st.SearchStrategy[str], prefix: str) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy.map(lambda s: prefix + s))


def _concat(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


_SEMVER = _concat(
    st.sampled_from(["", "v", "="]), _release(4), _opt(_idents(), "-"), _opt(_idents(), "+")
)
_GO = _concat(
    st.sampled_from(["", "v"]),
    st.sampled_from(["0", "1", "2", "10"]),
    st.sampled_from(["", ".0", ".1.0", ".1.2", ".0.0-rc.1", ".2.4-0.20210101000000-abcdef123456"]),
    st.sampled_from(["", "+incompatible"]),
).filter(lambda v: "+" not in v or v.count(".") >= 2)
_PEP440 = _concat(
    st.sampled_from(["", "1!", "v"]),
    _release(4),
    st.sampled_from(["", "a1", "b2", "rc1", "c3", ".alpha", "-preview"]),
    st.sampled_from(["", ".post1", "-1", ".r2"]),
    st.sampled_from(["", ".dev0", ".dev3"]),
    st.sampled_from(["", "+local", "+ubuntu.1", "+1.a"]),
) | st.sampled_from(["0.1-bulbasaur", "2004d", "1.0-foo", "-class.-jw"])
_NUGET = _concat(_release(4), _opt(_idents(), "-"), _opt(_idents(), "+")).filter(
    lambda v: v.split("-")[0].split("+")[0].count(".") <= 3
)
_MAVEN = st.lists(
    st.one_of(
        _NUM,
        st.sampled_from(
            ["alpha", "a", "b", "m", "rc", "cr", "SNAPSHOT", "ga", "final", "sp", "jre", "x"]
        ),
    ),
    min_size=1,
    max_size=6,
).flatmap(
    lambda items: st.lists(
        st.sampled_from([".", "-", ""]), min_size=len(items) - 1, max_size=len(items) - 1
    ).map(lambda seps: items[0] + "".join(s + i for s, i in zip(seps, items[1:], strict=True)))
)
_RUBYGEMS = _concat(
    _release(3),
    _joined(st.lists(st.one_of(_NUM, _WORD), max_size=3)).map(lambda s: "." + s if s else ""),
    st.sampled_from(["", "-1", "-rc.1"]),
)
_COMPOSER = _concat(
    st.sampled_from(["", "v"]),
    _release(4),
    st.sampled_from(
        ["", "-dev", "-alpha1", "-a2", "beta3", "-RC1", ".rc2", "-patch1", "-p2", "-stable"]
    ),
) | st.sampled_from(["dev-main", "dev-foo", "1.x-dev", "2.0.x-dev"])
_TEXTY = st.text(alphabet="0123456789.-_+~^:abrpzA", min_size=1, max_size=10)
_DPKG = _TEXTY.filter(lambda v: _parses("Debian", v))
_RPM = _TEXTY.filter(lambda v: _parses("Red Hat", v))
_APK = st.one_of(
    _TEXTY,
    _concat(
        _release(4),
        st.sampled_from(["", "a", "z"]),
        st.sampled_from(["", "_alpha", "_rc1", "_p2", "_git20200101", "_pre1_p1"]),
        st.sampled_from(["", "-r0", "-r1", "-r10"]),
    ),
).filter(lambda v: v.strip() != "")


def _parses(ecosystem: str, text: str) -> bool:
    try:
        parse(ecosystem, text)
    except InvalidVersionError:
        return False
    return True


STRATEGIES: dict[str, st.SearchStrategy[str]] = {
    "PyPI": _PEP440,
    "npm": _SEMVER,
    "Pub": _SEMVER,
    "Go": _GO,
    "NuGet": _NUGET,
    "Maven": _MAVEN,
    "RubyGems": _RUBYGEMS,
    "Packagist": _COMPOSER,
    "Debian": _DPKG,
    "Red Hat": _RPM,
    "Alpine": _APK,
}


def _check_total_order(ecosystem: str, texts: list[str], seed: int) -> None:
    versions: list[Version] = [parse(ecosystem, text) for text in texts]
    for a, b in combinations(versions, 2):
        ab, ba = compare(ecosystem, a.text, b.text), compare(ecosystem, b.text, a.text)
        assert ab == -ba, (a, b)
        assert (a < b) == (ab < 0) and (a > b) == (ab > 0) and (a == b) == (ab == 0), (a, b)
        assert (a <= b) == (not a > b) and (a >= b) == (not a < b), (a, b)
        if a == b:
            assert hash(a) == hash(b), (a, b)
    ordered = sorted(versions)
    # Transitivity, checked over the whole sorted list: every earlier item is <= every later one.
    for i, low in enumerate(ordered):
        for high in ordered[i + 1 :]:
            assert low <= high, (low, high)
    shuffled = versions[:]
    random.Random(seed).shuffle(shuffled)
    assert [v.sort_key for v in sorted(shuffled)] == [v.sort_key for v in ordered]


@pytest.mark.parametrize("ecosystem", sorted(STRATEGIES))
def test_total_order(ecosystem: str) -> None:
    @settings(max_examples=150, deadline=None)
    @given(texts=st.lists(STRATEGIES[ecosystem], min_size=2, max_size=8), seed=st.integers(0, 99))
    def check(texts: list[str], seed: int) -> None:
        _check_total_order(ecosystem, texts, seed)

    check()


@settings(max_examples=100, deadline=None)
@given(text=_GO)
def test_go_with_and_without_v_are_the_same_version(text: str) -> None:
    bare = text.removeprefix("v")
    assert parse("Go", "v" + bare) == parse("Go", bare)


@settings(max_examples=100, deadline=None)
@given(text=_SEMVER, build=st.sampled_from(["", "+a", "+b.1", "+0"]))
def test_build_metadata_is_ignored_except_for_pub(text: str, build: str) -> None:
    base = text.split("+")[0]
    assert parse("npm", base + build) == parse("npm", base)
    if build:
        assert parse("Pub", base) < parse("Pub", base + build)


@settings(max_examples=100, deadline=None)
@given(text=_release(4), zeros=st.integers(0, 3))
def test_trailing_zeros_do_not_count(text: str, zeros: int) -> None:
    padded = text + ".0" * zeros
    for ecosystem in ("PyPI", "npm", "NuGet", "Maven", "RubyGems", "Packagist"):
        if ecosystem == "NuGet" and padded.count(".") > 3:
            continue
        assert parse(ecosystem, text) == parse(ecosystem, padded), ecosystem


@settings(max_examples=100, deadline=None)
@given(upstream=_release(3), suffix=st.sampled_from(["~rc1", "~~", "~"]))
def test_tilde_sorts_before_the_release(upstream: str, suffix: str) -> None:
    assert parse("Debian", upstream + suffix) < parse("Debian", upstream)
    assert parse("Red Hat", upstream + suffix) < parse("Red Hat", upstream)
    assert parse("Red Hat", upstream) < parse("Red Hat", upstream + "^git1")
    assert parse("Red Hat", upstream + "^git1") < parse("Red Hat", upstream + ".1")
