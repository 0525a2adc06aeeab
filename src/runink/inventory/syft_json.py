"""Syft JSON documents (``syft ... -o syft-json``, Syft's own lossless format).

The packages are ``artifacts[]``: each is identified by its ``purl`` (else one is built from
its ``type``, ``name``, ``version`` and the document's ``distro``). Distribution packages are
named after their source package, from the ``upstream`` purl qualifier or the package
metadata (``source``/``sourceVersion`` for deb, ``originPackage`` for apk); see
``runink.inventory._sbom_common``.

``artifactRelationships`` give the graph: the ``source`` (the image, directory or file
scanned) ``contains`` each package, which is structure (it gives ``path``, not ``direct``);
``A dependency-of B`` is B depending on A. Syft does not say which packages the scanned project
requires directly, so ``direct`` stays unknown for the packages the source contains.
Metadata: ``artifact_name``/``artifact_version``/``artifact_kind`` from ``source``, ``distro``,
``tools`` (Syft's version) and ``schema_version``. Lines are those of each artifact's ``id``
member.

As for SPDX and CycloneDX JSON, the document is first read with msgspec into typed structs that
hold only the members used here: Syft's ``files``, ``locations``, ``licenses`` and most of each
artifact's ``metadata`` are validated but never built into Python objects. Whatever that reading
refuses (a member of another type, say an integer ``version``; a document msgspec and orjson
might judge differently) or would report as an error is read again from orjson's values by the
general code, which gives the result or the error: both readings agree on every input the typed
one accepts (tests/inventory/test_syft_json_differential.py).
"""

from __future__ import annotations

from typing import Final

import msgspec
import orjson

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
    check_size,
    clean,
    load_json,
    opt_str,
    put,
    raw_value,
    typed_decode,
    utf8_bytes,
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
    return _source_texts(
        metadata.get("source"), metadata.get("originPackage"), metadata.get("sourceVersion")
    )


def _source_texts(
    source: object, origin: object, source_version: object
) -> tuple[str | None, str | None]:
    """(source name, source version) from the metadata members that may name them: only
    text counts (a Composer ``source`` is an object, a Cargo one a URL)."""
    name = clean(source) if isinstance(source, str) else None
    if name is None and isinstance(origin, str):
        name = clean(origin)
    return name, clean(source_version) if isinstance(source_version, str) else None


def _distro(path: str, value: object) -> tuple[str | None, str | None]:
    """The ``distro`` member's (id, versionID); a missing or empty one gives neither."""
    distro_obj = as_object(path, value or {}, "distro")
    distro_id = clean(opt_str(path, distro_obj, "id", "distro"))
    return distro_id, clean(opt_str(path, distro_obj, "versionID", "distro"))


