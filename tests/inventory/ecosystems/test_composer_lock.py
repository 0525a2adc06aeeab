from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.composer_lock import ComposerLockParser

from ._util import by_name, keys, parse_fixture

P = ComposerLockParser()


def test_claims() -> None:
    assert P.claims("composer.lock", b"{")
    assert not P.claims("composer.json", b"{")


def test_empty() -> None:
    result = parse_fixture(P, "composer_lock", "empty.lock")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "composer_lock", "one-package.lock")
    [monolog] = result.components
    assert (monolog.ecosystem, monolog.name, monolog.version) == (
        "Packagist",
        "monolog/monolog",
        "3.5.0",
    )
    assert monolog.line == 5 and monolog.scope == "runtime" and monolog.direct is None


def test_many_packages() -> None:
    result = parse_fixture(P, "composer_lock", "many-packages.lock")
    assert keys(result) == [
        ("symfony/http-kernel", "6.4.3"),  # "v6.4.3": the leading v is dropped
        ("symfony/console", "6.4.3"),
        ("laminas/laminas-escaper", "2.13.0"),  # names are case-insensitive
        ("acme/escaped-slash", "1.0.0"),  # written "acme\/escaped-slash"
        ("acme/legacy", "1.2.3-beta1"),
        ("phpunit/phpunit", "10.5.10"),
        ("mockery/mockery", "1.6.7"),
    ]
    comps = by_name(result)
    # An author of http-kernel is (oddly) named "symfony/console": the package entry
    # itself, on line 14, is found, not the author on line 9.
    assert comps["symfony/console"].line == 14
    assert comps["acme/escaped-slash"].line == 22
    assert comps["phpunit/phpunit"].scope == "dev" and comps["phpunit/phpunit"].line == 39
    assert comps["acme/legacy"].scope == "runtime"
    assert [(s.name, s.line) for s in result.skipped] == [
        ("roave/security-advisories", 26),
        ("acme/branch-alias", 30),
    ]
    assert all("development branch" in s.reason for s in result.skipped)


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-json.lock", 5, "not valid JSON"),
        ("malformed-no-version.lock", 8, "packages[1] (psr/log): missing 'version'"),
        ("malformed-packages-not-array.lock", None, "packages: expected an array"),
        ("malformed-zero-bytes.lock", 1, "not valid JSON"),
    ],
)
def test_malformed(name: str, line: int | None, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "composer_lock", name)
    assert info.value.line == line
    assert message in info.value.message


@pytest.mark.parametrize("doc", [b"null", b"[]", b'"text"', b"3"])
def test_top_level_must_be_object(doc: bytes) -> None:
    with pytest.raises(ParseError, match="JSON object"):
        P.parse("composer.lock", doc)
