"""The SBOM parsers' fast paths against the straightforward code they stand in for.

* ``LineIndex`` (one scan per key, unrolled string pattern) against the single scan over all
  keys it replaced;
* ``_plain_component`` / ``_plain_package`` (members read without building messages) against
  ``_component`` / ``_package``, which name the member that is wrong;
* ``EdgeSet.add`` (a set of known edges) against list membership;
* ``_chain`` (paths memoized along the BFS tree) against walking to the root for each node;
* resolving entries with purls parsed once per document against parsing each time.
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory import cyclonedx_json, spdx_json
from runink.inventory._sbom_common import (
    EdgeSet,
    Entry,
    LineIndex,
    _chain,
    _decode_json_string,
    assemble,
    resolve_entry,
)

# --------------------------------------------------------------------------------------------
# Reference implementations (the code before the fast paths)


class ReferenceLineIndex:
    def __init__(self, data: bytes, keys: Iterable[str]) -> None:
        alternatives = b"|".join(re.escape(key.encode("utf-8")) for key in keys)
        pattern = re.compile(rb'"(' + alternatives + rb')"\s*:\s*"((?:[^"\\]|\\.)*)"')
        self._lines: dict[tuple[str, str], deque[int]] = {}
        self._first: dict[tuple[str, str], int] = {}
        line = 1
        pos = 0
        for match in pattern.finditer(data):
            start = match.start()
            line += data.count(b"\n", pos, start)
            pos = start
            value = _decode_json_string(match.group(2))
            if value is None:
                continue
            key = (match.group(1).decode("utf-8"), value)
            queue = self._lines.get(key)
            if queue is None:
                self._lines[key] = deque((line,))
                self._first[key] = line
            else:
                queue.append(line)

    def take(self, key: str, value: str | None) -> int | None:
        if value is None:
            return None
        pair = (key, value)
        queue = self._lines.get(pair)
        if queue:
            return queue.popleft()
        return self._first.get(pair)


class ReferenceEdgeSet:
    def __init__(self) -> None:
        self.dependencies: dict[str, list[str]] = {}
        self.containment: dict[str, list[str]] = {}
        self.scopes: dict[str, set[str]] = {}

    def add(self, kind: str, parent: str, child: str, scope: str | None = None) -> None:
        table = self.dependencies if kind == "dependency" else self.containment
        targets = table.setdefault(parent, [])
        if child not in targets:
            targets.append(child)
        if scope is not None:
            self.scopes.setdefault(child, set()).add(scope)


# --------------------------------------------------------------------------------------------
# Documents


def shared_documents(root: Path, marker: bytes) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(root.rglob("*.json")):
        data = path.read_bytes()
        if marker in data[:100_000]:
            yield path, data


@pytest.fixture(scope="module")
def cyclonedx_documents(sbom_archive: Callable[[str], Path]) -> list[tuple[Path, bytes]]:
    docs: list[tuple[Path, bytes]] = []
    for name in ("cyclonedx-bom-examples", "bom-shelter-selection"):
        docs.extend(shared_documents(sbom_archive(name), b'"bomFormat"'))
    assert len(docs) > 20
    return docs


@pytest.fixture(scope="module")
def spdx_documents(sbom_archive: Callable[[str], Path]) -> list[tuple[Path, bytes]]:
    docs: list[tuple[Path, bytes]] = []
    for name in ("spdx-examples", "bom-shelter-selection"):
        docs.extend(shared_documents(sbom_archive(name), b'"spdxVersion"'))
    assert len(docs) > 20
    return docs


def same_lines(data: bytes, keys: tuple[str, ...], asks: list[tuple[str, str | None]]) -> None:
    fast = LineIndex(data, keys)
    reference = ReferenceLineIndex(data, keys)
    for key, value in asks:
        assert fast.take(key, value) == reference.take(key, value), (key, value)


def values_of(doc: object, keys: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """Every (key, string value) pair of the keys in ``doc``, in document order, twice (so
    repeated asks go past the queues), plus a few absent ones."""
    found: list[tuple[str, str | None]] = []
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if k in keys and isinstance(v, str):
                    found.append((k, v))
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return [*found, *found, (keys[0], None), (keys[0], "absent"), ("other", "x")]


def test_line_index_on_real_documents(
    cyclonedx_documents: list[tuple[Path, bytes]], spdx_documents: list[tuple[Path, bytes]]
) -> None:
    for docs, keys in (
        (cyclonedx_documents, ("purl", "bom-ref")),
        (spdx_documents, ("SPDXID",)),
    ):
        for _, data in docs:
            doc = loaded(data)
            if doc is None:
                continue
            same_lines(data, keys, values_of(doc, keys))


_VALUE = st.text(alphabet=st.sampled_from('ab"\\/\n\té\u2028 {}[]:,'), max_size=6)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["purl", "bom-ref", "name", "purl2"]), _VALUE, st.booleans()),
        max_size=12,
    ),
    st.sampled_from(["", " ", "\n", "\n  "]),
)
def test_line_index_on_generated_documents(
    members: list[tuple[str, str, bool]], space: str
) -> None:
    # Objects of members (some nested, some values repeated), laid out with varying space.
    items = []
    for key, value, nested in members:
        member = {key: value}
        items.append({"components": [member]} if nested else member)
    text = json.dumps(
        {"components": items}, indent=1 if space else None, separators=(",", ":" + space)
    )
    data = text.encode("utf-8")
    keys = ("purl", "bom-ref")
    same_lines(data, keys, values_of(orjson.loads(data), keys))


# --------------------------------------------------------------------------------------------
# Components and packages


def outcome(read: Callable[[], object]) -> object:
    try:
        return read()
    except ParseError as exc:
        return ("error", str(exc))


_ODD_VALUES: tuple[object, ...] = (None, 7, True, 1.5, "", "  x  ", [], ["a"], {}, {"a": 1})


def mutations(obj: dict[str, object], rng: random.Random) -> Iterator[dict[str, object]]:
    """The object as it is, and copies with one member (or one nested member) changed."""
    yield obj
    keys = list(obj)
    for _ in range(4):
        copy = dict(obj)
        key = rng.choice([*keys, "purl", "name", "externalRefs", "properties"])
        copy[key] = rng.choice(_ODD_VALUES)
        yield copy
    for key in ("properties", "externalRefs"):
        listed = obj.get(key)
        if isinstance(listed, list) and listed and isinstance(listed[0], dict):
            inner = dict(listed[0])
            inner[rng.choice([*inner, "name", "value", "referenceType"])] = rng.choice(_ODD_VALUES)
            yield {**obj, key: [inner, *listed[1:]]}
            yield {**obj, key: [rng.choice(_ODD_VALUES), *listed[1:]]}


class PureLines(LineIndex):
    """Lines that depend on the pair asked only (what ``take`` gives is tested above)."""

    def __init__(self) -> None:
        pass

    def take(self, key: str, value: str | None) -> int | None:
        return None if value is None else len(key) * 1000 + len(value)


def loaded(data: bytes) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def test_plain_component_is_component(cyclonedx_documents: list[tuple[Path, bytes]]) -> None:
    rng = random.Random(7)
    checked = 0
    for _, data in cyclonedx_documents:
        doc = loaded(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("components"), list):
            continue
        for obj in doc["components"][:200]:
            if not isinstance(obj, dict):
                continue
            for variant in mutations(obj, rng):
                fast = cyclonedx_json._plain_component(variant, PureLines())
                slow = outcome(
                    functools.partial(
                        cyclonedx_json._component, "bom.json", variant, "components[0]", PureLines()
                    )
                )
                if fast is not None:
                    assert fast == slow
                checked += 1
    assert checked > 1000


def test_plain_package_is_package(spdx_documents: list[tuple[Path, bytes]]) -> None:
    rng = random.Random(11)
    checked = 0
    for _, data in spdx_documents:
        doc = loaded(data)
        if not isinstance(doc, dict) or not isinstance(doc.get("packages"), list):
            continue
        for obj in doc["packages"][:200]:
            if not isinstance(obj, dict):
                continue
            for variant in mutations(obj, rng):
                fast = spdx_json._plain_package(variant, PureLines())
                slow = outcome(
                    functools.partial(
                        spdx_json._package, "doc.spdx.json", variant, "packages[0]", PureLines()
                    )
                )
                if fast is not None:
                    assert fast == slow
                checked += 1
    assert checked > 1000


def test_documents_with_wrong_member_types() -> None:
    # The fast paths step aside; the messages name the member, as before.
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "components": [
            {"type": "library", "name": "a", "purl": "pkg:npm/a@1"},
            {"type": "library", "name": "b", "purl": 5, "version": 3},
        ],
    }
    result = cyclonedx_json.CycloneDxJsonParser().parse("bom.json", json.dumps(bom).encode())
    assert [c.name for c in result.components] == ["a"]
    bom["components"][1]["purl"] = ["pkg:npm/b@1"]  # type: ignore[index]
    with pytest.raises(ParseError, match=r"components\[1\]\.purl: expected a string"):
        cyclonedx_json.CycloneDxJsonParser().parse("bom.json", json.dumps(bom).encode())
    spdx = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "packages": [
            {"SPDXID": "SPDXRef-a", "name": "a", "externalRefs": [{"referenceType": [3]}]},
        ],
        "relationships": [{"spdxElementId": ["x"], "relationshipType": "DEPENDS_ON"}],
    }
    with pytest.raises(
        ParseError, match=r"packages\[0\]\.externalRefs\[0\]\.referenceType: expected a string"
    ):
        spdx_json.SpdxJsonParser().parse("doc.spdx.json", json.dumps(spdx).encode())
    spdx["packages"] = []
    with pytest.raises(ParseError, match=r"relationships\[0\]\.spdxElementId: expected a string"):
        spdx_json.SpdxJsonParser().parse("doc.spdx.json", json.dumps(spdx).encode())


# --------------------------------------------------------------------------------------------
# Edges, paths, purls parsed once


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["dependency", "containment"]),
            st.sampled_from("abcde"),
            st.sampled_from("abcde"),
            st.sampled_from([None, "dev", "test"]),
        ),
        max_size=40,
    )
)
def test_edge_set(edges: list[tuple[str, str, str, str | None]]) -> None:
    fast = EdgeSet()
    reference = ReferenceEdgeSet()
    for edge in edges:
        fast.add(*edge)
        reference.add(*edge)
    assert fast.dependencies == reference.dependencies
    assert [list(v) for v in fast.dependencies.values()] == [
        list(v) for v in reference.dependencies.values()
    ]
    assert list(fast.dependencies) == list(reference.dependencies)
    assert fast.containment == reference.containment
    assert list(fast.containment) == list(reference.containment)
    assert fast.scopes == reference.scopes
    assert bool(fast) == bool(reference.dependencies or reference.containment)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=60), st.randoms())
def test_chain(parents: list[int], rng: random.Random) -> None:
    # A forest: node i's parent is some node before it (or none).
    parent: dict[str, str] = {}
    for i, p in enumerate(parents):
        if i and p < i and p % 3:
            parent[f"n{i}"] = f"n{p}"
    names = {f"n{i}": f"name{i % 7}" for i in range(0, len(parents), 2)}
    chains: dict[str, tuple[str, ...]] = {}
    order = [f"n{i}" for i in range(len(parents))]
    rng.shuffle(order)
    for ref in order:
        refs = [ref]
        while refs[-1] in parent:
            refs.append(parent[refs[-1]])
        expected = tuple(names.get(r, r) for r in reversed(refs))
        assert _chain(ref, parent, names, chains) == expected


def test_purls_parsed_once_per_document() -> None:
    texts = [
        "pkg:npm/a@1",
        "pkg:npm/a@1",
        "pkg:alpine/musl@1.2",
        "pkg:alpine/musl@1.2",
        "pkg:generic/x@1",
        "pkg:generic/x@1",
        "not a purl",
        "not a purl",
        "pkg:deb/debian/libc6?distro=debian-12",
        "pkg:deb/debian/libc6?distro=debian-12",
        "pkg:golang/github.com/a/b@v3.0.0#v3",
    ]
    entries = [
        Entry(
            name=f"e{i}" if i != 10 else "github.com/a/b/v3",
            purls=(text,),
            version=f"2.{i}",
            ref=f"r{i}",
            line=i,
            kind="library" if i % 2 else None,
            own_purl=i % 3 != 0,
        )
        for i, text in enumerate(texts)
    ]
    shared: dict[str, object] = {}
    once = [resolve_entry("sbom.json", e, shared) for e in entries]  # type: ignore[arg-type]
    each = [resolve_entry("sbom.json", e) for e in entries]
    assert once == each
    assert len(shared) == len(set(texts))
    # Components and skipped entries of every kind are among them.
    kinds = {type(result).__name__ for result in once}
    assert kinds == {"Component", "Skipped"}
    assert len(assemble("sbom.json", entries).components) == 5
