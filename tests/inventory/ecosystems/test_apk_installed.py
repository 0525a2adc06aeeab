from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.apk_installed import ApkInstalledParser

from ._util import keys, parse_fixture

P = ApkInstalledParser()


def test_claims_only_an_installed_file_that_looks_like_one() -> None:
    assert P.claims("installed", b"C:Q1abc=\nP:musl\n")
    assert P.claims("installed", b"P:musl\n")
    assert not P.claims("installed", b"# a list of things\n")
    assert not P.claims("installed.txt", b"P:musl\n")


def test_empty() -> None:
    result = parse_fixture(P, "apk_installed", "empty")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "apk_installed", "one-package")
    [busybox] = result.components
    assert (busybox.ecosystem, busybox.name, busybox.version, busybox.line) == (
        "Alpine",
        "busybox",
        "1.36.1-r15",
        1,
    )


def test_many_packages() -> None:
    result = parse_fixture(P, "apk_installed", "many-packages")
    assert keys(result) == [
        ("openssl", "3.1.4-r5"),  # libcrypto3 and libssl3 come from origin openssl
        ("musl", "1.2.4_git20230717-r4"),  # no o: line, so the package name
        ("zlib", "1.3.1-r0"),
    ]
    assert [c.line for c in result.components] == [1, 17, 30]
    assert [(s.name, s.line) for s in result.skipped] == [("no-version", 22), ("", 26)]


def test_malformed() -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "apk_installed", "malformed")
    assert info.value.line == 4
    assert "expected 'X:value'" in info.value.message
