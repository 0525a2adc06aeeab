from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.pubspec_lock import PubspecLockParser

from ._util import by_name, keys, parse_fixture

P = PubspecLockParser()


def test_claims() -> None:
    assert P.claims("pubspec.lock", b"")
    assert not P.claims("pubspec.yaml", b"")


def test_empty() -> None:
    result = parse_fixture(P, "pubspec_lock", "empty.lock")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "pubspec_lock", "one-package.lock")
    [http] = result.components
    assert (http.ecosystem, http.name, http.version, http.line) == ("Pub", "http", "0.13.6", 4)
    assert http.direct is True and http.scope == "runtime"


def test_many_packages() -> None:
    result = parse_fixture(P, "pubspec_lock", "many-packages.lock")
    assert keys(result) == [
        ("async", "2.11.0"),
        ("build_runner", "2.4.7"),
        ("collection", "1.10"),  # unquoted 1.10 stays the string "1.10"
        ("yaml", "3.1.2"),
    ]
    comps = by_name(result)
    assert (comps["async"].direct, comps["async"].scope) == (False, None)
    assert (comps["build_runner"].direct, comps["build_runner"].scope) == (True, "dev")
    assert (comps["collection"].direct, comps["collection"].scope) == (True, None)
    assert comps["yaml"].line == 54
    skipped = {s.name: s for s in result.skipped}
    assert sorted(skipped) == ["flutter", "internal_ui", "local_plugin", "patched_lib"]
    assert "flutter SDK" in skipped["flutter"].reason and skipped["flutter"].line == 26
    assert "https://pub.example.com" in skipped["internal_ui"].reason
    assert "'../local_plugin'" in skipped["local_plugin"].reason
    assert "patched_lib.git at 9f1e1b3c" in skipped["patched_lib"].reason


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-yaml.lock", 5, "not valid YAML"),
        ("malformed-no-version.lock", 2, "packages.http: missing 'version'"),
        ("malformed-packages-list.lock", 2, "packages: expected a mapping"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "pubspec_lock", name)
    assert info.value.line == line
    assert message in info.value.message


def test_text_that_is_not_a_mapping() -> None:
    with pytest.raises(ParseError, match="expected a mapping at the top level"):
        P.parse("pubspec.lock", b"just a sentence\n")
