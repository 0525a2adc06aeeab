# Frozen copy of ``assemble`` and the code it calls (resolve_entry, _resolve_purl, _ParsedPurl,
# _walk, _chain, _graph_nodes, _merge, widest_scope) from src/runink/inventory/_sbom_common.py
# before the assemble speed-up (git fd8d060): the reference of test_assemble_differential.py.
# It takes the live ``Entry`` and ``Graph`` records (the inputs both sides are fed) and reads
# purls with the frozen purl module of tests/inventory/sbom/_reference_spdx, so that a change to
# runink.model.purl is compared too. Do not edit.
# ruff: noqa
# mypy: ignore-errors
"""Reference ``assemble`` (see the comment above)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Final

from packageurl import PackageURL

from runink.errors import InvalidPurlError
from runink.inventory._sbom_common import Entry, Graph
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped
from runink.model.ecosystems import base_ecosystem, normalize_name
from tests.inventory.sbom._reference_spdx.purl import (
    PackageRef,
    package_ref,
    parse_purl,
    purl_from_string,
    purl_to_string,
)

_SCOPE_ORDER: Final = ("runtime", "provided", "optional", "build", "test", "dev", "excluded")

_SOURCE_DISTROS: Final = frozenset({"Debian", "Ubuntu", "Alpine"})
_SOURCE_QUALIFIERS: Final = ("upstream", "source", "origin")
_SOURCE_VERSION_QUALIFIERS: Final = ("sourceversion", "source_version")


def purl_and_canonical(text: str) -> tuple[PackageURL, str | None]:
    # The frozen purl module predates purl_and_canonical: the canonical text is left to
    # purl_to_string (which _ParsedPurl calls when this says None).
    return purl_from_string(text), None


def clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def _kind_prefix(kind: str | None) -> str:
    return f"{kind} component" if kind else "package"


def _no_purl_reason(entry: Entry) -> str:
    what = _kind_prefix(entry.kind)
    if entry.has_cpe:
        return f"{what} has a CPE but no package URL (purl); CPE-only entries cannot be matched"
    return f"{what} has no package URL (purl), so its ecosystem is unknown"


def _source_package(entry: Entry, qualifiers: Mapping[str, str]) -> tuple[str | None, str | None]:
    if entry.source_name:
        return entry.source_name, entry.source_version
    for key in _SOURCE_QUALIFIERS:
        value = clean(qualifiers.get(key))
        if value:
            name, _, version = value.partition("@")
            if not version:
                for vkey in _SOURCE_VERSION_QUALIFIERS:
                    version = qualifiers.get(vkey) or ""
                    if version:
                        break
            return clean(name), clean(version)
    return None, None


class _ParsedPurl:
    """What one purl text says, whatever entry carries it: the parsed purl (after the Alpine
    rename) and its text, what it names or why it cannot be read, its qualifiers, and its
    canonical text once asked for; and, for what every entry carrying it asks, the base
    ecosystem of what it names and whether its type takes an ``epoch`` qualifier."""

    __slots__ = ("base", "canonical", "epoch_type", "error", "purl", "qualifiers", "ref", "text")

    def __init__(self, text: str) -> None:
        # Each slot is set once (a document has thousands of distinct purls).
        self.text = text
        self.qualifiers: Mapping[str, str] = _NO_QUALIFIERS
        self.base = ""
        self.epoch_type = False
        try:
            purl, self.canonical = purl_and_canonical(text.strip())
        except ValueError as exc:
            self._fail(None, str(exc))
            return
        try:
            if purl.type.lower() == "alpine" and not purl.namespace:
                # Syft before 0.62 wrote Alpine packages as pkg:alpine/NAME; the type is apk.
                purl = purl._replace(type="apk", namespace="alpine")
                self.text = purl_to_string(purl)
                self.canonical = None
                ref = parse_purl(self.text)
            else:
                ref = package_ref(purl, text)
        except InvalidPurlError as exc:
            self._fail(purl, str(exc))
            return
        self.purl: PackageURL | None = purl
        self.ref: PackageRef | None = ref
        # The message of the ValueError (no purl) or InvalidPurlError (no ref). Not the
        # exception: its traceback holds this frame, which holds ``self``, and the cycle would
        # keep every caller's frame (a document's entries) alive until a collection.
        self.error: str | None = None
        quals = purl.qualifiers
        if isinstance(quals, dict):  # read only: shared with the purl
            self.qualifiers = quals
        self.base = base_ecosystem(ref.ecosystem)
        self.epoch_type = purl.type.lower() in ("rpm", "deb")

    def _fail(self, purl: PackageURL | None, error: str) -> None:
        self.purl = purl
        self.ref = None
        self.error = error
        if purl is None:
            self.canonical = None


_NO_QUALIFIERS: Final[Mapping[str, str]] = {}


def _resolve_purl(
    path: str, entry: Entry, text: str, parsed: dict[str, _ParsedPurl] | None = None
) -> Component | Skipped:
    """One purl of an entry. ``parsed`` keeps what each distinct purl text says, for the
    other entries of the same document that carry it."""
    display = entry.name
    known = parsed.get(text) if parsed is not None else None
    if known is None:
        known = _ParsedPurl(text)
        if parsed is not None:
            parsed[text] = known
    purl = known.purl
    ref = known.ref
    if purl is None:
        return Skipped(display, f"invalid package URL {text!r}: {known.error}", entry.line)
    if ref is None:
        error = known.error
        reason = f"{entry.kind} component: {error}" if entry.kind else str(error)
        return Skipped(display, reason, entry.line)
    text = known.text
    qualifiers = known.qualifiers
    # clean(ref.version) or clean(entry.version), inlined (a call per entry).
    version = ref.version
    if version:
        version = version.strip()
    if not version:
        version = entry.version
        if version:
            version = version.strip()
    if not version:
        return Skipped(display, f"{text}: no version in the purl or the document", entry.line)
    ecosystem = ref.ecosystem
    base = known.base
    if known.epoch_type:
        epoch = clean(qualifiers.get("epoch"))
        if epoch and epoch != "0" and ":" not in version:
            version = f"{epoch}:{version}"
    name = ref.name
    if base == "Go":
        if version == "(devel)":
            return Skipped(
                display,
                f"{text}: '(devel)' is a local development build, not a release",
                entry.line,
            )
        if name == "stdlib":
            version = re.sub(r"^(?:go|v)", "", version)
    renamed = False
    if base == "Go" and purl.subpath:
        # Syft (1.x before late 2025) writes the tail of a long module path as the purl's
        # subpath: github.com/a/b/v3 is pkg:golang/github.com/a/b@v3.4.0#v3. The purl spec
        # reads a subpath as a package inside the module, so the document's own name for the
        # package decides: when it is the whole path, that is the module.
        whole = f"{name}/{purl.subpath.strip('/')}"
        if entry.name.strip() == whole:
            name, renamed = whole, True
    if base in _SOURCE_DISTROS:
        source_name, source_version = _source_package(entry, qualifiers)
        if source_name:
            source = normalize_name(ecosystem, source_name)
            renamed = source != name or bool(source_version and source_version != version)
            name = source
            if source_version:
                version = source_version
    override: str | None = None
    if entry.own_purl and not renamed:
        if purl.version:
            override = known.canonical
            if override is None:
                override = known.canonical = purl_to_string(purl)
        else:
            override = purl_to_string(purl._replace(version=ref.version or version))
    return Component(
        ecosystem,
        name,
        version,
        path,
        entry.line,
        entry.direct,
        entry.scope,
        entry.path,
        override,
    )


def resolve_entry(
    path: str, entry: Entry, parsed: dict[str, _ParsedPurl] | None = None
) -> Component | Skipped:
    """Turn one entry into a component, or say why it cannot be one. ``parsed``, shared by the
    entries of one document, keeps each distinct purl text parsed once."""
    first_failure: Skipped | None = None
    for text in entry.purls:
        if not text.strip():
            continue
        result = _resolve_purl(path, entry, text, parsed)
        if isinstance(result, Component):
            return result
        if first_failure is None:
            first_failure = result
    if first_failure is not None:
        return first_failure
    return Skipped(entry.name, _no_purl_reason(entry), entry.line)


# --------------------------------------------------------------------------------------------
# Assembly: graph, duplicates, result


def _walk(graph: Graph) -> tuple[dict[str, int], dict[str, str]]:
    """0-1 breadth-first search from the roots: for each reachable node, the fewest dependency
    edges on a path to it (containment edges cost nothing) and its parent on that path."""
    depth: dict[str, int] = {}
    hops: dict[str, int] = {}
    parent: dict[str, str] = {}
    queue: deque[str] = deque()
    for root in graph.roots:
        if root not in depth:
            depth[root] = 0
            hops[root] = 0
            queue.append(root)
    while queue:
        node = queue.popleft()
        here = depth[node]
        for weight, targets in (
            (0, graph.containment.get(node, ())),
            (1, graph.edges.get(node, ())),
        ):
            for child in targets:
                cost = here + weight
                known = depth.get(child)
                if (
                    known is None
                    or cost < known
                    or (cost == known and hops[node] + 1 < hops[child])
                ):
                    depth[child] = cost
                    hops[child] = hops[node] + 1
                    parent[child] = node
                    if weight == 0:
                        queue.appendleft(child)
                    else:
                        queue.append(child)
    return depth, parent


def _chain(
    ref: str,
    parent: Mapping[str, str],
    names: Mapping[str, str],
    chains: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    """The names from a root to ``ref`` along ``parent`` (a tree): each node's chain is its
    parent's plus its own name, kept in ``chains`` for the nodes below it."""
    known = chains.get(ref)
    if known is not None:
        return known
    refs = [ref]
    while refs[-1] in parent:
        up = parent[refs[-1]]
        if up in chains:
            break
        refs.append(up)
    top = refs[-1]
    chain = chains[parent[top]] if top in parent else ()
    for node in reversed(refs):
        chain = (*chain, names.get(node, node))
        chains[node] = chain
    return chain


