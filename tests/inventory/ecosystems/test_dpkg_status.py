from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.dpkg_status import DpkgStatusParser

from ._util import by_name, keys, parse_fixture

P = DpkgStatusParser()


def test_claims_only_a_status_file_that_looks_like_one() -> None:
    assert P.claims("status", b"Package: bash\nStatus: install ok installed\n")
    assert not P.claims("status", b"On branch main\n")
    assert not P.claims("status.txt", b"Package: bash\n")


def test_empty() -> None:
    result = parse_fixture(P, "dpkg_status", "empty")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "dpkg_status", "one-package")
    [openssl] = result.components
    assert (openssl.ecosystem, openssl.name, openssl.version, openssl.line) == (
        "Debian",
        "openssl",
        "3.0.11-1~deb12u2",
        1,
    )
    assert openssl.scope is None and openssl.direct is None


def test_many_packages() -> None:
    result = parse_fixture(P, "dpkg_status", "many-packages")
    assert keys(result) == [
        # libssl3 (amd64 and i386) are built from the source package openssl.
        ("openssl", "3.0.11-1~deb12u2"),
        # A binNMU: the source version in "Source:" is used, not the binary's "+b1".
        ("glibc", "2.36-9+deb12u3"),
        # The binary carries its own epoch; the source version does not.
        ("util-linux", "2.38.1-5+b1"),
        ("being-configured", "2.1-3"),  # half-configured: its files are on disk
        ("going-away", "1.0-1"),  # selected for removal, still installed
        ("curl", "7.88.1-10+deb12u5"),
    ]
    comps = by_name(result)
    assert comps["openssl"].line == 1
    assert comps["glibc"].line == 17  # "hold ok installed" counts as installed
    assert comps["curl"].line == 64
    # "config-files" and "not-installed" packages have no files on disk: not components.
    assert "old-kernel" not in comps and "never-installed" not in comps
    assert [(s.name, s.line) for s in result.skipped] == [("nover", 54), ("weird", 59)]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-line", 4, "expected 'Field: value'"),
        ("malformed-continuation", 2, "continuation line outside a field"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "dpkg_status", name)
    assert info.value.line == line
    assert message in info.value.message


def test_latin1_description_does_not_fail_the_file() -> None:
    data = (
        b"Package: tzdata\nStatus: install ok installed\nVersion: 2024a-0+deb12u1\n"
        b"Description: caf\xe9\n"
    )
    assert keys(P.parse("status", data)) == [("tzdata", "2024a-0+deb12u1")]