def _document_metadata(
    path: str,
    source: object,
    descriptor: object,
    schema: object,
    distro: tuple[str | None, str | None],
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """The metadata, and the graph's roots and their labels (the scanned ``source``)."""
    meta: dict[str, str] = {}
    roots: list[str] = []
    labels: dict[str, str] = {}
    if isinstance(source, dict):
        source_id = clean(opt_str(path, source, "id", "source"))
        source_name = clean(opt_str(path, source, "name", "source"))
        put(meta, "artifact_name", source_name)
        put(meta, "artifact_version", clean(opt_str(path, source, "version", "source")))
        put(meta, "artifact_kind", clean(opt_str(path, source, "type", "source")))
        if source_id:
            roots.append(source_id)
            labels[source_id] = source_name or source_id
    distro_id, distro_version = distro
    if distro_id:
        meta["distro"] = f"{distro_id} {distro_version}" if distro_version else distro_id
    if isinstance(descriptor, dict):
        tool = clean(opt_str(path, descriptor, "name", "descriptor")) or "syft"
        version = clean(opt_str(path, descriptor, "version", "descriptor"))
        meta["tools"] = f"{tool} {version}" if version else tool
    if isinstance(schema, dict):
        put(meta, "schema_version", clean(opt_str(path, schema, "version", "schema")))
    return meta, roots, labels


def _entry(
    name: str,
    version: str | None,
    kind: str | None,
    purl: str | None,
    distro: tuple[str | None, str | None],
    ref: str | None,
    line: int | None,
    source: tuple[str | None, str | None],
) -> Entry:
    """One artifact's entry, from its stripped members. Without a purl of its own, one is
    built from its type (when Syft's type has an ecosystem)."""
    own = purl is not None
    if purl is None:
        purl = anchore_purl(kind, name, version, distro[0], distro[1])
    # Entry's fields in order (positional: a call per artifact, thousands in a Syft document).
    return Entry(
        name,
        (purl,) if purl else (),
        version,
        ref,
        line,
        f"Syft {kind!r}" if purl is None and kind else None,
        None,
        None,
        (),
        source[0],
        source[1],
        False,
        own,
        False,
    )


def _graph(edges: EdgeSet, roots: list[str], labels: dict[str, str]) -> Graph | None:
    """The graph, when the scanned source is known and there are edges."""
    if not (roots and edges):
        return None
    return Graph(
        edges=edges.dependencies, roots=roots, containment=edges.containment, labels=labels
    )


def _general_document(path: str, data: bytes) -> ParseResult:
    """The document read from orjson's values: the reading that names what is wrong."""
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    if "artifacts" not in top:
        raise ParseError(path, "not a Syft JSON document: no 'artifacts'")
    distro = _distro(path, top.get("distro"))
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
        source = _source_package(obj)
        artifact_id = clean(opt_str(path, obj, "id", where))
        line = lines.take("id", artifact_id)
        entries.append(_entry(name, version, kind, purl, distro, artifact_id, line, source))

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

    meta, roots, labels = _document_metadata(
        path, top.get("source"), top.get("descriptor"), top.get("schema"), distro
    )
    return assemble(path, entries, graph=_graph(edges, roots, labels), metadata=meta)


# --------------------------------------------------------------------------------------------
# The typed reading (msgspec): only the members used here; anything else is left to the
# general reading.


class _Metadata(msgspec.Struct, gc=False):
    # Any JSON value: only text is used, and a Composer ``source`` is an object.
    source: object = None
    originPackage: object = None
    sourceVersion: object = None


class _Artifact(msgspec.Struct, gc=False):
    ident: str | None = msgspec.field(default=None, name="id")
    name: str | None = None
    version: str | None = None
    kind: str | None = msgspec.field(default=None, name="type")
    purl: str | None = None
    metadata: _Metadata | None = None


class _Relationship(msgspec.Struct, gc=False):
    parent: str | None = None
    child: str | None = None
    kind: str | None = msgspec.field(default=None, name="type")


class _Syft(msgspec.Struct, gc=False):
    artifacts: list[_Artifact] | None = None  # None (absent or null): the general reading
    artifactRelationships: list[_Relationship] | None = None
    distro: msgspec.Raw = msgspec.Raw()  # empty when absent
    source: msgspec.Raw = msgspec.Raw()
    descriptor: msgspec.Raw = msgspec.Raw()
    schema: msgspec.Raw = msgspec.Raw()


_SYFT_DECODER: Final = msgspec.json.Decoder(_Syft)

# The start of the escapes that can spell a letter of the member name ``id`` ("\u0069d",
# "i\u0064"); no JSON writer escapes the letters from "`" to "o" that it also covers.
_ESCAPED_ID_LETTER: Final = b"\\u006"


def _artifact_lines(
    raw: bytes, artifacts: list[_Artifact], ids: list[str | None]
) -> list[int | None]:
    """The line of each artifact (``ids``: their stripped ``id``), as the general reading's
    ``LineIndex.take`` gives it, without scanning a one-line document.

    Syft writes its JSON on one line (12 MB for a large scan), then a newline. When no newline
    comes before the document's closing brace (the typed reading has read an object, so every
    pair lies before it), ``take`` gives 1 for a value that some ``"id": "value"`` pair in the
    document has, else None. An artifact whose ``id`` is written without surrounding white
    space has such a pair, its own member, unless the member's name is spelled with an escape
    (``"\\u0069d"``), which the scan does not read as ``id``. Otherwise (newlines, such an
    escape anywhere, a padded ``id``) the document is scanned."""
    one_line = raw.find(b"\n", 0, raw.rfind(b"}")) < 0
    # Searched backwards: the search then tests each window's rare first byte ("\\").
    if one_line and raw.rfind(_ESCAPED_ID_LETTER) < 0:
        lines: list[int | None] = []
        append = lines.append
        for item, artifact_id in zip(artifacts, ids, strict=True):
            if artifact_id is None:
                append(None)
            elif artifact_id == item.ident:
                append(1)
            else:
                break
        else:
            return lines
    return LineIndex(raw, ("id",)).take_all("id", ids)


def _typed_entries(
    artifacts: list[_Artifact], raw: bytes, distro: tuple[str | None, str | None]
) -> list[Entry] | None:
    """The entries of typed artifacts, or None when one has no name (an error)."""
    ids = [None if (ident := item.ident) is None else ident.strip() or None for item in artifacts]
    lines = _artifact_lines(raw, artifacts, ids)
    entries: list[Entry] = []
    append = entries.append
    no_source = (None, None)
    for item, artifact_id, line in zip(artifacts, ids, lines, strict=True):
        name = item.name
        if name is None or not (name := name.strip()):
            return None
        version = item.version
        if version is not None:
            version = version.strip() or None
        kind = item.kind
        if kind is not None:
            kind = kind.strip() or None
        purl = item.purl
        if purl is not None:
            purl = purl.strip() or None
        metadata = item.metadata
        source = (
            no_source
            if metadata is None
            else _source_texts(metadata.source, metadata.originPackage, metadata.sourceVersion)
        )
        append(_entry(name, version, kind, purl, distro, artifact_id, line, source))
    return entries


def _typed_edges(relationships: list[_Relationship]) -> EdgeSet:
    """The edges of typed relationships, as the general reading adds them."""
    edges = EdgeSet()
    add = edges.add
    for rel in relationships:
        kind = rel.kind
        parent = rel.parent
        child = rel.child
        if kind is None or parent is None or child is None:
            continue
        parent = parent.strip()
        child = child.strip()
        if not parent or not child:
            continue
        kind = kind.strip()
        if kind == "contains":
            add("containment", parent, child)
        elif kind == "dependency-of":
            add("dependency", child, parent)
    return edges


def _typed_document(path: str, raw: bytes) -> ParseResult | None:
    """The document read through the typed structs, or None for the general reading."""
    doc = typed_decode(_SYFT_DECODER, raw)
    if doc is None or doc.artifacts is None:
        return None
    try:
        distro = _distro(path, raw_value(doc.distro))
        entries = _typed_entries(doc.artifacts, raw, distro)
        if entries is None:
            return None
        meta, roots, labels = _document_metadata(
            path,
            raw_value(doc.source),
            raw_value(doc.descriptor),
            raw_value(doc.schema),
            distro,
        )
    except (ParseError, orjson.JSONDecodeError):
        return None
    edges = _typed_edges(doc.artifactRelationships or [])
    return assemble(path, entries, graph=_graph(edges, roots, labels), metadata=meta)


def parse_document(path: str, data: bytes) -> ParseResult:
    check_size(path, data)
    typed = _typed_document(path, utf8_bytes(path, data))
    if typed is not None:
        return typed
    return _general_document(path, data)


class SyftJsonParser:
    """Syft's JSON document (``*.syft.json``, or JSON that opens with ``"artifacts"``)."""

    format = "syft-json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.syft_json(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return parse_document(path, data)
