"""Grype JSON reports (``grype ... -o json``).

Grype reports matches, not an inventory: its package list is the set of matched artifacts
(``matches[].artifact``, plus ``ignoredMatches[].artifact``, which are still installed), each
listed once however many vulnerabilities it has. Packages without a match are not in the
report; scan the SBOM Grype read (or a Syft JSON) for a full inventory. The ``source``
(the image or directory scanned) is the artifact the metadata describes, not a package.

An artifact is identified by its ``purl`` (else one is built from its ``type``, ``name``,
``version`` and the report's ``distro``); ``upstreams[0]`` names the source package of a
distribution package (see ``runink.inventory._sbom_common`` for why that is the component's
name). Metadata: ``artifact_name`` (the user's input, e.g. the image reference),
``artifact_kind`` (``image``, ``directory``, ``sbom``, ...), ``image_id``, ``distro``, ``tools``
(Grype's version) and ``matches``. Lines are those of each artifact's ``id`` member.
"""

from __future__ import annotations

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._sbom_common import (
    Entry,
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

__all__ = ["GrypeJsonParser"]


def _artifact(
    path: str,
    obj: dict[str, object],
    where: str,
    lines: LineIndex,
    distro: tuple[str | None, str | None],
) -> Entry:
    name = clean(opt_str(path, obj, "name", where))
    if name is None:
        raise ParseError(path, f"{where}: an artifact needs a name")
    version = clean(opt_str(path, obj, "version", where))
    purl = clean(opt_str(path, obj, "purl", where))
    kind = clean(opt_str(path, obj, "type", where))
    own = purl is not None
    if purl is None:
        purl = anchore_purl(kind, name, version, *distro)
    source_name = source_version = None
    upstreams = as_array(path, obj.get("upstreams"), f"{where}.upstreams")
    if upstreams:
        first = as_object(path, upstreams[0], f"{where}.upstreams[0]")
        source_name = clean(opt_str(path, first, "name", f"{where}.upstreams[0]"))
        source_version = clean(opt_str(path, first, "version", f"{where}.upstreams[0]"))
    artifact_id = clean(opt_str(path, obj, "id", where))
    line = lines.take("id", artifact_id)
    if line is None and own:
        line = lines.take("purl", purl)
    return Entry(
        name=name,
        purls=(purl,) if purl else (),
        version=version,
        ref=artifact_id,
        line=line,
        kind=f"Grype {kind!r}" if purl is None and kind else None,
        source_name=source_name,
        source_version=source_version,
        own_purl=own,
    )


def parse_report(path: str, data: bytes) -> ParseResult:
    value, raw = load_json(path, data)
    top = as_object(path, value, "document")
    if "matches" not in top:
        raise ParseError(path, "not a Grype JSON report: no 'matches'")
    distro_obj = as_object(path, top.get("distro") or {}, "distro")
    distro = (
        clean(opt_str(path, distro_obj, "name", "distro")),
        clean(opt_str(path, distro_obj, "version", "distro")),
    )
    lines = LineIndex(raw, ("id", "purl"))
    entries: list[Entry] = []
    seen: set[str] = set()
    count = 0
    for key in ("matches", "ignoredMatches"):
        for i, item in enumerate(as_array(path, top.get(key), key)):
            where = f"{key}[{i}]"
            match = as_object(path, item, where)
            if key == "matches":
                count += 1
            artifact = as_object(path, match.get("artifact"), f"{where}.artifact")
            artifact_id = artifact.get("id")
            identity = (
                artifact_id
                if isinstance(artifact_id, str) and artifact_id
                else f"{artifact.get('purl')}|{artifact.get('name')}@{artifact.get('version')}"
            )
            if identity in seen:
                continue
            seen.add(identity)
            entries.append(_artifact(path, artifact, f"{where}.artifact", lines, distro))
    meta: dict[str, str] = {}
    source = top.get("source")
    if isinstance(source, dict):
        put(meta, "artifact_kind", clean(opt_str(path, source, "type", "source")))
        target = source.get("target")
        if isinstance(target, str):
            put(meta, "artifact_name", clean(target))
        elif isinstance(target, dict):
            put(meta, "artifact_name", clean(opt_str(path, target, "userInput", "source.target")))
            put(meta, "image_id", clean(opt_str(path, target, "imageID", "source.target")))
            put(
                meta,
                "artifact_version",
                clean(opt_str(path, target, "manifestDigest", "source.target")),
            )
    if distro[0]:
        meta["distro"] = f"{distro[0]} {distro[1]}" if distro[1] else distro[0]
    descriptor = top.get("descriptor")
    if isinstance(descriptor, dict):
        tool = clean(opt_str(path, descriptor, "name", "descriptor")) or "grype"
        version = clean(opt_str(path, descriptor, "version", "descriptor"))
        meta["tools"] = f"{tool} {version}" if version else tool
        put(meta, "created", clean(opt_str(path, descriptor, "timestamp", "descriptor")))
    meta["matches"] = str(count)
    return assemble(path, entries, metadata=meta)


class GrypeJsonParser:
    """Grype's JSON report (``*.grype.json``, or JSON that opens with ``"matches"``)."""

    format = "grype-json"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.grype_json(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        return parse_report(path, data)
