from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.mix_lock import MixLockParser

from ._util import by_name, keys, parse_fixture

P = MixLockParser()


def test_claims() -> None:
    assert P.claims("mix.lock", b"%{")
    assert not P.claims("mix.exs", b"")


def test_empty() -> None:
    result = parse_fixture(P, "mix_lock", "empty.lock")
    assert result.components == () and result.skipped == ()
    assert P.parse("mix.lock", b"%{\n}\n").components == ()


def test_one_package() -> None:
    result = parse_fixture(P, "mix_lock", "one-package.lock")
    [jason] = result.components
    assert (jason.ecosystem, jason.name, jason.version, jason.line) == ("Hex", "jason", "1.4.1", 2)
    assert jason.direct is None


def test_many_packages() -> None:
    result = parse_fixture(P, "mix_lock", "many-packages.lock")
    assert keys(result) == [
        ("cowboy", "2.10.0"),
        ("cowlib", "2.12.1"),
        ("old_style", "0.1.0"),  # the three-element tuple of old Mix versions
        ("seven", "1.0.0"),  # without the outer checksum
        ("hex-package.name", "3.0.0"),  # named by the tuple's package, not the map key
        ("arrow_key", "0.2.0"),  # "key" => value syntax
        ("ranch", "1.8.0"),
    ]
    assert by_name(result)["ranch"].line == 11
    assert [(s.name, s.line) for s in result.skipped] == [
        ("secret_sauce", 8),
        ("phoenix_live_view", 9),
    ]
    assert "hexpm:acme" in result.skipped[0].reason
    assert "git dependency" in result.skipped[1].reason


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-unclosed.lock", 3, "unexpected end of file"),
        ("malformed-bad-tuple.lock", 3, "plug: expected {:hex"),
        ("malformed-not-a-map.lock", 1, "expected '%{'"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "mix_lock", name)
    assert info.value.line == line
    assert message in info.value.message


def test_nesting_is_bounded() -> None:
    data = b'%{"a": ' + b"[" * 200 + b"]" * 200 + b"}"
    with pytest.raises(ParseError, match="nested deeper"):
        P.parse("mix.lock", data)


def test_trailing_text_is_rejected() -> None:
    with pytest.raises(ParseError, match="after the map") as info:
        P.parse("mix.lock", b'%{\n"a": {:hex, :a, "1.0.0"}\n}\n%{}\n')
    assert info.value.line == 4


def test_unusual_keys_do_not_crash() -> None:
    result = P.parse("mix.lock", b'%{{[1]} => {:hex, :a, "1.0.0"}, %{} => {:git, "u", "r", []}}')
    assert keys(result) == [("a", "1.0.0")]
    assert [s.reason for s in result.skipped] == ["git dependency (u at r); not a hex.pm release"]
