"""SPDX 3.0 documents in JSON-LD (``*.spdx3.json``, ``*.spdx.jsonld``).

A document is a JSON-LD object whose ``@context`` is an SPDX 3 context and whose ``@graph``
holds the elements. Software packages (``software_Package``, and its kinds
``ai_AIPackage`` and ``dataset_DatasetPackage``) are the inventory: each is identified by
``software_packageUrl`` or by an ``externalIdentifier`` of type ``packageUrl``, and versioned
by the purl or ``software_packageVersion``. Packages without a usable purl are ``Skipped``
(see ``runink.inventory._sbom_common``); files, snippets and every other element yield nothing.

Roots are the ``rootElement`` of the ``SpdxDocument`` (looking through a ``software_Sbom`` or
``Bom`` to its own roots) and the targets of ``describes`` relationships. ``dependsOn``,
``hasStaticLink``, ``hasDynamicLink``, ``hasProvidedDependency`` (scope ``provided``) and
``hasOptionalDependency`` (``optional``) are dependency edges, ``contains`` is containment;
a ``LifecycleScopedRelationship``'s ``scope`` (``development`` -> ``dev``, ``build``, ``test``,
``runtime``) becomes the scope of its targets.

Metadata: ``spec_version`` (from ``CreationInfo``), ``document_name``, ``created``,
``authors`` and ``tools`` (the named agents and tools of the creation info), and the single
root package as ``artifact_name``/``artifact_version``/``artifact_purl``. Lines are those of
each package's ``spdxId`` member. The JSON-LD is read in its published compact form; it is not
expanded against the context.

Speed: a document is read in one pass over its elements, and each package and relationship is
first read the quick way, where every member used is absent or a string (as SPDX 3 writers
write them). Anything else (an integer version, a reference object, a value of a wrong type)
is read again the general way, which accepts it or names what is wrong, so the result and the
error are those of the general reading alone (``tests/inventory/test_spdx3_differential.py``
compares both with a frozen copy of the general parser).
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    EdgeSet,
    Entry,
    Graph,
    LineIndex,
    as_array,
    as_object,
    assemble,
    built_from,
    clean,
    load_json,
    opt_str,
    put,
    widest_scope,
)
from runink.inventory.base import ParseResult

__all__ = ["Spdx3JsonLdParser"]


_PACKAGE_TYPES: Final = frozenset(
    {
        "software_Package",
        "Package",
        "software:Package",
        "ai_AIPackage",
        "AIPackage",
        "dataset_DatasetPackage",
        "DatasetPackage",
    }
)
_BOM_TYPES: Final = frozenset({"software_Sbom", "Sbom", "Bom", "SpdxDocument"})
_RELATIONSHIP_TYPES: Final = frozenset({"Relationship", "LifecycleScopedRelationship"})
# relationshipType -> (kind of edge, scope it implies)
_EDGES: Final[dict[str, tuple[str, str | None]]] = {
    "dependsOn": ("dependency", None),
    "hasStaticLink": ("dependency", None),
    "hasDynamicLink": ("dependency", None),
    "hasProvidedDependency": ("dependency", "provided"),
    "hasOptionalDependency": ("dependency", "optional"),
    "contains": ("containment", None),
}
_LIFECYCLE_SCOPES: Final = {
    "development": "dev",
    "build": "build",
    "test": "test",
    "runtime": "runtime",
}


def _first(obj: dict[str, object], path: str, where: str, *keys: str) -> str | None:
    for key in keys:
        value = clean(opt_str(path, obj, key, where))
        if value:
            return value
    return None


def _ids(path: str, value: object, where: str) -> list[str]:
    """An element reference or a list of them (strings, or objects with an id)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            ref = item.get("spdxId") or item.get("@id")
            if isinstance(ref, str):
                out.append(ref)
        else:
            raise ParseError(path, f"{where}[{i}]: expected an element reference")
    return out


def _element_id(obj: dict[str, object]) -> str | None:
    ref = obj.get("spdxId", obj.get("@id"))
    return ref if isinstance(ref, str) else None


def _purls(path: str, obj: dict[str, object], where: str) -> tuple[str, ...]:
    purls: list[str] = []
    direct = _first(obj, path, where, "software_packageUrl", "packageUrl")
    if direct:
        purls.append(direct)
    for i, item in enumerate(
        as_array(path, obj.get("externalIdentifier"), f"{where}.externalIdentifier")
    ):
        here = f"{where}.externalIdentifier[{i}]"
        ident = as_object(path, item, here)
        kind = clean(opt_str(path, ident, "externalIdentifierType", here))
        value = clean(opt_str(path, ident, "identifier", here))
        if kind == "packageUrl" and value and value not in purls:
            purls.append(value)
    return tuple(purls)


