"""Parse rate per input format over real lockfiles (components per second).

    python bench/bench_inventory.py

Every file under ../shared/data/real-lockfiles that a registered parser claims (asked the way
discovery asks: base name, then parent/name, with the first 4 KiB) is read once and parsed in
memory, so the figures are parser time only. Per format: files, components, the best of N
runs over all of that format's files, components per second, and megabytes per second (the
TOML lockfiles carry 2-3 KB of file hashes per component, which bounds components/s). Target: >= 50,000
components/s for the JSON and TOML formats.

Times are CPU seconds of this process (all threads), the least of N runs: on a machine shared
with other work they estimate idle wall time better than wall time does.

A second table covers the JSON formats the real lockfiles lack (SBOMs and scanner reports:
CycloneDX, SPDX, Syft, Trivy, ...) over the documents of ../shared/data/sbom (unpacked once into
bench/.cache), and the small real fixtures of ../shared/data/lockfile-fixtures for Pipfile.lock,
packages.lock.json and bun.lock; files a parser refuses are left out.

The real lockfiles include no pdm.lock or pylock.toml, so those two rows come from the real
uv.lock files: the same packages, versions, dependencies, file names, URLs and hashes, written
in each format's own layout (in memory, never saved). For the TOML formats a second column
gives the rate with the standard library's ``tomllib`` alone, as before ``toml-rs``.

Likewise the real SPDX 3.0 JSON-LD files hold a few packages each (their row is per-file cost,
not a rate, and says so), so a further row times SPDX 3.0.1 JSON-LD forms of the largest real
SPDX 2 JSON and CycloneDX JSON documents (same packages, versions, purls and dependency graph;
in memory, never saved), checked first to yield the same components as their sources.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shared import CACHE, ROOT, calibration, require_shared

REPEAT = 15
TARGET = 50_000
TOML_FORMATS = ("uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Cargo.lock")
JSON_FORMATS = (
    "package-lock.json",
    "composer.lock",
    "Pipfile.lock",
    "packages.lock.json",
    "bun.lock",
    "trivy-json",
    "grype-json",
    "syft-json",
    "cyclonedx-json",
    "spdx-json",
    "spdx3-jsonld",
    "spdx3-jsonld (from SPDX 2 / CycloneDX)",
)

Sample = tuple[Any, str, bytes]  # (parser, path shown in messages, bytes)


def real_samples(root: Path) -> list[Sample]:
    from runink.inventory.discovery import HEAD_BYTES, pick_parser
    from runink.inventory.registry import all_parsers

    parsers = all_parsers()
    samples: list[Sample] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        parser = pick_parser(parsers, path, data[:HEAD_BYTES])
        if parser is not None:
            samples.append((parser, path.relative_to(root).as_posix(), data))
    return samples


def document_samples(shared: Path) -> list[Sample]:
    """SBOMs and scanner reports (sbom/*.tar.gz, sbom/osv-sbom-fixtures), and the lockfile
    fixtures, that a parser claims and reads without error."""
    import tarfile

    from runink.errors import ParseError
    from runink.inventory.discovery import HEAD_BYTES, pick_parser
    from runink.inventory.registry import all_parsers

    target = CACHE / "sbom"
    for archive in sorted((shared / "sbom").glob("*.tar.gz")):
        if not (target / archive.name).exists():
            target.mkdir(parents=True, exist_ok=True)
            with tarfile.open(archive) as tar:
                tar.extractall(target, filter="data")
            (target / archive.name).touch()
    roots = [target, shared / "sbom", shared / "lockfile-fixtures"]
    parsers = all_parsers()
    samples: list[Sample] = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".gz"):
            data = path.read_bytes()
            parser = pick_parser(parsers, path, data[:HEAD_BYTES])
            if parser is None or parser.format not in JSON_FORMATS:
                continue
            try:
                parser.parse(path.name, data)
            except ParseError:
                continue
            samples.append((parser, path.relative_to(root).as_posix(), data))
    return samples


def converted_samples(root: Path) -> list[Sample]:
    """pdm.lock and pylock.toml documents holding the packages of each real uv.lock."""
    import tomllib

    from runink.inventory.pdm_lock import PdmLockParser
    from runink.inventory.pylock_toml import PylockTomlParser

    samples: list[Sample] = []
    for path in sorted(root.rglob("uv.lock")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        packages = [p for p in doc.get("package", []) if isinstance(p.get("version"), str)]
        rel = path.relative_to(root).parent.as_posix()
        samples.append((PdmLockParser(), f"{rel}/pdm.lock (from uv.lock)", pdm_lock(packages)))
        samples.append(
            (PylockTomlParser(), f"{rel}/pylock.toml (from uv.lock)", pylock_toml(packages))
        )
    return samples


def q(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's for these texts)."""
    return json.dumps(text, ensure_ascii=False)


def _files(package: dict[str, Any]) -> list[tuple[str, str, str, int | None]]:
    """(file name, url, sha256, size) of the package's sdist and wheels."""
    files = []
    for item in [package.get("sdist"), *package.get("wheels", [])]:
        if isinstance(item, dict) and "url" in item and "hash" in item:
            url = item["url"]
            files.append(
                (url.rsplit("/", 1)[-1], url, item["hash"].split(":", 1)[-1], item.get("size"))
            )
    return files


def pdm_lock(packages: list[dict[str, Any]]) -> bytes:
    out = [
        "# This file is @generated by PDM.",
        "# It is not intended for manual editing.",
        "",
        "[metadata]",
        'groups = ["default"]',
        'strategy = ["inherit_metadata"]',
        'lock_version = "4.5.0"',
        'content_hash = "sha256:' + "0" * 64 + '"',
        "",
    ]
    for package in packages:
        out += [
            "[[package]]",
            f"name = {q(package['name'])}",
            f"version = {q(package['version'])}",
            'groups = ["default"]',
        ]
        deps = [d["name"] for d in package.get("dependencies", []) if "name" in d]
        if deps:
            out.append("dependencies = [")
            out += [f"    {q(d)}," for d in deps]
            out.append("]")
        files = _files(package)
        if files:
            out.append("files = [")
            out += [
                f'    {{file = {q(name)}, hash = "sha256:{digest}"}},'
                for name, _, digest, _ in files
            ]
            out.append("]")
        out.append("")
    return "\n".join(out).encode()


def pylock_toml(packages: list[dict[str, Any]]) -> bytes:
    out = ['lock-version = "1.0"', 'created-by = "runink-bench"', 'requires-python = ">=3.10"', ""]
    for package in packages:
        out += [
            "[[packages]]",
            f"name = {q(package['name'])}",
            f"version = {q(package['version'])}",
            'index = "https://pypi.org/simple"',
        ]
        files = _files(package)
        sdists = [f for f in files if not f[0].endswith(".whl")]
        wheels = [f for f in files if f[0].endswith(".whl")]
        for name, url, digest, size in sdists[:1]:
            size_part = f", size = {size}" if size is not None else ""
            out.append(
                f"sdist = {{ name = {q(name)}, url = {q(url)}{size_part}, "
                f'hashes = {{ sha256 = "{digest}" }} }}'
            )
        if wheels:
            out.append("wheels = [")
            for name, url, digest, size in wheels:
                size_part = f", size = {size}" if size is not None else ""
                out.append(
                    f"    {{ name = {q(name)}, url = {q(url)}{size_part}, "
                    f'hashes = {{ sha256 = "{digest}" }} }},'
                )
            out.append("]")
        out.append("")
    return "\n".join(out).encode()


# --------------------------------------------------------------------------------------------
# SPDX 3.0 JSON-LD documents converted from the largest real SPDX 2 and CycloneDX documents

SPDX3_LABEL = "spdx3-jsonld (from SPDX 2 / CycloneDX)"
SPDX3_SOURCES = 5  # the largest documents taken from each of SPDX 2 JSON and CycloneDX JSON
SMALL_CORPUS = 100  # fewer components than this: the row measures per-file cost, not a rate
# SPDX 2 relationship type -> (SPDX 3 relationshipType, whether the direction turns round)
SPDX2_TO_3 = {
    "DEPENDS_ON": ("dependsOn", False),
    "DEPENDENCY_OF": ("dependsOn", True),
    "CONTAINS": ("contains", False),
    "CONTAINED_BY": ("contains", True),
    "DESCRIBES": ("describes", False),
    "DESCRIBED_BY": ("describes", True),
}
CDX_PURPOSES = {"operating-system": "operatingSystem"}  # other CycloneDX types are SPDX's words


class Labelled:
    """A parser shown under another row label (its ``parse`` is the parser's own method, so
    the timing carries no extra call)."""

    def __init__(self, parser: Any, label: str) -> None:
        self.format = label
        self.parse = parser.parse


class Spdx3Writer:
    """Builds an SPDX 3.0.1 JSON-LD ``@graph`` the way SPDX 3 tools write one: a blank-node
    ``CreationInfo`` every element points to, the creating Tool and Organization, the packages
    (``software_Package``), one ``Relationship`` element per source relationship, and the
    ``SpdxDocument`` with its ``rootElement``."""

    def __init__(self, name: str) -> None:
        self.ns = f"https://spdx.org/spdxdocs/{name}-runink-bench-specv3"
        self.graph: list[dict[str, Any]] = [
            {
                "@id": "_:creationInfo_0",
                "type": "CreationInfo",
                "specVersion": "3.0.1",
                "createdBy": [f"{self.ns}/SPDXRef-Organization"],
                "createdUsing": [f"{self.ns}/SPDXRef-Tool"],
                "created": "2026-01-01T00:00:00Z",
            },
            self.element("Tool", "SPDXRef-Tool", name="runink-bench converter"),
            self.element("Organization", "SPDXRef-Organization", name="Runink"),
        ]
        self.name = name
        self.count = 0

    def element(self, kind: str, local: str, **members: Any) -> dict[str, Any]:
        return {
            "spdxId": f"{self.ns}/{local}",
            "type": kind,
            **members,
            "creationInfo": "_:creationInfo_0",
        }

    def package(
        self,
        local: str,
        name: str,
        version: str | None,
        purls: list[str],
        cpes: list[str],
        purpose: str | None,
        purl_member: bool,
    ) -> str:
        """A package; its first purl as ``software_packageUrl`` (``purl_member``) or as an
        ``externalIdentifier`` of type ``packageUrl``, further purls and CPEs as identifiers."""
        members: dict[str, Any] = {"name": name}
        if version:
            members["software_packageVersion"] = version
        members["software_downloadLocation"] = "NOASSERTION"
        if purpose:
            members["software_primaryPurpose"] = purpose
        idents = [("packageUrl", p) for p in (purls[1:] if purl_member else purls)]
        idents += [("cpe23" if c.startswith("cpe:2.3:") else "cpe22", c) for c in cpes]
        if idents:
            members["externalIdentifier"] = [
                {"type": "ExternalIdentifier", "externalIdentifierType": k, "identifier": v}
                for k, v in idents
            ]
        if purl_member and purls:
            members["software_packageUrl"] = purls[0]
        self.graph.append(self.element("software_Package", local, **members))
        return f"{self.ns}/{local}"

    def relationship(self, kind: str, source: str, targets: list[str]) -> None:
        self.count += 1
        rel = self.element(
            "Relationship", f"SPDXRef-Relationship-{self.count}", relationshipType=kind, to=targets
        )
        rel["from"] = source
        self.graph.append(rel)

    def document(self, roots: list[str]) -> bytes:
        doc = self.element(
            "SpdxDocument",
            "document0",
            name=self.name,
            rootElement=roots,
            profileConformance=["core", "software"],
        )
        graph = [*self.graph, doc]
        text = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}
        return json.dumps(text, indent=2, ensure_ascii=False).encode()


def spdx3_from_spdx2(doc: dict[str, Any], name: str) -> bytes:
    """An SPDX 2 JSON document's packages and package relationships, as SPDX 3.0.1 writes
    them after conversion (as the SPDX tools' 2-to-3 converter does: purl as
    ``software_packageUrl``, one relationship per SPDX 2 relationship). Files, and relationships
    to them, are left out: the packages are what is compared and timed."""
    out = Spdx3Writer(name)
    ids: dict[str, str] = {doc.get("SPDXID", "SPDXRef-DOCUMENT"): f"{out.ns}/document0"}
    for package in doc.get("packages", []):
        refs = package.get("externalRefs", [])
        purls = [r["referenceLocator"] for r in refs if r.get("referenceType") == "purl"]
        cpes = [r["referenceLocator"] for r in refs if r.get("referenceType", "").startswith("cpe")]
        purpose = package.get("primaryPackagePurpose", "").lower().replace("_", "") or None
        spdx_id = package["SPDXID"]
        ids.setdefault(
            spdx_id,
            out.package(
                spdx_id,
                package["name"],
                package.get("versionInfo"),
                purls,
                cpes,
                purpose,
                purl_member=True,
            ),
        )
    roots = [ids[r] for r in doc.get("documentDescribes", []) if r in ids]
    for rel in doc.get("relationships", []):
        rule = SPDX2_TO_3.get(rel.get("relationshipType", ""))
        source, target = ids.get(rel.get("spdxElementId")), ids.get(rel.get("relatedSpdxElement"))
        if rule is None or source is None or target is None:
            continue
        kind, reverse = rule
        if reverse:
            source, target = target, source
        out.relationship(kind, source, [target])
        if kind == "describes" and target not in roots:
            roots.append(target)
    return out.document(roots)


def spdx3_from_cyclonedx(doc: dict[str, Any], name: str) -> bytes:
    """A CycloneDX JSON document's metadata component and components (nested ones with a
    ``contains`` from their parent) and its ``dependencies`` as ``dependsOn`` relationships (one
    per ``ref``, as a native SPDX 3 writer groups them); purls as ``externalIdentifier`` of type
    ``packageUrl``, the other form SPDX 3.0.1 gives them."""
    out = Spdx3Writer(name)
    ids: dict[str, str] = {}

    def add(component: dict[str, Any], parent: str | None) -> str:
        local = f"SPDXRef-Package-{len(ids) + 1}"
        cname, group = component.get("name", ""), component.get("group")
        kind = component.get("type")
        ref = out.package(
            local,
            f"{group}/{cname}" if group and cname else cname,
            component.get("version"),
            [component["purl"]] if component.get("purl") else [],
            [component["cpe"]] if component.get("cpe") else [],
            CDX_PURPOSES.get(kind, kind) if kind else None,
            purl_member=False,
        )
        ids.setdefault(component.get("bom-ref") or local, ref)
        if parent is not None:
            out.relationship("contains", parent, [ref])
        for child in component.get("components", []):
            add(child, ref)
        return ref

    root = doc.get("metadata", {}).get("component")
    roots = [add(root, None)] if root else []
    for component in doc.get("components", []):
        add(component, None)
    for dep in doc.get("dependencies", []):
        targets = [ids[t] for t in dep.get("dependsOn", []) if t in ids]
        if dep.get("ref") in ids and targets:
            out.relationship("dependsOn", ids[dep["ref"]], targets)
    return out.document(roots)


def package_keys(parser: Any, path: str, data: bytes) -> set[tuple[str, str, str, str]]:
    """(ecosystem, name, version, purl) of every component a document yields."""
    result = parser.parse(path, data)
    return {(c.ecosystem, c.name, c.version, c.purl) for c in result.components}


def spdx3_samples(documents: list[Sample]) -> list[Sample]:
    """SPDX 3.0.1 JSON-LD forms of the SPDX 2 JSON and CycloneDX JSON documents with the most
    packages (documents listing the same components, as ``bom.1.2``/``1.3``/``1.4`` of one
    project do, count once). SPDX 2
    documents with a ``sourceInfo`` of ``built package from: ...`` (Trivy's) are passed over:
    the SPDX 2 parser names such a Debian package after its source package, and the SPDX 3
    parser does not read ``software_sourceInfo``, so the two would not list the same
    packages."""
    from runink.inventory.spdx3_jsonld import Spdx3JsonLdParser

    convert = {"spdx-json": spdx3_from_spdx2, "cyclonedx-json": spdx3_from_cyclonedx}
    ranked = []
    for parser, path, data in documents:
        if parser.format in convert and b"built package from" not in data.lower():
            keys = frozenset(package_keys(parser, path, data))
            ranked.append((-len(keys), path, keys, parser, data))
    ranked.sort(key=lambda r: r[:2])
    samples: list[Sample] = []
    for fmt, writer in convert.items():
        taken: set[frozenset[tuple[str, str, str, str]]] = set()
        for _, path, keys, parser, data in ranked:
            if parser.format != fmt or keys in taken or len(taken) >= SPDX3_SOURCES:
                continue
            taken.add(keys)
            name = path.rsplit("/", 1)[-1].split(".")[0]
            spdx3 = writer(json.loads(data), name)
            samples.append(
                (Labelled(Spdx3JsonLdParser(), SPDX3_LABEL), f"{path} (as SPDX 3)", spdx3)
            )
    return samples


def check_spdx3(documents: list[Sample], converted: list[Sample]) -> None:
    """Each converted document yields the same components as its source (printed; stops the
    run when one does not: the figure would then time something else)."""
    sources = {path: (parser, data) for parser, path, data in documents}
    total = 0
    for parser, path, data in converted:
        source = path.removesuffix(" (as SPDX 3)")
        expected = package_keys(*sources[source][:1], source, sources[source][1])
        found = package_keys(parser, path, data)
        total += len(found)
        assert found == expected, (
            f"{path}: {len(expected - found)} packages lost, {len(found - expected)} differ: "
            f"{sorted(expected ^ found)[:5]}"
        )
    print(
        f"  {SPDX3_LABEL}: {len(converted)} documents, {total:,} components, the same "
        "(ecosystem, name, version, purl) as their SPDX 2 / CycloneDX sources: yes"
    )


def best_of(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """The least CPU time (this process, all threads) of ``repeat`` calls: on a shared machine
    it estimates the wall time on an idle one far better than wall time does."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def parse_all(samples: list[Sample]) -> int:
    """Parse every sample as discovery does (``parse_bytes``: the cyclic GC paused)."""
    from runink.inventory.discovery import parse_bytes

    return sum(len(parse_bytes(parser, path, data).components) for parser, path, data in samples)


@contextmanager
def tomllib_only() -> Iterator[None]:
    """Parse TOML with the standard library alone (how Runink read TOML before toml-rs)."""
    from runink.inventory import _toml

    saved = _toml._fast_parser
    _toml._fast_parser = lambda: None
    try:
        yield
    finally:
        _toml._fast_parser = saved


def report(title: str, samples: list[Sample], with_files: bool) -> None:
    by_format: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_format[sample[0].format].append(sample)
    print(title)
    width = max([18, *map(len, by_format)])
    header = (
        f"  {'format':<{width}} {'files':>5} {'components':>10} {'seconds':>9} {'components/s':>13}"
        f" {'MB/s':>6}"
    )
    print(header + f"  {'tomllib only':>12}  target")
    for fmt in sorted(by_format, key=lambda f: (f not in TOML_FORMATS, f not in JSON_FORMATS, f)):
        group = by_format[fmt]
        components = parse_all(group)  # warm-up, and the count
        seconds = best_of(functools.partial(parse_all, group))
        rate = components / seconds
        baseline = ""
        if fmt in TOML_FORMATS:
            with tomllib_only():
                baseline = f"{components / best_of(functools.partial(parse_all, group)):>12,.0f}"
        target = ""
        if fmt in TOML_FORMATS or fmt in JSON_FORMATS:
            target = f">= {TARGET:,}: {'met' if rate >= TARGET else 'MISSED'}"
            if components < SMALL_CORPUS:
                target = f"n/a: {components} components, per-file cost, not a rate"
        megabytes = sum(len(data) for _, _, data in group) / 1e6
        print(
            f"  {fmt:<{width}} {len(group):>5} {components:>10,} {seconds:>9.4f} {rate:>13,.0f}"
            f" {megabytes / seconds:>6.1f}  {baseline:>12}  {target}"
        )
    if with_files:
        print("files:")
        for fmt, group in sorted(by_format.items()):
            print(f"  {fmt}: " + ", ".join(path for _, path, _ in group))


def main() -> None:
    from runink.inventory import _toml

    shared = require_shared()
    root = shared / "real-lockfiles"
    print(calibration())
    print(f"  (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
    print(f"  TOML: {_toml.fast_parser()}")
    report(
        f"parse rate per format over {root} (in memory, best of {REPEAT}, CPU seconds):",
        real_samples(root) + converted_samples(root),
        with_files=True,
    )
    documents = document_samples(shared)
    converted = spdx3_samples(documents)
    check_spdx3(documents, converted)
    report(
        "SBOMs, scanner reports and JSON lockfile fixtures (sbom/, lockfile-fixtures/):",
        documents + converted,
        with_files=False,
    )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
