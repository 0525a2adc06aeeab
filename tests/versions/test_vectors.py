"""Ordering vectors: our own per-scheme files and the public ones under ../shared/data.

Every line must pass, except the explicit known deviations below, each with its reason. A
deviation that starts passing fails the test too, so the set stays as small as it can be.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.errors import InvalidVersionError
from runink.versions import compare
from tests.conftest import shared_path
from tests.versions._vectors import Vector, read_univers_json, read_vectors

OWN_DIR = Path(__file__).parent / "vectors"

# Our own files: file -> ecosystems it applies to.
OWN: dict[str, tuple[str, ...]] = {
    "pep440.txt": ("PyPI",),
    "semver.txt": ("npm", "crates.io", "Hex", "SwiftURL", "GitHub Actions"),
    "pub.txt": ("Pub",),
    "go.txt": ("Go",),
    "maven.txt": ("Maven",),
    "rubygems.txt": ("RubyGems",),
    "nuget.txt": ("NuGet",),
    "packagist.txt": ("Packagist",),
    "dpkg.txt": ("Debian", "Ubuntu:22.04:LTS"),
    "apk.txt": ("Alpine:v3.20", "Wolfi"),
    "rpm.txt": ("Red Hat", "Rocky Linux:9", "AlmaLinux", "SUSE", "openSUSE"),
}

SCALIBR = ("version-vectors", "osv-scalibr-semantic")
UNIVERS = ("version-vectors", "univers", "schema")

# Public vector files: file -> ecosystems.
SHARED_TEXT: dict[str, tuple[str, ...]] = {
    "pypi-versions.txt": ("PyPI",),
    "semver-versions.txt": ("npm", "crates.io"),
    "maven-versions.txt": ("Maven",),
    "nuget-versions.txt": ("NuGet",),
    "packagist-versions.txt": ("Packagist",),
    "rubygems-versions.txt": ("RubyGems",),
    "pub-versions.txt": ("Pub",),
    "debian-versions.txt": ("Debian",),
    "redhat-versions.txt": ("Red Hat",),
    "alpine-versions.txt": ("Alpine",),
}
SHARED_JSON: dict[str, tuple[str, ...]] = {
    "maven_version_cmp.json": ("Maven",),
    "alpine_version_cmp.json": ("Alpine",),
    "nuget_version_cmp.json": ("NuGet",),
    "deb_version_python_pkg_test.json": ("Debian",),
}

_MAVEN_38 = (
    "Maven < 3.8.7 (before MNG-7644); Maven 3.8.7 and 3.9 read a trailing '.a' as '-a', so "
    "2.0.a == 2.0.0.a == 2-a < 2-1 (checked against maven-artifact 3.8.7)"
)
_APK_3 = (
    "the apk-tools 3 result; apk-tools 2 (Alpine 3.x, implemented here) orders this invalid "
    "version the other way"
)
_APK_3_VALID = (
    "the apk-tools 3 result, where '.r1' is invalid; in apk-tools 2 (implemented here) '.r' "
    "reads as an empty number then a letter, a valid version that sorts higher"
)
_PHP_HASH = (
    "'#' is not part of any Composer version (VersionParser rejects it) and PHP's rule for it "
    "(# equals every number) is not an order: invalid here"
)

# file -> {"A op B": reason}
KNOWN_DEVIATIONS: dict[str, dict[str, str]] = {
    "maven-versions.txt": {
        "1-1 = 1-ga-1": (
            "ComparableVersion keeps 1-ga-1 as [1, [[1]]] and 1-1 as [1, [1]], so 1-ga-1 < 1-1 "
            "(Maven 3.8.7 agrees); the POM reference's prose flattens them"
        ),
        "1-1.foo-bar-1-baz-0.1 = 1-1.foo-bar1baz-.1": (
            "Maven 3.9 reads 'baz-0' as the combination 'baz0', which sorts above 'baz' then "
            "'0.1'; Maven 3.8 (no combination items) says equal"
        ),
    },
    "maven_version_cmp.json": {
        "2-1 < 2.0.a": _MAVEN_38,
        "2-1 < 2.0.0.a": _MAVEN_38,
        "2.0.a < 2.0.0.a": _MAVEN_38,
    },
    "packagist-versions.txt": {
        "1.0.0 > 1.0": (
            "raw PHP version_compare; Composer normalizes both to 1.0.0.0, so they are equal"
        ),
        "1.2.3.# = 1.2.3": _PHP_HASH,
        "1.2.3.# = 1.2.3.#": _PHP_HASH,
        "1.2.3.# = 1.2.3.1": _PHP_HASH,
        "1.2.3.#.1 > 1.2.3": _PHP_HASH,
        "1.2.3.#.p3 > 1.2.3": _PHP_HASH,
        "1.2.3.#.beta < 1.2.3": _PHP_HASH,
    },
    "alpine-versions.txt": {
        "1-r-0 < 1-r0": _APK_3,
        "1-r-1 < 1-r0": _APK_3,
        "1.2.0A < 1.2.0d": _APK_3,
        "1.2.0D < 1.2.0d": _APK_3,
        "1 > 1-ruff": _APK_3,
        "1-ruff2 = 1--ruff1": _APK_3,
        "0.r1 < 0r2": _APK_3_VALID,
        "0.8.21.r2 < 0.8.21r2": _APK_3_VALID,
    },
}


def _failures(vectors: list[Vector], ecosystem: str) -> dict[str, str]:
    failures: dict[str, str] = {}
    for vector in vectors:
        try:
            result = compare(ecosystem, vector.left, vector.right)
        except InvalidVersionError as error:
            failures[vector.text] = f"{vector}: {error}"
            continue
        if result != vector.expected:
            failures[vector.text] = f"{vector}: compare() returned {result}"
    return failures


@pytest.mark.parametrize(
    ("name", "ecosystem"),
    [(name, eco) for name, ecos in OWN.items() for eco in ecos],
)
def test_own_vectors(name: str, ecosystem: str) -> None:
    vectors = read_vectors(OWN_DIR / name)
    assert len(vectors) >= 25
    failures = _failures(vectors, ecosystem)
    assert not failures, "\n".join(failures.values())


def test_every_own_vector_file_is_used() -> None:
    assert sorted(p.name for p in OWN_DIR.glob("*.txt")) == sorted(OWN)


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "ecosystem"),
    [(name, eco) for name, ecos in SHARED_TEXT.items() for eco in ecos],
)
def test_shared_osv_scalibr_vectors(name: str, ecosystem: str) -> None:
    vectors = read_vectors(shared_path(*SCALIBR, name))
    assert vectors
    failures = _failures(vectors, ecosystem)
    known = KNOWN_DEVIATIONS.get(name, {})
    unexpected = {text: why for text, why in failures.items() if text not in known}
    assert not unexpected, "\n".join(unexpected.values())
    fixed = sorted(set(known) - set(failures))
    assert not fixed, f"known deviations that now pass; remove them: {fixed}"


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "ecosystem"),
    [(name, eco) for name, ecos in SHARED_JSON.items() for eco in ecos],
)
def test_shared_univers_vectors(name: str, ecosystem: str) -> None:
    vectors = read_univers_json(shared_path(*UNIVERS, name))
    assert vectors
    failures = _failures(vectors, ecosystem)
    known = KNOWN_DEVIATIONS.get(name, {})
    unexpected = {text: why for text, why in failures.items() if text not in known}
    assert not unexpected, "\n".join(unexpected.values())
    fixed = sorted(set(known) - set(failures))
    assert not fixed, f"known deviations that now pass; remove them: {fixed}"


def test_vector_reader_rejects_malformed_lines(tmp_path: Path) -> None:
    bad = tmp_path / "malformed-operator.txt"
    bad.write_text("1.0 <= 2.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"malformed-operator\.txt:1"):
        read_vectors(bad)