def _has_cpe(path: str, obj: dict[str, object], where: str) -> bool:
    for i, item in enumerate(
        as_array(path, obj.get("externalIdentifier"), f"{where}.externalIdentifier")
    ):
        here = f"{where}.externalIdentifier[{i}]"
        ident = as_object(path, item, here)
        kind = clean(opt_str(path, ident, "externalIdentifierType", here)) or ""
        if kind.startswith("cpe"):
            return True
    return False


def _graph_elements(path: str, top: dict[str, object]) -> list[dict[str, object]]:
    graph = top.get("@graph")
    if graph is None:
        if "type" in top or "@type" in top:
            return [top]
        raise ParseError(path, "not an SPDX 3 JSON-LD document: no @graph")
    return [
        as_object(path, item, f"@graph[{i}]")
        for i, item in enumerate(as_array(path, graph, "@graph"))
    ]


def _type_of(obj: dict[str, object]) -> str:
    kind = obj.get("type", obj.get("@type"))
    return kind if isinstance(kind, str) else ""


_PLAIN_PACKAGE_TYPES: Final = frozenset({"software_Package", "Package"})
_MISSING: Final = object()


class _Flag(Enum):
    """``UNUSUAL``: a member the quick reading leaves to the general one."""

    UNUSUAL = 0


_UNUSUAL: Final = _Flag.UNUSUAL


def _plain_relationship(obj: dict[str, object]) -> tuple[str, str | None, list[str]] | None:
    """(relationshipType, from, to) when each is absent or a string (``to`` a string or an
    array of strings), stripped as the general reading strips them; None otherwise."""
    rel = obj.get("relationshipType")
    source = obj.get("from")
    to = obj.get("to")
    if rel is None:
        rel = ""
    elif type(rel) is str:
        rel = rel.strip()
    else:
        return None
    if source is not None:
        if type(source) is not str:
            return None
        source = source.strip() or None
    if type(to) is list:
        for target in to:
            if type(target) is not str:
                return None
        return rel, source, to
    if to is None:
        return rel, source, []
    if type(to) is str:
        return rel, source, [to]
    return None


def _general_relationship(
    path: str, obj: dict[str, object], where: str
) -> tuple[str, str | None, list[str]]:
    """(relationshipType, from, to) of any relationship, or the error the reading finds."""
    rel = clean(opt_str(path, obj, "relationshipType", where)) or ""
    source = clean(opt_str(path, obj, "from", where))
    return rel, source, _ids(path, obj.get("to"), f"{where}.to")


def _plain_identifiers(value: object) -> tuple[list[str], bool] | None:
    """The packageUrl identifiers and whether a CPE is among them, when ``externalIdentifier``
    is absent or an array of objects whose type and identifier are absent or strings."""
    purls: list[str] = []
    if value is None:
        return purls, False
    if type(value) is not list:
        return None
    has_cpe = False
    for item in value:
        if type(item) is not dict:
            return None
        kind = item.get("externalIdentifierType")
        ident = item.get("identifier")
        if kind is None:
            if ident is not None and type(ident) is not str:
                return None
            continue
        if type(kind) is not str or (ident is not None and type(ident) is not str):
            return None
        kind = kind.strip()
        if kind == "packageUrl":
            if ident is not None:
                ident = ident.strip()
                if ident:
                    purls.append(ident)
        elif kind.startswith("cpe"):
            has_cpe = True
    return purls, has_cpe


def _either(obj: dict[str, object], key: str, other: str) -> str | _Flag | None:
    """``_first(obj, ..., key, other)`` when the members it reads are absent or strings: the
    first non-blank stripped text, else None; ``_UNUSUAL`` for a member of another type."""
    value = obj.get(key)
    if value is not None:
        if type(value) is not str:
            return _UNUSUAL
        value = value.strip()
        if value:
            return value
    value = obj.get(other)
    if value is None:
        return None
    if type(value) is not str:
        return _UNUSUAL
    return value.strip() or None


def _plain_package(
    obj: dict[str, object], kind: str
) -> tuple[str | None, tuple[str, ...], str | None, str | None, bool] | None:
    """(name, purls, version, kind, has_cpe) of a package whose members are absent or strings,
    as the general reading gives them; None for any other package."""
    name = obj.get("name")
    if name is not None:
        if type(name) is not str:
            return None
        name = name.strip() or None
    direct = _either(obj, "software_packageUrl", "packageUrl")
    version = _either(obj, "software_packageVersion", "packageVersion")
    purpose = _either(obj, "software_primaryPurpose", "primaryPurpose")
    if direct is _UNUSUAL or version is _UNUSUAL or purpose is _UNUSUAL:
        return None
    purpose = purpose or (None if kind in _PLAIN_PACKAGE_TYPES else kind)
    identifiers = obj.get("externalIdentifier")
    if identifiers is None:  # the purl, if any, is software_packageUrl
        return name, (direct,) if direct else (), version, purpose, False
    found = _plain_identifiers(identifiers)
    if found is None:
        return None
    more, has_cpe = found
    purls = [direct] if direct else []
    for purl in more:
        if purl not in purls:
            purls.append(purl)
    return name, tuple(purls), version, purpose, has_cpe


