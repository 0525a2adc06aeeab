"""``slot_init``: the fast ``__init__`` must behave exactly like the one ``@dataclass`` writes."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runink.inventory._sbom_common import CdxComponent, Entry, SpdxPackage
from runink.model._slots import slot_init
from runink.model.component import Component


def _reference(cls: type) -> type:
    """The same fields, with the ``__init__`` dataclasses itself generates."""
    return dataclasses.make_dataclass(
        f"Reference{cls.__name__}",
        [(f.name, f.type, dataclasses.field(default=f.default)) for f in dataclasses.fields(cls)],
        frozen=True,
        slots=True,
    )


@pytest.mark.parametrize("cls", [Component, Entry, CdxComponent, SpdxPackage])
def test_signature_matches_what_dataclass_writes(cls: type) -> None:
    made, reference = inspect.signature(cls), inspect.signature(_reference(cls))
    assert str(made) == str(reference)


texts = st.none() | st.text(max_size=8)


@given(
    ecosystem=st.text(max_size=5),
    name=st.text(max_size=5),
    version=st.text(max_size=5),
    rest=st.lists(texts | st.booleans() | st.integers(), max_size=6),
)
def test_component_fields_are_the_arguments(
    ecosystem: str, name: str, version: str, rest: list[object]
) -> None:
    made = Component(ecosystem, name, version, *rest)  # type: ignore[arg-type]
    reference = _reference(Component)(ecosystem, name, version, *rest)
    assert dataclasses.astuple(made) == dataclasses.astuple(reference)
    assert made == Component(ecosystem, name, version, *rest)  # type: ignore[arg-type]
    assert hash(made) == hash(Component(ecosystem, name, version, *rest))  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(made)) == made


def test_keywords_defaults_and_errors_like_dataclass() -> None:
    entry = Entry("x", version="1", subject=True)
    assert entry.purls == () and entry.own_purl is True and entry.subject is True
    assert dataclasses.replace(entry, version="2").version == "2"
    with pytest.raises(TypeError):
        Component("PyPI", "x")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Entry("x", nonsense=1)  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.name = "y"  # type: ignore[misc]


def test_refuses_shapes_it_would_get_wrong() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    with pytest.raises(TypeError, match="slots=True"):
        slot_init(NoSlots)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        a: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="plain fields"):
        slot_init(Factory)

    @dataclasses.dataclass(frozen=True, slots=True)
    class PostInit:
        a: int

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError, match="__post_init__"):
        slot_init(PostInit)

    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordOnly:
        a: int

    with pytest.raises(TypeError, match="plain fields"):
        slot_init(KeywordOnly)
