"""``Component`` keeps the behaviour of the frozen, slotted dataclass it is, with a faster
``__init__`` (parsers create one per package): the same fields, defaults, equality, hashing,
ordering of fields, ``replace``, pickling, and immutability."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from runink.model.component import Component


def test_fields_and_defaults_are_the_dataclass_fields() -> None:
    names = [f.name for f in dataclasses.fields(Component)]
    assert names == [
        "ecosystem",
        "name",
        "version",
        "source",
        "line",
        "direct",
        "scope",
        "path",
        "purl_override",
    ]
    c = Component(ecosystem="PyPI", name="a", version="1")
    assert (c.source, c.line, c.direct, c.scope, c.path, c.purl_override) == (
        "",
        None,
        None,
        None,
        (),
        None,
    )


def test_keywords_and_positions_give_the_same_component() -> None:
    by_keyword = Component(
        ecosystem="npm",
        name="@a/b",
        version="1.0.0",
        source="package-lock.json",
        line=7,
        direct=True,
        scope="dev",
        path=("x", "@a/b"),
        purl_override="pkg:npm/%40a/b@1.0.0",
    )
    by_position = Component(
        "npm",
        "@a/b",
        "1.0.0",
        "package-lock.json",
        7,
        True,
        "dev",
        ("x", "@a/b"),
        "pkg:npm/%40a/b@1.0.0",
    )
    assert by_keyword == by_position
    assert hash(by_keyword) == hash(by_position)
    assert repr(by_keyword) == (
        "Component(ecosystem='npm', name='@a/b', version='1.0.0', source='package-lock.json', "
        "line=7, direct=True, scope='dev', path=('x', '@a/b'), "
        "purl_override='pkg:npm/%40a/b@1.0.0')"
    )
    assert by_keyword != dataclasses.replace(by_keyword, line=8)


def test_components_are_immutable_and_copy_replace_and_pickle() -> None:
    c = Component(ecosystem="PyPI", name="a", version="1", line=3, path=("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.name = "b"  # type: ignore[misc]
    assert not hasattr(c, "__dict__")
    assert pickle.loads(pickle.dumps(c)) == c
    assert copy.deepcopy(c) == c
    replaced = dataclasses.replace(c, name="b")
    assert (replaced.name, replaced.line, replaced.path) == ("b", 3, ("a",))
    assert c.purl == "pkg:pypi/a@1"
    assert c.key == ("PyPI", "a", "1")
    with pytest.raises(TypeError):
        Component(ecosystem="PyPI", name="a")  # type: ignore[call-arg]
