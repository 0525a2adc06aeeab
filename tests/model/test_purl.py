"""``parse_purl`` / ``build_purl``: identity rules per ecosystem, distributions, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.errors import InputError, InvalidPurlError
from runink.model.ecosystems import ecosystem_matches, normalize_name
from runink.model.purl import PackageRef, build_purl, parse_purl


@pytest.mark.parametrize(
    ("purl", "expected"),
    [
        # PEP 503 names.
        ("pkg:pypi/Django_Foo@1.0", PackageRef("PyPI", "django-foo", "1.0")),
        ("pkg:pypi/zope.interface@6.0", PackageRef("PyPI", "zope-interface", "6.0")),
        ("pkg:PYPI/Foo__Bar@2", PackageRef("PyPI", "foo-bar", "2")),
        # Maven group:artifact.
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            PackageRef("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
        ),
        (
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar&classifier=sources",
            PackageRef("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
        ),
        # npm scopes, encoded or not.
        ("pkg:npm/%40angular/core@16.2.0", PackageRef("npm", "@angular/core", "16.2.0")),
        ("pkg:npm/@angular/core@16.2.0", PackageRef("npm", "@angular/core", "16.2.0")),
        ("pkg:npm/lodash@4.17.20", PackageRef("npm", "lodash", "4.17.20")),
        # Go module paths, case kept, major-version suffixes and the standard library.
        (
            "pkg:golang/github.com/BurntSushi/toml@v1.3.2",
            PackageRef("Go", "github.com/BurntSushi/toml", "v1.3.2"),
        ),
        ("pkg:golang/golang.org/x/net@v0.17.0", PackageRef("Go", "golang.org/x/net", "v0.17.0")),
        (
            "pkg:golang/github.com/go-chi/chi/v5@v5.0.10",
            PackageRef("Go", "github.com/go-chi/chi/v5", "v5.0.10"),
        ),
        (
            "pkg:golang/github.com/gin-gonic/gin@v1.9.1#binding",
            PackageRef("Go", "github.com/gin-gonic/gin", "v1.9.1"),
        ),
        ("pkg:golang/stdlib@1.21.0", PackageRef("Go", "stdlib", "1.21.0")),
        # Others.
        ("pkg:cargo/serde_json@1.0.108", PackageRef("crates.io", "serde_json", "1.0.108")),
        ("pkg:gem/rails@7.1.2", PackageRef("RubyGems", "rails", "7.1.2")),
        ("pkg:nuget/Newtonsoft.Json@13.0.1", PackageRef("NuGet", "newtonsoft.json", "13.0.1")),
        (
            "pkg:composer/symfony/http-kernel@6.3.0",
            PackageRef("Packagist", "symfony/http-kernel", "6.3.0"),
        ),
        ("pkg:pub/http@1.1.0", PackageRef("Pub", "http", "1.1.0")),
        ("pkg:hex/plug@1.15.2", PackageRef("Hex", "plug", "1.15.2")),
        ("pkg:github/actions/checkout@v4", PackageRef("GitHub Actions", "actions/checkout", "v4")),
        # A purl without a version parses; matching reports it as unversioned.
        ("pkg:pypi/requests", PackageRef("PyPI", "requests", None)),
    ],
)
def test_parse(purl: str, expected: PackageRef) -> None:
    assert parse_purl(purl) == expected


@pytest.mark.parametrize(
    ("purl", "ecosystem"),
    [
        ("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "Debian:12"),
        ("pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=bookworm", "Debian:12"),
        ("pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12.4", "Debian:12"),
        ("pkg:deb/debian/openssl@1.1.1n-0+deb11u5?distro=bullseye", "Debian:11"),
        ("pkg:deb/debian/openssl@1.1.1n-0+deb11u5?distro=Debian-11", "Debian:11"),
        ("pkg:deb/debian/openssl@3.1.4-2?distro=sid", "Debian:sid"),
        ("pkg:deb/debian/openssl@3.1.4-2?distro=debian-unstable", "Debian:sid"),
        ("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "Debian:8"),
        ("pkg:deb/debian/curl@7.13.2-2?distro=sarge", "Debian:3.1"),
        ("pkg:deb/debian/curl@7.13.2-2?distro=debian-3.1", "Debian:3.1"),
        ("pkg:deb/debian/curl@7.88.1-10?arch=amd64", "Debian"),
        # An unknown release name is not guessed: the component is checked against every release.
        ("pkg:deb/debian/curl@7.88.1-10?distro=debian-nonesuch", "Debian"),
        ("pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04", "Ubuntu:22.04"),
        ("pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=jammy", "Ubuntu:22.04"),
        ("pkg:deb/ubuntu/openssl@3.0.13-0ubuntu3?distro=noble", "Ubuntu:24.04"),
        ("pkg:deb/ubuntu/openssl@1.1.1f-1ubuntu2?distro=ubuntu-20.04", "Ubuntu:20.04"),
        ("pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04:LTS", "Ubuntu:22.04"),
        ("pkg:deb/ubuntu/openssl@3.3.1-2ubuntu2?distro=oracular", "Ubuntu:24.10"),
        ("pkg:deb/ubuntu/openssl@3.0.2?distro=ubuntu-nonesuch", "Ubuntu"),
        ("pkg:apk/alpine/openssl@3.3.1-r0?arch=x86_64&distro=3.20.1", "Alpine:v3.20"),
        ("pkg:apk/alpine/openssl@3.3.1-r0?distro=alpine-3.20.3", "Alpine:v3.20"),
        ("pkg:apk/alpine/openssl@3.3.1-r0?distro=v3.20", "Alpine:v3.20"),
        ("pkg:apk/alpine/busybox@1.36.1-r29?distro=alpine-3.19", "Alpine:v3.19"),
        ("pkg:apk/alpine/busybox@1.36.1-r29", "Alpine"),
        ("pkg:rpm/redhat/openssl@3.0.7-24.el9?arch=x86_64&distro=rhel-9.3", "Red Hat"),
        ("pkg:rpm/rocky/openssl@3.0.7-24.el9?distro=rocky-9.3", "Rocky Linux"),
    ],
)
def test_distribution_qualifiers_become_the_release(purl: str, ecosystem: str) -> None:
    assert parse_purl(purl).ecosystem == ecosystem


def test_distribution_package_names_are_kept() -> None:
    ref = parse_purl("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?distro=debian-12")
    assert ref == PackageRef("Debian:12", "libssl3", "3.0.11-1~deb12u2")


@pytest.mark.parametrize(
    ("ecosystem", "name", "version", "purl"),
    [
        ("PyPI", "django-foo", "1.0", "pkg:pypi/django-foo@1.0"),
        (
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
        ),
        ("npm", "@angular/core", "16.2.0", "pkg:npm/%40angular/core@16.2.0"),
        (
            "Go",
            "github.com/go-chi/chi/v5",
            "v5.0.10",
            "pkg:golang/github.com/go-chi/chi/v5@v5.0.10",
        ),
        ("Go", "stdlib", "1.21.0", "pkg:golang/stdlib@1.21.0"),
        ("crates.io", "serde_json", "1.0.108", "pkg:cargo/serde_json@1.0.108"),
        ("Debian:12", "openssl", "3.0.11-1", "pkg:deb/debian/openssl@3.0.11-1?distro=debian-12"),
        ("Debian", "openssl", "3.0.11-1", "pkg:deb/debian/openssl@3.0.11-1"),
        ("Alpine:v3.20", "zlib", "1.3.1-r1", "pkg:apk/alpine/zlib@1.3.1-r1?distro=alpine-3.20"),
        (
            "Ubuntu:22.04:LTS",
            "openssl",
            "3.0.2-0ubuntu1.10",
            "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?distro=ubuntu-22.04",
        ),
        (
            "Debian:12",
            "attr",
            "1:2.4.47-2+b1",
            "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?distro=debian-12",
        ),
        ("SomethingNew", "thing", "1", "pkg:generic/thing@1"),
        ("PyPI", "requests", None, "pkg:pypi/requests"),
    ],
)
def test_build(ecosystem: str, name: str, version: str | None, purl: str) -> None:
    assert build_purl(ecosystem, name, version) == purl


@pytest.mark.parametrize(
    ("ecosystem", "name", "version"),
    [
        ("PyPI", "Django_Foo", "1.0"),
        ("npm", "@angular/core", "16.2.0"),
        ("npm", "JSONStream", "1.3.5"),
        ("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
        ("Go", "github.com/BurntSushi/toml", "v1.3.2"),
        ("Go", "golang.org/x/net", "v0.0.0-20230101000000-abcdefabcdef"),
        ("crates.io", "serde_json", "1.0.108"),
        ("RubyGems", "rails", "7.1.2"),
        ("NuGet", "Newtonsoft.Json", "13.0.1"),
        ("Packagist", "symfony/http-kernel", "6.3.0"),
        ("Pub", "http", "1.1.0"),
        ("Hex", "plug", "1.15.2"),
        ("GitHub Actions", "Azure/setup-helm", "v3"),
        ("Debian:12", "openssl", "3.0.11-1~deb12u2"),
        ("Debian:sid", "openssl", "3.1.4-2"),
        ("Debian", "openssl", "3.0.11-1~deb12u2"),
        ("Ubuntu:22.04", "openssl", "3.0.2-0ubuntu1.10"),
        ("Alpine:v3.20", "openssl", "3.3.1-r0"),
        ("Red Hat", "openssl", "1:3.0.7-24.el9"),
    ],
)
def test_build_then_parse_round_trips(ecosystem: str, name: str, version: str) -> None:
    ref = parse_purl(build_purl(ecosystem, name, version))
    assert ref == PackageRef(ecosystem, normalize_name(ecosystem, name), version)


def test_ubuntu_lts_round_trips_to_a_matching_release() -> None:
    ref = parse_purl(build_purl("Ubuntu:22.04:LTS", "openssl", "3.0.2-0ubuntu1.10"))
    assert ref.ecosystem == "Ubuntu:22.04"
    assert ecosystem_matches(ref.ecosystem, "Ubuntu:22.04:LTS")


@pytest.mark.parametrize(
    ("ecosystem", "name"),
    [
        ("npm", "JSONStream"),
        ("npm", "@Scope/Name"),
        ("GitHub Actions", "Azure/setup-helm"),
        ("Alpine:v3.20", "py3-Foo"),
        ("Packagist", "Laravel/Framework"),
        ("Hex", "Phoenix_HTML"),
        ("PyPI", "Zope.Interface"),
    ],
)
def test_a_lockfile_name_and_a_purl_name_give_the_same_key(ecosystem: str, name: str) -> None:
    """A component read from a lockfile and the same one read from an SBOM purl must agree."""
    from_purl = parse_purl(build_purl(ecosystem, name, "1.0.0"))
    assert from_purl.name == normalize_name(ecosystem, name)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not a valid package URL"),
        ("django@1.0", "not a valid package URL"),
        ("pkg:pypi", "not a valid package URL"),
        ("pkg:maven/@1.3.4", "not a valid package URL"),
        ("pkg:maven/log4j-core@2.14.1", "a Maven purl needs a group"),
        ("pkg:unknowntype/thing@1", "no known ecosystem for purl type 'unknowntype'"),
        ("pkg:rpm/fedora/curl@7.50.3-1.fc25", "no known ecosystem for purl type 'rpm'"),
        ("pkg:deb/kali/curl@1", "namespace 'kali'"),
    ],
)
def test_invalid_purls_raise_naming_the_purl(text: str, reason: str) -> None:
    with pytest.raises(InvalidPurlError) as info:
        parse_purl(text)
    assert str(info.value).startswith(f"{text}: ")
    assert reason in str(info.value)
    assert isinstance(info.value, InputError)


_PEP503_CHARS = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
_ALNUM = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@settings(max_examples=200, deadline=None)
@given(first=_ALNUM, middle=st.text(_PEP503_CHARS, max_size=20), last=_ALNUM)
def test_any_pypi_name_round_trips_to_its_pep503_form(first: str, middle: str, last: str) -> None:
    name = first + middle + last
    ref = parse_purl(build_purl("PyPI", name, "1.0"))
    assert ref.name == normalize_name("PyPI", name)
    assert ref.name == ref.name.lower()
    assert "_" not in ref.name and "." not in ref.name and "--" not in ref.name


_PATH_SEGMENT = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in (".", ".."))


@settings(max_examples=200, deadline=None)
@given(
    host=st.sampled_from(["github.com", "golang.org/x", "gopkg.in", "example.com"]),
    parts=st.lists(_PATH_SEGMENT, min_size=1, max_size=4),
)
def test_any_go_module_path_round_trips_exactly(host: str, parts: list[str]) -> None:
    module = "/".join([host, *parts])
    assert parse_purl(build_purl("Go", module, "v1.0.0")) == PackageRef("Go", module, "v1.0.0")
