"""FROZEN REFERENCE: runink.inventory.syft_json as it was before its typed (msgspec) reading,
kept unchanged for tests/inventory/test_syft_json_differential.py. Do not edit.

Syft JSON documents (``syft ... -o syft-json``, Syft's own lossless format).

The packages are ``artifacts[]``: each is identified by its ``purl`` (else one is built from
its ``type``, ``name``, ``version`` and the document's ``distro``). Distribution packages are
named after their source package, from the ``upstream`` purl qualifier or the package
metadata (``source``/``sourceVersion`` for deb, ``originPackage`` for apk); see
``runink.inventory._sbom_common``.

``artifactRelationships`` give the graph: the ``source`` (the image, directory or file
scanned) ``contains`` each package, which is structure (it gives ``path``, not ``direct``);
``A dependency-of B`` is B depending on A. Syft does not say which packages the scanned project
requires directly, so ``direct`` stays unknown for the packages the source contains. Metadata: ``artifact_name``/``artifact_version``/``artifact_kind`` from
``source``, ``distro``, ``tools`` (Syft's version) and ``schema_version``. Lines are those of
each artifact's ``id`` member.
"""

from __future__ import annotations

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    EdgeSet,
    Entry,
    Graph,
    LineIndex,
    anchore_purl,
    as_array,
    as_object,
    assemble,
    clean,
    load_json,
    opt_str,
    put,
)
from runink.inventory.base import ParseResult

__all__ = ["SyftJsonParser"]


def _source_package(obj: dict[str, object]) -> tuple[str | None, str | None]:
    """The source package a distribution package says it was built from.

    The shape of ``metadata`` depends on the package type: ``source`` is the source package's
    name for deb, but an object (the VCS checkout) for Composer and a registry URL for Cargo.
    Only text values are taken; the name matters only for distribution ecosystems.
    """
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return None, None

    def text(key: str) -> str | None:
        value = metadata.get(key)
        return clean(value) if isinstance(value, str) else None

    return text("source") or text("originPackage"), text("sourceVersion")


def parse_document(path: str, data: bytes) -> ParseResult:
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    if "artifacts" not in top:
        raise ParseError(path, "not a Syft JSON document: no 'artifacts'")
    distro_obj = as_object(path, top.get("distro") or {}, "distro")
    distro_id = clean(opt_str(path, distro_obj, "id", "distro"))
    distro_version = clean(opt_str(path, distro_obj, "versionID", "distro"))
    lines = LineIndex(raw, ("id",))
    entries: list[Entry] = []
    for i, item in enumerate(as_array(path, top.get("artifacts"), "artifacts")):
        where = f"artifacts[{i}]"
        obj = as_object(path, item, where)
        name = clean(opt_str(path, obj, "name", where))
        if name is None:
            raise ParseError(path, f"{where}: an artifact needs a name")
        version = clean(opt_str(path, obj, "version", where))
        kind = clean(opt_str(path, obj, "type", where))
        purl = clean(opt_str(path, obj, "purl", where))
        own = purl is not None
        if purl is None:
            purl = anchore_purl(kind, name, version, distro_id, distro_version)
        source_name, source_version = _source_package(obj)
        artifact_id = clean(opt_str(path, obj, "id", where))
        entries.append(
            Entry(
                name=name,
                purls=(purl,) if purl else (),
                version=version,
                ref=artifact_id,
                line=lines.take("id", artifact_id),
                kind=f"Syft {kind!r}" if purl is None and kind else None,
                source_name=source_name,
                source_version=source_version,
                own_purl=own,
            )
        )

    edges = EdgeSet()
    relationships = as_array(path, top.get("artifactRelationships"), "artifactRelationships")
    for i, item in enumerate(relationships):
        where = f"artifactRelationships[{i}]"
        rel = as_object(path, item, where)
        parent = clean(opt_str(path, rel, "parent", where))
        child = clean(opt_str(path, rel, "child", where))
        kind = clean(opt_str(path, rel, "type", where))
        if parent is None or child is None:
            continue
        if kind == "contains":
            edges.add("containment", parent, child)
        elif kind == "dependency-of":
            edges.add("dependency", child, parent)

    meta: dict[str, str] = {}
    roots: list[str] = []
    labels: dict[str, str] = {}
    source = top.get("source")
    if isinstance(source, dict):
        source_id = clean(opt_str(path, source, "id", "source"))
        source_name = clean(opt_str(path, source, "name", "source"))
        put(meta, "artifact_name", source_name)
        put(meta, "artifact_version", clean(opt_str(path, source, "version", "source")))
        put(meta, "artifact_kind", clean(opt_str(path, source, "type", "source")))
        if source_id:
            roots.append(source_id)
            labels[source_id] = source_name or source_id
    if distro_id:
        meta["distro"] = f"{distro_id} {distro_version}" if distro_version else distro_id
    descriptor = top.get("descriptor")
    if isinstance(descriptor, dict):
        tool = clean(opt_str(path, descriptor, "name", "descriptor")) or "syft"
        version = clean(opt_str(path, descriptor, "version", "descriptor"))
        meta["tools"] = f"{tool} {version}" if version else tool
    schema = top.get("schema")
    if isinstance(schema, dict):
        put(meta, "schema_version", clean(opt_str(path, schema, "version", "schema")))
    graph = None
    if roots and edges:
        graph = Graph(
            edges=edges.dependencies, roots=roots, containment=edges.containment, labels=labels
        )
    return assemble(path, entries, graph=graph, metadata=meta)


class SyftJsonParser:
    """Syft's JSON document (``*.syft.json``, or JSON that opens with ``"artifacts"``)."""

    format = "syft-json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.syft_json(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return parse_document(path, data)
