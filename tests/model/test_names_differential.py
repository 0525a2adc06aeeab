"""``normalize_name``, the distribution release of a purl and the purl query reading, against
frozen copies of the code before their speed-up.

``normalize_name`` now looks its rule up by ecosystem (and skips PEP 503's substitution when
nothing would change), ``_distro_release`` caches what each ``distro`` text names, and
``_common_parts`` caches what each query says: each must give exactly what it gave before (a
wrong name or release hides a vulnerability). Compared over every purl in ../shared/data/sbom
(skipped when absent) and over generated names, releases and queries.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.model import ecosystems, purl
from tests.inventory.sbom._reference_spdx import purl as ref_purl
from tests.inventory.sbom.test_spdx_differential import real_purls

# --------------------------------------------------------------------------------------------
# The frozen copies


_PEP503 = re.compile(r"[-_.]+")
_CASE_INSENSITIVE = frozenset({"npm", "NuGet", "Packagist", "Hex", "GitHub Actions", "Alpine"})


def frozen_normalize_name(ecosystem: str, name: str) -> str:
    base, _, _ = ecosystem.partition(":")
    name = name.strip()
    if base == "PyPI":
        return _PEP503.sub("-", name).lower()
    if base in _CASE_INSENSITIVE:
        return name.lower()
    if base == "Maven":
        return name.replace("/", ":")
    return name


_DEBIAN_RELEASE = re.compile(r"^(\d+)(?:\.(\d+))?")


def frozen_distro_release(base: str, qualifiers: dict[str, str]) -> str | None:
    distro = (qualifiers.get("distro") or "").strip().lower()
    for prefix in purl._DISTRO_PREFIXES:
        if distro.startswith(prefix):
            distro = distro[len(prefix) :]
            break
    if not distro:
        return None
    if base == "Debian":
        if distro in purl._DEBIAN_CODENAMES:
            return purl._DEBIAN_CODENAMES[distro]
        m = _DEBIAN_RELEASE.match(distro)
        if m is None:
            return None
        if int(m.group(1)) >= 7 or m.group(2) is None:
            return m.group(1)
        return f"{m.group(1)}.{m.group(2)}"
    if base == "Ubuntu":
        m = re.match(r"(\d+\.\d+)", purl._UBUNTU_CODENAMES.get(distro, distro))
        return m.group(1) if m else None
    if base == "Alpine":
        m = re.match(r"^v?(\d+\.\d+)", distro)
        return f"v{m.group(1)}" if m else None
    return None


# Every ecosystem a name is normalized for: the bases, some with a release, and unknown ones.
ECOSYSTEMS = (
    *ecosystems.PURL_TYPE_BY_ECOSYSTEM,
    "Debian:12",
    "Ubuntu:22.04:LTS",
    "Alpine:v3.18",
    "PyPI:x",
    "npm:1",
    "Maven:central",
    "NuGet:",
    "",
    ":PyPI",
    "pypi",
    "Unknown",
)
BASES = ("Debian", "Ubuntu", "Alpine", "Red Hat", "SUSE", "Other")


def same_name(name: str) -> None:
    for ecosystem in ECOSYSTEMS:
        expected = frozen_normalize_name(ecosystem, name)
        assert ecosystems.normalize_name(ecosystem, name) == expected, (ecosystem, name)


def same_release(qualifiers: dict[str, str]) -> None:
    for base in BASES:
        expected = frozen_distro_release(base, qualifiers)
        assert ref_purl._distro_release(base, qualifiers) == expected, (base, qualifiers)
        for _ in range(2):  # computed, then cached
            assert purl._distro_release(base, qualifiers) == expected, (base, qualifiers)


# --------------------------------------------------------------------------------------------
# Real purls


def _real() -> tuple[str, ...]:
    texts = real_purls()
    if not texts:
        pytest.skip("no SBOM in ../shared/data/sbom")
    return texts


def test_real_names_and_releases() -> None:
    checked = 0
    for text in _real():
        try:
            parsed = purl.purl_from_string(text.strip())
        except ValueError:
            continue
        names = {parsed.name, f"{parsed.namespace}/{parsed.name}", f"{parsed.namespace}:x"}
        for name in names:
            same_name(name)
        same_release(parsed.qualifiers if isinstance(parsed.qualifiers, dict) else {})
        checked += 1
    assert checked > 1000


# --------------------------------------------------------------------------------------------
# Generated names, releases and queries

_NAME_CHARS = "aZ9-_.-/:@ \t"


@settings(max_examples=3000, deadline=None)
@given(st.text(_NAME_CHARS, max_size=12) | st.text(max_size=8))
def test_generated_names(name: str) -> None:
    same_name(name)


_DISTRO = st.one_of(
    st.sampled_from(
        [
            "debian-12",
            "debian-12.4",
            "debian-3.1",
            "bookworm",
            "ubuntu-22.04",
            "jammy",
            "alpine-3.18.4",
            "v3.20",
            " Debian-11 ",
            "rhel-8.9",
            "",
            "-",
        ]
    ),
    st.text("0123456789.v-abdeiunt ", max_size=12),
)


@settings(max_examples=3000, deadline=None)
@given(_DISTRO)
def test_generated_releases(distro: str) -> None:
    same_release({"distro": distro})
    same_release({"arch": distro})


def test_a_release_of_a_value_that_is_not_text_is_read_as_before() -> None:
    weird: dict[str, object] = {"distro": 12}
    with pytest.raises(AttributeError):
        frozen_distro_release("Debian", weird)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        purl._distro_release("Debian", weird)  # type: ignore[arg-type]


_QUERY_PART = st.text("ab=&+/%:._-AZ09", max_size=10)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_QUERY_PART, min_size=1, max_size=4), st.booleans())
def test_generated_queries_read_as_packageurl_reads_them(parts: list[str], twice: bool) -> None:
    """Each query is read through the cache (twice: once to fill it) as packageurl reads it,
    and every purl gets a dict of its own."""
    text = "pkg:deb/debian/a@1?" + "&".join(parts)
    for _ in range(2 if twice else 1):
        try:
            expected = purl.PackageURL.from_string(text)
        except ValueError:
            with pytest.raises(ValueError):
                purl.purl_and_canonical(text)
            return
        found, canonical = purl.purl_and_canonical(text)
        assert tuple(found) == tuple(expected), text
        assert canonical in (None, str(expected.to_string())), text


def test_purls_sharing_a_query_have_their_own_qualifiers() -> None:
    first, _ = purl.purl_and_canonical("pkg:deb/debian/a@1?arch=amd64&distro=debian-12")
    second, _ = purl.purl_and_canonical("pkg:deb/debian/b@1?arch=amd64&distro=debian-12")
    assert first.qualifiers == second.qualifiers == {"arch": "amd64", "distro": "debian-12"}
    assert first.qualifiers is not second.qualifiers