def _graph_nodes(graph: Graph) -> set[str]:
    """The nodes that take part in a dependency edge."""
    nodes = set(graph.edges)
    for targets in graph.edges.values():
        nodes.update(targets)
    return nodes


def _merge(first: Component, other: Component) -> Component:
    direct = first.direct
    if other.direct is True or (direct is None and other.direct is False):
        direct = other.direct
    scope = widest_scope(x for x in (first.scope, other.scope) if x is not None)
    chain = first.path
    if other.path and (not chain or len(other.path) < len(chain)):
        chain = other.path
    line = first.line if first.line is not None else other.line
    if (direct, scope, chain, line) == (first.direct, first.scope, first.path, first.line):
        return first
    return replace(first, direct=direct, scope=scope, path=chain, line=line)


def widest_scope(scopes: Iterable[str]) -> str | None:
    """The most production-like of several scopes (``runtime`` before ``dev``), or None."""
    best: str | None = None
    for scope in scopes:
        if best is None or (
            scope in _SCOPE_ORDER
            and (best not in _SCOPE_ORDER or _SCOPE_ORDER.index(scope) < _SCOPE_ORDER.index(best))
        ):
            best = scope
    return best


def assemble(
    path: str,
    entries: Sequence[Entry],
    *,
    graph: Graph | None = None,
    metadata: Mapping[str, str] | None = None,
    extra_skipped: Sequence[Skipped] = (),
) -> ParseResult:
    """Resolve entries, place them in the graph, merge duplicates."""
    unique: list[Entry] = []
    seen_refs: set[str] = set()
    for entry in entries:
        if entry.ref is not None:
            if entry.ref in seen_refs:
                continue
            seen_refs.add(entry.ref)
        unique.append(entry)

    parsed: dict[str, _ParsedPurl] = {}
    resolved: list[Component | Skipped] = []
    append = resolved.append
    for entry in unique:
        purls = entry.purls
        if len(purls) == 1 and purls[0].strip():  # resolve_entry of the usual entry, inlined
            append(_resolve_purl(path, entry, purls[0], parsed))
        else:
            append(resolve_entry(path, entry, parsed))

    if graph is not None and graph.roots:
        names: dict[str, str] = dict(graph.labels)
        for entry, result in zip(unique, resolved, strict=True):
            if entry.ref is not None:
                names[entry.ref] = result.name if isinstance(result, Component) else entry.name
        depth, parent = _walk(graph)
        nodes = _graph_nodes(graph)
        chains: dict[str, tuple[str, ...]] = {}  # the path to each node walked so far
        for i, (entry, result) in enumerate(zip(unique, resolved, strict=True)):
            if type(result) is not Component or entry.ref is None:
                continue
            ref = entry.ref
            direct = result.direct
            chain = result.path
            if ref in depth:
                level = depth[ref]
                if direct is None and level > 0:
                    direct = level == 1
                if not chain:
                    chain = _chain(ref, parent, names, chains)
            elif ref in nodes and direct is None:
                direct = False
            if direct is not result.direct or chain != result.path:
                resolved[i] = Component(
                    result.ecosystem,
                    result.name,
                    result.version,
                    result.source,
                    result.line,
                    direct,
                    result.scope,
                    chain,
                    result.purl_override,
                )

    components: dict[tuple[str, str, str], Component] = {}
    skipped: dict[tuple[str, str], Skipped] = {}
    for entry, result in zip(unique, resolved, strict=True):
        if isinstance(result, Component):
            key = (result.ecosystem, result.name, result.version)  # result.key, without the call
            known = components.get(key)
            components[key] = result if known is None else _merge(known, result)
        elif not entry.subject:
            skipped.setdefault((result.name, result.reason), result)
    for extra in extra_skipped:
        skipped.setdefault((extra.name, extra.reason), extra)
    return ParseResult(
        components=tuple(components.values()),
        skipped=tuple(skipped.values()),
        metadata=dict(metadata or {}),
    )
