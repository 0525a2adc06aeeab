from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.nuget_lock import NugetLockParser

from ._util import by_name, keys, parse_fixture

P = NugetLockParser()


def test_claims() -> None:
    assert P.claims("packages.lock.json", b"{")
    assert not P.claims("packages.config", b"<")
    assert not P.claims("project.assets.json", b"{")


def test_empty() -> None:
    result = parse_fixture(P, "nuget_lock", "empty.json")
    assert result.components == () and result.skipped == ()


def test_one_package() -> None:
    result = parse_fixture(P, "nuget_lock", "one-package.json")
    [newtonsoft] = result.components
    assert (newtonsoft.ecosystem, newtonsoft.name, newtonsoft.version) == (
        "NuGet",
        "newtonsoft.json",
        "13.0.3",
    )
    assert newtonsoft.line == 5 and newtonsoft.direct is True


def test_many_packages_across_frameworks() -> None:
    result = parse_fixture(P, "nuget_lock", "many-packages.json")
    assert keys(result) == [
        ("serilog", "3.1.1"),
        ("system.text.json", "8.0.0"),
        ("microsoft.extensions.logging", "8.0.0"),
        ("grpc.core", "2.46.6"),
    ]
    comps = by_name(result)
    # Transitive for net6.0 but direct for net8.0: direct, at its first line.
    assert comps["system.text.json"].direct is True
    assert comps["system.text.json"].line == 11
    assert comps["microsoft.extensions.logging"].direct is False  # CentralTransitive
    assert comps["grpc.core"].line == 45  # net8.0 entry, not the RID-specific repeat
    assert "company.shared" not in comps  # a Project reference
    assert [(s.name, s.line) for s in result.skipped] == [("broken.entry", 49)]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-json.json", 7, "not valid JSON"),
        ("malformed-no-dependencies.json", None, "dependencies: expected an object"),
        ("malformed-entry-not-object.json", None, "Newtonsoft.Json: expected an object"),
    ],
)
def test_malformed(name: str, line: int | None, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "nuget_lock", name)
    assert info.value.line == line
    assert message in info.value.message


def test_escaped_names_are_located() -> None:
    data = (
        b'{"version": 1, "dependencies": {"net8.0": {\n'
        b'"A\\u002eB": {"type": "Direct", "resolved": "1.0.0"}}}}'
    )
    [comp] = P.parse("packages.lock.json", data).components
    assert (comp.name, comp.line) == ("a.b", 2)


def test_keys_with_escaped_quotes_and_backslashes_are_located() -> None:
    data = (
        b'{"version": 1, "dependencies": {"net8.0": {\n'
        b'"Odd\\"Name": {"type": "Direct", "resolved": "1.0.0"},\n'
        b'"Back\\\\": {"type": "Transitive", "resolved": "2.0.0"}}}}'
    )
    result = P.parse("packages.lock.json", data)
    assert [(c.name, c.version, c.line) for c in result.components] == [
        ('odd"name', "1.0.0", 2),
        ("back\\", "2.0.0", 3),
    ]
