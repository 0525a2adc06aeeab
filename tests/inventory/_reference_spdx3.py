"""A frozen copy of ``runink.inventory.spdx3_jsonld`` before its fast path (November 2026).

``tests/inventory/test_spdx3_differential.py`` compares the live parser with this one: results
and errors must stay identical. Do not edit it to follow later changes of the parser; only the
shared ``_sbom_common`` helpers it imports move on (both parsers use them alike).
"""

from __future__ import annotations

from typing import Final

from runink.errors import ParseError
from runink.inventory._sbom_common import (
    EdgeSet,
    Entry,
    Graph,
    LineIndex,
    as_array,
    as_object,
    assemble,
    clean,
    load_json,
    opt_str,
    put,
    widest_scope,
)
from runink.inventory.base import ParseResult

__all__ = ["parse_document"]


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


def parse_document(path: str, data: bytes) -> ParseResult:
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    context = top.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if not any(isinstance(c, str) and "spdx.org/rdf/3." in c for c in contexts):
        raise ParseError(
            path, "not an SPDX 3 JSON-LD document: @context is not an spdx.org/rdf/3.x context"
        )
    elements = _graph_elements(path, top)
    lines = LineIndex(raw, ("spdxId",))
    by_id: dict[str, dict[str, object]] = {}
    for obj in elements:
        ref = _element_id(obj)
        if ref is not None:
            by_id.setdefault(ref, obj)

    edges = EdgeSet()
    roots: list[str] = []
    documents: list[dict[str, object]] = []
    for i, obj in enumerate(elements):
        where = f"@graph[{i}]"
        kind = _type_of(obj)
        if kind in _RELATIONSHIP_TYPES:
            rel = clean(opt_str(path, obj, "relationshipType", where)) or ""
            source = clean(opt_str(path, obj, "from", where))
            targets = _ids(path, obj.get("to"), f"{where}.to")
            if source is None:
                continue
            if rel == "describes":
                roots.extend(t for t in targets if t not in roots)
                continue
            rule = _EDGES.get(rel)
            if rule is None:
                continue
            edge_kind, scope = rule
            lifecycle = clean(opt_str(path, obj, "scope", where))
            if lifecycle:
                scope = _LIFECYCLE_SCOPES.get(lifecycle, scope)
            for target in targets:
                edges.add(edge_kind, source, target, scope)
        elif kind == "SpdxDocument":
            documents.append(obj)

    # The document's roots, looking through SBOM/BOM elements to the roots they declare.
    pending = [r for doc in documents for r in _ids(path, doc.get("rootElement"), "rootElement")]
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

    entries: list[Entry] = []
    packages: dict[str, dict[str, object]] = {}
    for i, obj in enumerate(elements):
        if _type_of(obj) not in _PACKAGE_TYPES:
            continue
        where = f"@graph[{i}]"
        ref = _element_id(obj)
        if ref is not None:
            packages[ref] = obj
        scope_set = edges.scopes.get(ref or "", set())
        entries.append(
            Entry(
                name=_first(obj, path, where, "name") or ref or "(unnamed package)",
                purls=_purls(path, obj, where),
                version=_first(obj, path, where, "software_packageVersion", "packageVersion"),
                ref=ref,
                line=lines.take("spdxId", ref),
                kind=_first(obj, path, where, "software_primaryPurpose", "primaryPurpose")
                or (None if _type_of(obj) in ("software_Package", "Package") else _type_of(obj)),
                scope=widest_scope(sorted(scope_set)) if scope_set else None,
                has_cpe=_has_cpe(path, obj, where),
                subject=ref in roots,
            )
        )

    meta: dict[str, str] = {}
    infos: list[dict[str, object]] = []
    for doc in documents:
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
    graph = None
    if roots and edges:
        graph = Graph(edges=edges.dependencies, roots=roots, containment=edges.containment)
    return assemble(path, entries, graph=graph, metadata=meta)
