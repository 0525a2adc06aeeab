"""The public API: dispatch, errors, and the behaviour of Version objects."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

import runink.versions as versions_package
from runink.errors import InvalidVersionError, UnsupportedEcosystemError, VersionError
from runink.model.ecosystems import PURL_TYPE_BY_ECOSYSTEM
from runink.versions import InvalidVersionError as ReexportedInvalid
from runink.versions import UnsupportedEcosystemError as ReexportedUnsupported
from runink.versions import (
    Version,
    compare,
    is_supported,
    parse,
    scheme_for,
    supported_ecosystems,
)
from runink.versions.registry import SCHEMES

# One text per scheme that the scheme rejects (empty text is rejected everywhere, tested apart).
INVALID: dict[str, tuple[str, ...]] = {
    "PyPI": ("***", "1.0 beta"),
    "npm": ("abc", "1.2.3-", "1.2.3+", "1.2.3-be$ta", "1..2"),
    "crates.io": ("x1.0.0",),
    "Hex": ("1.0.0-",),
    "SwiftURL": ("1.0.0..1",),
    "GitHub Actions": ("main",),
    "Bitnami": ("latest",),
    "Pub": ("1.0.0+",),
    "Go": ("v01.2.3", "v1.2.3-01", "v1.2.3.4", "v1.2-pre", "vv1.2.3", "1.2.3-"),
    "Maven": ("1.0 beta", "1.0\t1"),
    "RubyGems": ("a1", "1..2", "1.0-", "1.0 a"),
    "NuGet": ("1.2.3.4.5", "v1.0.0", "1.0.0-", "1.0.0-beta..1"),
    "Packagist": ("1.2.3.#", "***", "1.0 beta"),
    "Debian": ("a:1.0", ":1.0", "1.0-", "-1", "1.0_1", "1.0-1_2"),
    "Ubuntu": ("1:",),
    "Alpine": ("1.0 r1",),
    "Wolfi": ("1 2",),
    "Chainguard": ("1\n2",),
    "Red Hat": ("1.0 -1",),
    "Rocky Linux": ("1\x002",),
    "AlmaLinux": ("1 .0",),
    "SUSE": ("1. 0",),
    "openSUSE": ("1\u20282",),
    "openEuler": ("1 1",),
    "Mageia": ("2 1",),
}


def test_errors_are_reexported_from_the_tree() -> None:
    assert ReexportedInvalid is InvalidVersionError
    assert ReexportedUnsupported is UnsupportedEcosystemError
    assert issubclass(InvalidVersionError, VersionError)
    assert issubclass(UnsupportedEcosystemError, VersionError)


def test_every_supported_ecosystem_has_invalid_examples() -> None:
    assert set(INVALID) == set(SCHEMES)


@pytest.mark.parametrize("ecosystem", sorted(SCHEMES))
@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_empty_text_is_invalid_everywhere(ecosystem: str, text: str) -> None:
    with pytest.raises(InvalidVersionError) as caught:
        parse(ecosystem, text)
    assert caught.value.ecosystem == ecosystem
    assert caught.value.version == text
    assert ecosystem in str(caught.value)


@pytest.mark.parametrize(
    ("ecosystem", "text"), [(eco, text) for eco, texts in INVALID.items() for text in texts]
)
def test_invalid_versions_name_ecosystem_and_text(ecosystem: str, text: str) -> None:
    with pytest.raises(InvalidVersionError) as caught:
        parse(ecosystem, text)
    error = caught.value
    assert error.ecosystem == ecosystem
    assert error.version == text
    assert error.reason
    assert str(error).startswith(f"invalid {ecosystem} version {text!r}")
    with pytest.raises(InvalidVersionError):
        compare(ecosystem, text, "1.0.0")
    with pytest.raises(InvalidVersionError):
        compare(ecosystem, "1.0.0", text)


@pytest.mark.parametrize("ecosystem", sorted(SCHEMES))
def test_overlong_text_is_invalid_everywhere(ecosystem: str) -> None:
    assert str(parse(ecosystem, "1.2.3-" + "a" * 250)) == "1.2.3-" + "a" * 250
    with pytest.raises(InvalidVersionError, match="longer than 256"):
        parse(ecosystem, "9" * 5000)


def test_invalid_version_keeps_the_full_ecosystem_name() -> None:
    with pytest.raises(InvalidVersionError) as caught:
        parse("Debian:12", "a:1")
    assert caught.value.ecosystem == "Debian:12"
    assert "Debian:12" in str(caught.value)


@pytest.mark.parametrize("ecosystem", ["NoSuchEco", "", "pypi", "CRAN", "Hackage", "GIT"])
def test_unsupported_ecosystem(ecosystem: str) -> None:
    assert not is_supported(ecosystem)
    with pytest.raises(UnsupportedEcosystemError) as caught:
        compare(ecosystem, "1.0", "2.0")
    assert caught.value.ecosystem == ecosystem
    with pytest.raises(UnsupportedEcosystemError):
        parse(ecosystem, "1.0")
    with pytest.raises(UnsupportedEcosystemError):
        scheme_for(ecosystem)


def test_unsupported_ecosystem_wins_over_invalid_text() -> None:
    with pytest.raises(UnsupportedEcosystemError):
        compare("NoSuchEco", "", "")


@pytest.mark.parametrize(
    ("ecosystem", "base"),
    [
        ("Debian:12", "Debian"),
        ("Alpine:v3.20", "Alpine"),
        ("Ubuntu:22.04:LTS", "Ubuntu"),
        ("Ubuntu:Pro:18.04:LTS", "Ubuntu"),
        ("Red Hat:enterprise_linux:8::appstream", "Red Hat"),
        ("Rocky Linux:9", "Rocky Linux"),
        ("PyPI", "PyPI"),
    ],
)
def test_release_suffix_is_ignored_for_dispatch(ecosystem: str, base: str) -> None:
    assert is_supported(ecosystem)
    assert scheme_for(ecosystem) is SCHEMES[base]


def test_schemes_are_shared_where_ecosystems_share_rules() -> None:
    assert scheme_for("npm") is scheme_for("crates.io") is scheme_for("Hex")
    assert scheme_for("Debian") is scheme_for("Ubuntu")
    assert scheme_for("Red Hat") is scheme_for("SUSE") is scheme_for("AlmaLinux")
    assert scheme_for("Pub") is not scheme_for("npm")
    assert scheme_for("Go").name == "go"


def test_supported_ecosystems_cover_the_model_table() -> None:
    supported = set(supported_ecosystems())
    without_scheme = set(PURL_TYPE_BY_ECOSYSTEM) - supported
    # Ecosystems the model knows but that have no version scheme yet.
    assert without_scheme == {"CRAN", "Hackage", "ConanCenter"}
    assert list(supported_ecosystems()) == sorted(supported)


def test_compare_returns_sign() -> None:
    assert compare("PyPI", "1.0", "2.0") == -1
    assert compare("PyPI", "2.0", "1.0") == 1
    assert compare("PyPI", "1.0", "1.0.0") == 0
    assert compare("Go", "v1.2.3", "1.2.3") == 0


def test_version_keeps_text_and_is_immutable() -> None:
    version = parse("PyPI", " 1.0.0 ")
    assert str(version) == " 1.0.0 "
    assert version.text == " 1.0.0 "
    assert repr(version) == "Pep440Version(' 1.0.0 ')"
    with pytest.raises(AttributeError):
        setattr(version, "_key", ())  # noqa: B010 - the point is the attribute write
    with pytest.raises(AttributeError):
        setattr(version, "anything", 1)  # noqa: B010
    with pytest.raises(AttributeError):
        del version._text
    assert copy.copy(version) is version
    assert copy.deepcopy(version) is version


@pytest.mark.parametrize(
    ("ecosystem", "a", "b"),
    [
        ("PyPI", "1.0", "1.0.0"),
        ("Maven", "1.0", "1-0"),
        ("Maven", "1", "1.0.0.ga"),
        ("npm", "1.0.0+a", "1.0.0+b"),
        ("NuGet", "1.0.0-BETA", "1.0.0-beta"),
        ("Go", "v2.0.0+incompatible", "2.0.0"),
        ("Debian", "1.0", "0:1.0-0"),
        ("Red Hat", "0:1.0-1", "1_0-1"),
        ("RubyGems", "1.0.a", "1.a"),
        ("Packagist", "v1.0", "1.0.0.0"),
        ("Alpine", "1.2-r01", "1.2-r1"),
    ],
)
def test_equal_versions_are_equal_and_hash_equal(ecosystem: str, a: str, b: str) -> None:
    va, vb = parse(ecosystem, a), parse(ecosystem, b)
    assert va == vb
    assert not va != vb  # noqa: SIM202 - checks __ne__
    assert va <= vb and va >= vb
    assert not va < vb and not va > vb
    assert hash(va) == hash(vb)
    assert len({va, vb}) == 1
    assert str(va) == a and str(vb) == b


def test_ordering_operators() -> None:
    low, high = parse("npm", "1.0.0-rc.1"), parse("npm", "1.0.0")
    assert low < high and low <= high and high > low and high >= low and low != high
    assert max([high, low]) is high
    assert sorted([high, low]) == [low, high]


def test_versions_of_different_schemes_do_not_compare() -> None:
    pypi, npm = parse("PyPI", "1.0.0"), parse("npm", "1.0.0")
    assert pypi != npm
    assert not pypi == npm  # noqa: SIM201 - checks __eq__
    with pytest.raises(TypeError):
        _ = pypi < npm
    with pytest.raises(TypeError):
        _ = pypi >= npm
    assert parse("PyPI", "1.0") != "1.0"


def test_versions_of_one_scheme_compare_across_its_ecosystems() -> None:
    assert parse("Debian:11", "1.0") < parse("Ubuntu:22.04", "1.1")


def test_versions_pickle() -> None:
    version = parse("Maven", "1.0-SNAPSHOT")
    restored = pickle.loads(pickle.dumps(version))
    assert restored == version and str(restored) == "1.0-SNAPSHOT"
    assert type(restored) is type(version)


def test_parse_is_cached_and_shares_immutable_results() -> None:
    assert parse("PyPI", "3.2.1") is parse("PyPI", "3.2.1")


def test_is_instance_of_version() -> None:
    for ecosystem in SCHEMES:
        assert isinstance(parse(ecosystem, "1.2.3"), Version)


def test_scheme_specific_properties() -> None:
    assert parse("PyPI", "0.1-bulbasaur").legacy  # type: ignore[attr-defined]
    assert not parse("PyPI", "0.1").legacy  # type: ignore[attr-defined]
    assert parse("npm", "1.0.0-rc.1").prerelease  # type: ignore[attr-defined]
    assert not parse("npm", "1.0.0+build").prerelease  # type: ignore[attr-defined]
    assert parse("Go", "v0.0.0-20210101000000-abcdef123456").prerelease  # type: ignore[attr-defined]
    assert parse("NuGet", "1.0.0-beta").prerelease  # type: ignore[attr-defined]
    assert parse("RubyGems", "1.0.a").prerelease  # type: ignore[attr-defined]
    assert not parse("RubyGems", "1.0").prerelease  # type: ignore[attr-defined]
    assert parse("Pub", "1.0.0-dev+1").prerelease  # type: ignore[attr-defined]
    assert parse("Alpine", "1.2.3-r1").valid  # type: ignore[attr-defined]
    assert not parse("Alpine", "1.2.0A").valid  # type: ignore[attr-defined]
    assert parse("Packagist", "1.0.0-patch1").stable  # type: ignore[attr-defined]
    assert not parse("Packagist", "1.0.0-RC1").stable  # type: ignore[attr-defined]


def test_legacy_pypi_versions_sort_before_pep440() -> None:
    assert parse("PyPI", "2004d") < parse("PyPI", "0.0.1.dev0")
    assert parse("PyPI", "1.0-foo") < parse("PyPI", "1.0-gar")


def test_every_scheme_module_is_registered_and_documented() -> None:
    package = Path(versions_package.__file__).parent
    modules = {p.stem for p in package.glob("*.py")} - {"__init__", "base", "registry"}
    registered = {type(scheme).__module__.rsplit(".", 1)[1] for scheme in SCHEMES.values()}
    assert registered == modules
    docs = (Path(__file__).resolve().parents[2] / "docs" / "versions.md").read_text("utf-8")
    for ecosystem in SCHEMES:
        assert ecosystem in docs, f"{ecosystem} missing from docs/versions.md"
    for module in modules:
        assert f"`{module}.py`" in docs, f"{module}.py missing from docs/versions.md"
