"""``assemble`` against a frozen copy of the code before its speed-up.

``_reference_assemble`` holds ``assemble`` and everything it calls as they were (reading purls
with the frozen purl module of ``_reference_spdx``). Every SBOM and scanner parser ends in
``assemble``: a change that drops a package, gets a version or a path wrong, or merges
duplicates differently hides a vulnerability or misplaces it. Both sides are fed the same
``Entry`` lists and ``Graph``: those the parsers' reading steps produce for every real document
in ../shared/data/sbom (and Syft's output over the real lockfiles, when the benchmark has made
it), and generated ones (graphs with cycles, self-loops, duplicates, unreachable nodes,
containment and dependency edges, roots missing). The whole ``ParseResult`` is compared, every
field of every component and skipped entry, and its ``repr`` (``True`` is not ``1``).
"""

from __future__ import annotations

import functools
import sys
import tarfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory import _sbom_common
from runink.inventory._sbom_common import Entry, Graph
from runink.inventory.discovery import HEAD_BYTES, pick_parser
from runink.inventory.registry import all_parsers
from runink.model.component import Skipped
from tests.conftest import REPO_ROOT, SHARED_DATA
from tests.inventory.sbom import _reference_assemble as ref

#: (path, entries, graph, metadata, extra_skipped): what a parser hands to ``assemble``.
Call = tuple[str, list[Entry], Graph | None, Mapping[str, str] | None, tuple[Skipped, ...]]

SYFT_OUTPUT = REPO_ROOT / "bench" / ".cache" / "syft" / "real-lockfiles.syft-1.18.1.json"


def same(call: Call) -> None:
    path, entries, graph, metadata, extra = call
    new = _sbom_common.assemble(path, entries, graph=graph, metadata=metadata, extra_skipped=extra)
    old = ref.assemble(path, entries, graph=graph, metadata=metadata, extra_skipped=extra)
    assert new == old, path
    assert repr(new) == repr(old), path


# --------------------------------------------------------------------------------------------
# Real documents


def _documents() -> list[tuple[str, bytes]]:
    """(name, bytes) of every file in ../shared/data/sbom (archives read in memory)."""
    root = SHARED_DATA / "sbom"
    files: list[tuple[str, bytes]] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as tar:
                for member in tar.getmembers():
                    handle = tar.extractfile(member) if member.isfile() else None
                    if handle is not None:
                        files.append((f"{path.name}/{member.name}", handle.read()))
        else:
            files.append((path.relative_to(root).as_posix(), path.read_bytes()))
    if SYFT_OUTPUT.is_file():
        files.append((SYFT_OUTPUT.name, SYFT_OUTPUT.read_bytes()))
    return files


@functools.cache
def real_calls() -> tuple[Call, ...]:
    """What the parsers hand to ``assemble`` for every real document one of them claims: each
    module that imported ``assemble`` is given a recording stand-in while the parsers run."""
    if not (SHARED_DATA / "sbom").is_dir():
        return ()
    calls: list[Call] = []
    original = _sbom_common.assemble

    def record(
        path: str,
        entries: Sequence[Entry],
        *,
        graph: Graph | None = None,
        metadata: Mapping[str, str] | None = None,
        extra_skipped: Sequence[Skipped] = (),
    ) -> Any:
        calls.append((path, list(entries), graph, metadata, tuple(extra_skipped)))
        return original(path, entries, graph=graph, metadata=metadata, extra_skipped=extra_skipped)

    parsers = all_parsers()
    modules = [m for m in list(sys.modules.values()) if getattr(m, "assemble", None) is original]
    for module in modules:
        module.assemble = record  # type: ignore[attr-defined]
    try:
        for name, data in _documents():
            parser = pick_parser(parsers, Path(name), data[:HEAD_BYTES])
            if parser is None:
                continue
            try:
                parser.parse(name, data)
            except ParseError:
                continue
    finally:
        for module in modules:
            module.assemble = original  # type: ignore[attr-defined]
    return tuple(calls)


def test_real_documents() -> None:
    calls = real_calls()
    if not calls:
        pytest.skip(f"shared test data not present at {SHARED_DATA} (set RUNINK_SHARED_DATA)")
    assert len(calls) > 50
    assert sum(call[2] is not None for call in calls) > 20  # documents with a graph
    for call in calls:
        same(call)


# --------------------------------------------------------------------------------------------
# Generated entries and graphs

