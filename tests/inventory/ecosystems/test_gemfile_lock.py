from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.gemfile_lock import GemfileLockParser

from ._util import by_name, keys, parse_fixture

P = GemfileLockParser()


def test_claims_both_names() -> None:
    assert P.claims("Gemfile.lock", b"GEM")
    assert P.claims("gems.locked", b"GEM")
    assert not P.claims("Gemfile", b"")


def test_empty() -> None:
    result = parse_fixture(P, "gemfile_lock", "empty.lock")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "gemfile_lock", "one-package.lock")
    [rack] = result.components
    assert (rack.ecosystem, rack.name, rack.version, rack.line) == (
        "RubyGems",
        "rack",
        "3.0.9.1",
        4,
    )
    assert rack.direct is True


def test_many_packages() -> None:
    result = parse_fixture(P, "gemfile_lock", "many-packages.lock")
    assert keys(result) == [
        ("private_gem", "1.4.0"),
        ("actionpack", "7.1.3"),
        ("nokogiri", "1.16.2"),  # three platform variants, one component
        ("racc", "1.7.3"),
        ("rack", "3.0.9.1"),
        ("rack-test", "2.1.0"),
        ("rails-html-sanitizer", "1.6.0.rc2"),
        ("sorbet-static", "0.5.11262"),  # "-universal-darwin" is the platform
    ]
    comps = by_name(result)
    assert comps["nokogiri"].line == 26  # the first variant's line
    assert comps["actionpack"].direct is True
    assert comps["private_gem"].direct is True  # "private_gem!" in DEPENDENCIES
    assert comps["racc"].direct is False
    assert [(s.name, s.line) for s in result.skipped] == [("forked_gem", 6), ("billing", 12)]
    assert "git repository https://github.com/example/forked_gem.git at 0123" in (
        result.skipped[0].reason
    )
    assert "local path 'engines/billing'" in result.skipped[1].reason


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-spec.lock", 5, "malformed spec line"),
        ("malformed-section.lock", 6, "expected a section name"),
        ("malformed-no-version.lock", 4, "has no version"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "gemfile_lock", name)
    assert info.value.line == line
    assert message in info.value.message


def test_crlf_and_bom() -> None:
    data = (
        b"\xef\xbb\xbfGEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    rake (13.1.0)\r\n"
    )
    result = P.parse("Gemfile.lock", data)
    assert keys(result) == [("rake", "13.1.0")]
    assert result.components[0].line == 4