def _general_package(
    path: str, obj: dict[str, object], kind: str, where: str
) -> tuple[str | None, tuple[str, ...], str | None, str | None, bool]:
    """(name, purls, version, kind, has_cpe) of any package, or the error the reading finds
    first (in the order the members are read: name, purls, version, purpose)."""
    name = _first(obj, path, where, "name")
    purls = _purls(path, obj, where)
    version = _first(obj, path, where, "software_packageVersion", "packageVersion")
    purpose = _first(obj, path, where, "software_primaryPurpose", "primaryPurpose")
    return (
        name,
        purls,
        version,
        purpose or (None if kind in _PLAIN_PACKAGE_TYPES else kind),
        _has_cpe(path, obj, where),
    )


def _source_package(obj: dict[str, object]) -> tuple[str | None, str | None]:
    """The source package a binary one was built from, when ``software_sourceInfo`` says so in
    the words Trivy writes in SPDX 2 (``built package from: openssl 3.0.2-0ubuntu1.10``): OSV
    files Debian and Ubuntu advisories under the source package. Other texts, and values that
    are not strings (the member is free text, never needed to read a package), say nothing."""
    info = obj.get("software_sourceInfo", obj.get("sourceInfo"))
    return built_from(info) if type(info) is str else (None, None)


class _Reading:
    """What the pass over the elements gathers: elements by reference, edges, the targets of
    ``describes``, the SpdxDocuments, and the packages (index, element, type, reference) in
    order."""

    __slots__ = ("by_id", "documents", "edges", "packages", "roots")

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, object]] = {}
        self.edges = EdgeSet()
        self.roots: list[str] = []
        self.documents: list[dict[str, object]] = []
        self.packages: list[tuple[int, dict[str, object], str, str | None]] = []


def _relationship(path: str, reading: _Reading, obj: dict[str, object], i: int) -> None:
    found = _plain_relationship(obj)
    if found is None:
        found = _general_relationship(path, obj, f"@graph[{i}]")
    rel, source, targets = found
    if source is None:
        return
    if rel == "describes":
        roots = reading.roots
        roots.extend(t for t in targets if t not in roots)
        return
    rule = _EDGES.get(rel)
    if rule is None:
        return
    edge_kind, scope = rule
    lifecycle = obj.get("scope")
    if lifecycle is not None:
        if type(lifecycle) is str:
            lifecycle = lifecycle.strip() or None
        else:
            lifecycle = clean(opt_str(path, obj, "scope", f"@graph[{i}]"))
        if lifecycle:
            scope = _LIFECYCLE_SCOPES.get(lifecycle, scope)
    add = reading.edges.add
    for target in targets:
        add(edge_kind, source, target, scope)


def _read_elements(path: str, top: dict[str, object]) -> _Reading:
    """One pass over the elements. An element that is not an object is reported before
    anything else is, as it is found first (``_graph_elements``)."""
    graph = top.get("@graph")
    elements = graph if type(graph) is list else _graph_elements(path, top)
    reading = _Reading()
    by_id = reading.by_id
    documents = reading.documents
    packages = reading.packages
    missing = _MISSING
    try:
        for i, obj in enumerate(elements):
            if type(obj) is not dict:
                _graph_elements(path, top)  # raises
            # _element_id and _type_of, with one lookup each when spdxId and type are present
            get = obj.get
            ref = get("spdxId", missing)
            if ref is missing:
                ref = get("@id")
            if type(ref) is not str:
                ref = None
            elif ref not in by_id:
                by_id[ref] = obj
            kind = get("type", missing)
            if kind is missing:
                kind = get("@type")
            if type(kind) is not str:
                kind = ""
            if kind in _PACKAGE_TYPES:
                packages.append((i, obj, kind, ref))
            elif kind in _RELATIONSHIP_TYPES:
                _relationship(path, reading, obj, i)
            elif kind == "SpdxDocument":
                documents.append(obj)
    except ParseError:
        _graph_elements(path, top)  # an earlier-found error, if any, comes first
        raise
    return reading


def _document_roots(path: str, reading: _Reading) -> list[str]:
    """The document's roots, looking through SBOM/BOM elements to the roots they declare,
    after the targets of ``describes``."""
    roots = reading.roots
    by_id = reading.by_id
    pending = [
        r for doc in reading.documents for r in _ids(path, doc.get("rootElement"), "rootElement")
    ]
    seen: set[str] = set()
    while pending:
        ref = pending.pop(0)
        if ref in seen:
            continue
        seen.add(ref)
        element = by_id.get(ref)
        if element is not None and _type_of(element) in _BOM_TYPES:
            pending.extend(_ids(path, element.get("rootElement"), "rootElement"))
        elif ref not in roots:
            roots.append(ref)
    return roots