_PURLS = (
    "pkg:pypi/Django_Foo@1.0",
    "pkg:pypi/requests",  # no version: the document's version field decides
    "pkg:npm/%40babel/core@7.0.0",
    "pkg:npm/%40Babel/Core@7.0.0",
    "pkg:npm/%40a/b/c@1",
    "pkg:npm/@angular/core@16.2.0",
    "pkg:npm/foo+bar@1.0.0+build.5",
    "pkg:npm/lodash@4.17.21",
    "pkg:npm/lodash@4.17.21?vcs_url=git+https://x/y",
    "pkg:golang/github.com/a/b@v3.4.0#v3",
    "pkg:golang/stdlib@go1.21.0",
    "pkg:golang/example.com/tool@(devel)",
    "pkg:golang/github.com/docker/cli@v20.10.11+incompatible?type=module",
    "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12",
    "pkg:deb/debian/bsdutils@1:2.36.1-8+deb11u1?arch=amd64&upstream=util-linux%402.36.1-8"
    "&distro=debian-11",
    "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1?distro=ubuntu-22.04&source=glibc",
    "pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=1&arch=x86_64",
    "pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=0",
    "pkg:apk/alpine/musl@1.2.4-r2?distro=3.18.4&origin=musl",
    "pkg:alpine/busybox@1.36.1-r2",
    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
    "pkg:maven/log4j-core@2.14.1",  # no group: no Maven name
    "pkg:generic/openssl@1.1.1",
    "pkg:oci/debian@sha256%3Aabcd",
    "pkg:cargo/serde@1.0.0",
    "pkg:hex/phoenix@1.7.0",
    "not a purl",
    "pkg:",
    "  ",
    "",
)
_REFS = tuple(f"r{i}" for i in range(10))
_NAMES = ("a", "b", "Django_Foo", "github.com/a/b/v3", "openssl", "lodash", "x y")
_SCOPES = ("runtime", "dev", "test", "optional", "build", "excluded", "other")

_entry = st.builds(
    Entry,
    name=st.sampled_from(_NAMES),
    purls=st.lists(st.sampled_from(_PURLS), max_size=3).map(tuple),
    version=st.sampled_from((None, "", " 2.0 ", "1.0")),
    ref=st.none() | st.sampled_from(_REFS),
    line=st.none() | st.integers(1, 50),
    kind=st.sampled_from((None, "library", "file", "operating-system")),
    scope=st.none() | st.sampled_from(_SCOPES),
    direct=st.sampled_from((None, True, False)),
    path=st.sampled_from(((), ("root", "a"), ("root",))),
    source_name=st.sampled_from((None, "openssl", "glibc")),
    source_version=st.sampled_from((None, "3.0.11-1")),
    has_cpe=st.booleans(),
    own_purl=st.booleans(),
    subject=st.booleans(),
)
_node = st.sampled_from((*_REFS, "root", "other-root", "label-only"))
_edges = st.dictionaries(_node, st.lists(_node, max_size=5), max_size=8)
_graph = st.builds(
    Graph,
    edges=_edges,
    roots=st.lists(_node, max_size=3),
    containment=_edges,
    labels=st.dictionaries(_node, st.sampled_from(_NAMES), max_size=3),
)
_skipped = st.builds(Skipped, st.sampled_from(_NAMES), st.sampled_from(("r1", "r2")))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(_entry, max_size=14),
    graph=st.none() | _graph,
    metadata=st.none() | st.dictionaries(st.sampled_from(("a", "b")), st.text(max_size=3)),
    extra=st.lists(_skipped, max_size=3).map(tuple),
)
def test_generated(
    entries: list[Entry],
    graph: Graph | None,
    metadata: dict[str, str] | None,
    extra: tuple[Skipped, ...],
) -> None:
    same(("doc.json", entries, graph, metadata, extra))


def _chain_graph(length: int) -> tuple[list[Entry], Graph]:
    """A chain of dependencies as long as a deep npm tree, with a cycle back to the root and
    a shortcut by containment: paths far longer than the recursion limit would allow."""
    refs = [f"n{i}" for i in range(length)]
    entries = [
        Entry(f"p{i}", (f"pkg:npm/p{i}@1.0.{i % 7}",), None, ref) for i, ref in enumerate(refs)
    ]
    edges = {ref: [refs[i + 1]] for i, ref in enumerate(refs[:-1])}
    edges[refs[-1]] = [refs[0]]
    containment = {refs[0]: [refs[length // 2]]}
    return entries, Graph(edges=edges, roots=[refs[0]], containment=containment)


@pytest.mark.parametrize("length", [1, 2, 50, 5000])
def test_long_chains(length: int) -> None:
    entries, graph = _chain_graph(length)
    same(("chain.json", entries, graph, None, ()))
    same(("chain.json", list(reversed(entries)), graph, None, ()))
