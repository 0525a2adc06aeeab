"""The fast block-mapping reader agrees with the full YAML reader, or declines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.inventory._block_yaml import YamlMap, read_block_yaml
from runink.inventory._js_common import load_yaml, load_yaml_fully
from tests.conftest import shared_path


def _same(fast: Any, full: Any) -> bool:
    """Equal values, and equal key lines at every level."""
    if isinstance(full, YamlMap):
        return (
            isinstance(fast, YamlMap)
            and list(fast) == list(full)
            and fast.lines == full.lines
            and all(_same(fast[k], full[k]) for k in full)
        )
    return bool(fast == full)


def _agrees(data: bytes) -> bool:
    """The fast reader declines, or reads exactly what the full reader reads."""
    fast = read_block_yaml(data)
    if fast is None:
        return True
    documents = load_yaml_fully("t.yaml", data)
    return len(documents) == 1 and _same(fast, documents[0])


def _yaml_lockfiles() -> list[Path]:
    roots = [shared_path("real-lockfiles"), shared_path("lockfile-fixtures")]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.name == "yarn.lock" or p.suffix == ".yaml"]
    return sorted(found)


@pytest.mark.parametrize(
    "text",
    [
        '__metadata:\n  version: 6\n  cacheKey: 8\n\n"a@npm:^1.0.0, a@npm:^1.1":\n'
        '  version: 1.1.0\n  resolution: "a@npm:1.1.0"\n  dependencies:\n    b: ^2.0.0\n'
        '    "@s/c": "npm:1.0.0"\n  checksum: 10c0/abc\n  languageName: node\n  linkType: hard\n',
        "# comment\n\nroot:\n  child:\n    leaf: x\n  other: y\nlast:\n",
        "a: 1.10\nb: true\nc: ~\nd: null\ne: 010\n",  # plain scalars stay text
        "a: 'it''s'\nb: \"q\"\nc: x#y\nd: u:v\ne: a b  \n",
        "a:\n  b:\n    c: d\n  e: f\ng: h\n",
        "a:\nb:\n  c:\n",
        "dup: 1\ndup: 2\n",
        "\ufeffa: b\n".encode().decode(),
    ],
)
def test_reads_the_subset_like_the_full_reader(text: str) -> None:
    data = text.encode()
    fast = read_block_yaml(data)
    assert fast is not None
    assert _same(fast, load_yaml_fully("t.yaml", data)[0])


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  - b\n",  # sequence
        "a: [b, c]\n",  # flow
        "a: {b: c}\n",
        "a: |\n  text\n",  # block scalar
        "a: &x b\nc: *x\n",  # anchors
        "a: !!str b\n",  # tag
        'a: "with \\" escape"\n',
        "a: b # comment\n",
        "a: b\n  continued\n",  # multi-line plain scalar
        "a:\n    b: c\n  d: e\n",  # misaligned dedent
        "a: b: c\n",
        "---\na: b\n",
        "a:\tb\n",
        "a: b\r\n",
        "   \n# only comments\n",
        "- a\n",
        "? a\n: b\n",
        '"a"b: c\n',
        "a: b\n  c: d\n",  # a mapping under a scalar
    ],
)
def test_declines_what_is_outside_the_subset(text: str) -> None:
    assert read_block_yaml(text.encode()) is None


def test_every_real_yaml_lockfile_reads_the_same_or_falls_back() -> None:
    files = _yaml_lockfiles()
    if not files:
        pytest.skip("shared lockfiles not present (../shared/data)")
    read_fast = 0
    for path in files:
        data = path.read_bytes()
        fast = read_block_yaml(data)
        if fast is None:
            continue
        read_fast += 1
        assert _same(fast, load_yaml_fully(str(path), data)[0]), path
    # The large yarn berry lockfiles are in the subset: that is the point of the reader.
    jupyterlab = shared_path("real-lockfiles", "jupyterlab", "yarn.lock")
    if jupyterlab.is_file():
        assert read_block_yaml(jupyterlab.read_bytes()) is not None
    assert read_fast > 0


_KEY = st.sampled_from(["a", "b", '"q k"', "'s k'", "x:y", "-", "k #", "@s/p", "v", "1"])
_VALUE = st.sampled_from(
    ["", "x", "1.0", '"q v"', "'s v'", "a#b", "a #b", "[1]", "{}", "*x", "a: b", "'it''s'", "~"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3), _KEY, _VALUE), min_size=1, max_size=12
    )
)
def test_never_disagrees_with_the_full_reader(lines: list[tuple[int, str, str]]) -> None:
    text = "".join(
        f"{'  ' * depth}{key}:{' ' + value if value else ''}\n" for depth, key, value in lines
    )
    data = text.encode()
    try:
        load_yaml_fully("t.yaml", data)
    except Exception:  # noqa: BLE001 - invalid YAML: the fast reader must decline it
        assert read_block_yaml(data) is None
        return
    assert _agrees(data)


def test_load_yaml_takes_the_fast_path_and_keeps_the_result() -> None:
    data = b'"a@npm:1":\n  version: 1.0.0\n  dependencies:\n    b: ^2\n'
    assert read_block_yaml(data) is not None
    assert _same(load_yaml("t.yaml", data)[0], load_yaml_fully("t.yaml", data)[0])
    outside = b"a:\n  - b\n"
    assert load_yaml("t.yaml", outside) == load_yaml_fully("t.yaml", outside) == [{"a": ["b"]}]