def _package_lines(raw: bytes, refs: list[str | None]) -> list[int | None]:
    """What ``LineIndex(raw, ("spdxId",)).take("spdxId", ref)`` gives each package in turn:
    the scan records only the packages' references and stops once it has seen each as often
    as it is asked for (as for SPDX 2)."""
    wanted = [ref for ref in refs if ref is not None]
    return LineIndex(raw, ("spdxId",), wanted, counted=True).take_all("spdxId", refs)


def _entries(
    path: str, raw: bytes, reading: _Reading, roots: list[str]
) -> tuple[list[Entry], dict[str, dict[str, object]]]:
    """An entry per package, in document order, and the packages by reference."""
    lines = _package_lines(raw, [ref for _, _, _, ref in reading.packages])
    scopes = reading.edges.scopes
    root_set = set(roots)
    entries: list[Entry] = []
    packages: dict[str, dict[str, object]] = {}
    for (i, obj, kind, ref), line in zip(reading.packages, lines, strict=True):
        if ref is not None:
            packages[ref] = obj
        found = _plain_package(obj, kind)
        if found is None:
            found = _general_package(path, obj, kind, f"@graph[{i}]")
        name, purls, version, purpose, has_cpe = found
        source_name, source_version = _source_package(obj)
        scope_set = scopes.get(ref) if ref is not None else scopes.get("")
        # Entry's fields in order (positional: the keywords' parsing is a tenth of the call).
        entries.append(
            Entry(
                name or ref or "(unnamed package)",
                purls,
                version,
                ref,
                line,
                purpose,
                widest_scope(sorted(scope_set)) if scope_set else None,
                None,
                (),
                source_name,
                source_version,
                has_cpe,
                True,
                ref in root_set,
            )
        )
    return entries, packages


def _metadata(
    path: str, reading: _Reading, roots: list[str], packages: dict[str, dict[str, object]]
) -> dict[str, str]:
    by_id = reading.by_id
    meta: dict[str, str] = {}
    infos: list[dict[str, object]] = []
    for doc in reading.documents:
        put(meta, "document_name", _first(doc, path, "SpdxDocument", "name"))
        info = doc.get("creationInfo")
        found = by_id.get(info) if isinstance(info, str) else info
        if isinstance(found, dict):
            infos.append(found)
    authors: list[str] = []
    tools: list[str] = []
    for info in infos:
        put(meta, "spec_version", _first(info, path, "CreationInfo", "specVersion"))
        put(meta, "created", _first(info, path, "CreationInfo", "created"))
        for key, bucket in (("createdBy", authors), ("createdUsing", tools)):
            for agent_ref in _ids(path, info.get(key), f"CreationInfo.{key}"):
                agent = by_id.get(agent_ref)
                name = _first(agent, path, key, "name") if agent is not None else None
                if name and name not in bucket:
                    bucket.append(name)
    put(meta, "authors", "; ".join(authors))
    put(meta, "tools", "; ".join(tools))
    root_packages = [packages[r] for r in roots if r in packages]
    if len(root_packages) == 1:
        subject = root_packages[0]
        put(meta, "artifact_name", _first(subject, path, "root", "name"))
        put(
            meta,
            "artifact_version",
            _first(subject, path, "root", "software_packageVersion", "packageVersion"),
        )
        subject_purls = _purls(path, subject, "root")
        if subject_purls:
            meta["artifact_purl"] = subject_purls[0]
    else:
        put(meta, "artifact_name", meta.get("document_name"))
    return meta


def parse_document(path: str, data: bytes) -> ParseResult:
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    context = top.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not any(isinstance(c, str) and "spdx.org/rdf/3." in c for c in contexts):
        raise ParseError(
            path, "not an SPDX 3 JSON-LD document: @context is not an spdx.org/rdf/3.x context"
        )
    reading = _read_elements(path, top)
    roots = _document_roots(path, reading)
    entries, packages = _entries(path, raw, reading, roots)
    meta = _metadata(path, reading, roots, packages)
    edges = reading.edges
    graph = None
    if roots and edges:
        graph = Graph(edges=edges.dependencies, roots=roots, containment=edges.containment)
    return assemble(path, entries, graph=graph, metadata=meta)


class Spdx3JsonLdParser:
    """SPDX 3.0 JSON-LD (``*.spdx3.json``, or any JSON whose ``@context`` is SPDX 3)."""

    format = "spdx3-jsonld"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.spdx3_jsonld(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return parse_document(path, data)
