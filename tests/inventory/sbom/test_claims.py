"""Which SBOM parser claims which file: by name conventions and by sniffing the head."""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.inventory.base import Parser
from runink.inventory.cyclonedx_json import CycloneDxJsonParser
from runink.inventory.cyclonedx_xml import CycloneDxXmlParser
from runink.inventory.grype_json import GrypeJsonParser
from runink.inventory.spdx3_jsonld import Spdx3JsonLdParser
from runink.inventory.spdx_json import SpdxJsonParser
from runink.inventory.spdx_tagvalue import SpdxTagValueParser
from runink.inventory.syft_json import SyftJsonParser
from runink.inventory.trivy_json import TrivyJsonParser
from tests.conftest import shared_path
from tests.inventory.sbom.conftest import FIXTURES

PARSERS: tuple[Parser, ...] = (
    CycloneDxJsonParser(),
    CycloneDxXmlParser(),
    SpdxJsonParser(),
    SpdxTagValueParser(),
    Spdx3JsonLdParser(),
    TrivyJsonParser(),
    GrypeJsonParser(),
    SyftJsonParser(),
)


def claimants(filename: str, head: bytes) -> list[str]:
    return [p.format for p in PARSERS if p.claims(filename, head[:4096])]


def test_formats_are_the_documented_identifiers() -> None:
    assert [p.format for p in PARSERS] == [
        "cyclonedx-json",
        "cyclonedx-xml",
        "spdx-json",
        "spdx-tag-value",
        "spdx3-jsonld",
        "trivy-json",
        "grype-json",
        "syft-json",
    ]


CDX_HEAD = b'{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.5",\n'
CDX_XML_HEAD = (
    b'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">'
)
SPDX_HEAD = b'{\n  "spdxVersion": "SPDX-2.3",\n  "SPDXID": "SPDXRef-DOCUMENT",'
TAG_VALUE_HEAD = b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n"
SPDX3_HEAD = b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}'


@pytest.mark.parametrize(
    ("filename", "head", "expected"),
    [
        # Names alone.
        ("bom.json", b"", ["cyclonedx-json"]),
        ("app.cdx.json", b"", ["cyclonedx-json"]),
        ("App.CycloneDX.json", b"", ["cyclonedx-json"]),
        ("bom.xml", b"", ["cyclonedx-xml"]),
        ("image.cdx.xml", b"", ["cyclonedx-xml"]),
        ("image.spdx.json", b"", ["spdx-json"]),
        ("image.spdx", b"", ["spdx-tag-value"]),
        ("image.spdx3.json", b"", ["spdx3-jsonld"]),
        ("scan.trivy.json", b"", ["trivy-json"]),
        ("scan.grype.json", b"", ["grype-json"]),
        ("scan.syft.json", b"", ["syft-json"]),
        # Sniffed heads under other names.
        ("sbom.json", CDX_HEAD, ["cyclonedx-json"]),
        ("artifact.sbom", CDX_HEAD, ["cyclonedx-json"]),
        ("sbom.xml", CDX_XML_HEAD, ["cyclonedx-xml"]),
        ("sbom.json", SPDX_HEAD, ["spdx-json"]),
        ("sorted.json", b'{"SPDXID": "SPDXRef-DOCUMENT", "creationInfo": {}}', ["spdx-json"]),
        ("release.txt", TAG_VALUE_HEAD, ["spdx-tag-value"]),
        ("example1.json", SPDX3_HEAD, ["spdx3-jsonld"]),
        ("report.json", b'{\n  "SchemaVersion": 2,\n  "ArtifactName": "alpine"', ["trivy-json"]),
        ("report.json", b'{"matches":[{"vulnerability":{"id":"CVE-1"', ["grype-json"]),
        ("sbom.json", b'{\n "artifacts": [\n  {\n   "id": "1", "foundBy": "x"', ["syft-json"]),
        # A generic CycloneDX name holding another format goes to that format's parser.
        ("bom.json", SPDX_HEAD, ["spdx-json"]),
        ("bom.json", SPDX3_HEAD, ["spdx3-jsonld"]),
        ("app.bom.json", b'{"matches": [], "descriptor": {"name": "grype"}}', ["grype-json"]),
        # A tag-value document saved under a JSON name goes to the tag-value parser.
        ("grype-sbom-modified.spdx.json", TAG_VALUE_HEAD, ["spdx-tag-value"]),
        # Other serialisations under SPDX names are not tag-value.
        ("sbom.spdx", b'<?xml version="1.0"?>\n<rdf:RDF', []),
        ("sbom.spdx", b'{"spdxVersion": "SPDX-2.3"', ["spdx-json"]),
        # Ordinary files.
        ("package.json", b'{\n  "name": "app",\n  "version": "1.0.0"', []),
        ("package-lock.json", b'{\n  "name": "app",\n  "lockfileVersion": 3', []),
        ("composer.lock", b'{\n    "_readme": ["This file locks"]', []),
        (
            "pom.xml",
            b'<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">',
            [],
        ),
        ("README.md", b'Our SBOM has "bomFormat": "CycloneDX" and "spdxVersion": "SPDX-2.3".', []),
        ("sbom.spdx.yml", b'SPDXID: "SPDXRef-DOCUMENT"\nspdxVersion: "SPDX-2.3"\n', []),
        (
            "sbom.spdx.rdf",
            b'<?xml version="1.0"?>\n<rdf:RDF xmlns:spdx="http://spdx.org/rdf/terms#">',
            [],
        ),
    ],
)
def test_claims(filename: str, head: bytes, expected: list[str]) -> None:
    assert claimants(filename, head) == expected


def test_every_fixture_is_claimed_by_one_parser() -> None:
    expected_by_suffix = {
        ".cdx.json": "cyclonedx-json",
        ".cdx.xml": "cyclonedx-xml",
        ".bom.xml": "cyclonedx-xml",
        ".spdx.json": "spdx-json",
        ".spdx": "spdx-tag-value",
        ".spdx3.json": "spdx3-jsonld",
        ".trivy.json": "trivy-json",
        ".grype.json": "grype-json",
        ".syft.json": "syft-json",
    }
    by_prefix = {"trivy-": "trivy-json", "grype-": "grype-json", "syft-": "syft-json"}
    checked = 0
    for path in sorted(FIXTURES.iterdir()):
        expected = next(
            (fmt for suffix, fmt in expected_by_suffix.items() if path.name.endswith(suffix)),
            next((fmt for p, fmt in by_prefix.items() if path.name.startswith(p)), None),
        )
        assert expected is not None, f"fixture {path.name} has no expected parser"
        assert claimants(path.name, path.read_bytes()) == [expected], path.name
        checked += 1
    assert checked >= 40


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.shared_data
def test_no_lockfile_is_claimed() -> None:
    roots = [shared_path("lockfile-fixtures"), shared_path("real-lockfiles")]
    files = [f for root in roots for f in _files(root)]
    assert len(files) > 400
    claimed = {f.name: claimants(f.name, f.read_bytes()[:4096]) for f in files}
    assert {name: who for name, who in claimed.items() if who} == {}
