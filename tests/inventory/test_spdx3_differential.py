"""The SPDX 3.0 JSON-LD parser against a frozen copy of it from before its quick reading.

``_reference_spdx3`` is that copy: a parser that drops a package or gets a version wrong hides
a vulnerability, so the speed-up must leave every result as it was. Compared, as the whole
``ParseResult`` (components with every field, skipped entries, metadata) or the ParseError
(message and line): every SPDX 3 document of ../shared/data/sbom and of the test fixtures,
those documents with one member of one element changed to another value or type, and
generated documents (packages, identifiers, relationships, roots, creation info; members of
unusual types; several layouts of the JSON text, for the lines).
"""

from __future__ import annotations

import copy
import json
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory import spdx3_jsonld
from tests.conftest import SHARED_DATA
from tests.inventory import _reference_spdx3

FIXTURES = Path(__file__).resolve().parent / "sbom" / "fixtures"
SPDX3_MARK = b"spdx.org/rdf/3."

Parse = Callable[[str, bytes], object]


def outcome(parse: Parse, path: str, data: bytes) -> object:
    """Everything a parse yields, or the error it raises, as comparable values."""
    try:
        return parse(path, data)
    except ParseError as exc:
        return ("ParseError", str(exc), exc.line)


def assert_same(path: str, data: bytes) -> None:
    new = outcome(spdx3_jsonld.parse_document, path, data)
    old = outcome(_reference_spdx3.parse_document, path, data)
    assert new == old, path


# --------------------------------------------------------------------------------------------
# Real documents


def _real_documents() -> list[tuple[str, bytes]]:
    """Every file of the shared SBOM archives and folders, and of the fixtures, that names an
    SPDX 3 context (read in memory, archives included)."""
    found: list[tuple[str, bytes]] = []
    sbom = SHARED_DATA / "sbom"
    if sbom.is_dir():
        for archive in sorted(sbom.glob("*.tar.gz")):
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    handle = tar.extractfile(member) if member.isfile() else None
                    if handle is not None:
                        data = handle.read()
                        if SPDX3_MARK in data[:65536]:
                            found.append((f"{archive.name}/{member.name}", data))
        for path in sorted(p for p in sbom.rglob("*") if p.is_file() and p.suffix != ".gz"):
            data = path.read_bytes()
            if SPDX3_MARK in data[:65536]:
                found.append((path.relative_to(sbom).as_posix(), data))
    for path in sorted(FIXTURES.glob("*spdx3*")):
        found.append((path.name, path.read_bytes()))
    return found


@pytest.fixture(scope="module")
def real_documents() -> list[tuple[str, bytes]]:
    if not (SHARED_DATA / "sbom").is_dir():
        pytest.skip(f"shared SBOM data not present at {SHARED_DATA / 'sbom'} (RUNINK_SHARED_DATA)")
    return _real_documents()


def test_real_documents(real_documents: list[tuple[str, bytes]]) -> None:
    assert len(real_documents) >= 25
    for path, data in real_documents:
        assert_same(path, data)


_ODD_VALUES: tuple[object, ...] = (
    None,
    "",
    "  ",
    " packageUrl ",
    "pkg:npm/left-pad@1.3.0",
    "cpe23",
    7,
    0,
    True,
    1.5,
    [],
    ["x"],
    [7],
    [{"spdxId": "x"}],
    {},
    {"@id": "y"},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_real_documents(real_documents: list[tuple[str, bytes]], data: Any) -> None:
    """One member of one element (or of one of its identifiers) set to another value."""
    path, raw = data.draw(st.sampled_from([d for d in real_documents if b"@graph" in d[1]]))
    try:
        doc = json.loads(raw)
    except ValueError:
        return
    graph = doc.get("@graph")
    if not isinstance(graph, list) or not graph:
        return
    doc = copy.deepcopy(doc)
    graph = doc["@graph"]
    index = data.draw(st.integers(0, len(graph) - 1))
    element = graph[index]
    if isinstance(element, dict):
        idents = element.get("externalIdentifier")
        if (
            isinstance(idents, list)
            and idents
            and isinstance(idents[0], dict)
            and data.draw(st.booleans())
        ):
            element = idents[0]
        keys = sorted({*element, "type", "spdxId", "to", "scope", "software_packageUrl"})
        key = data.draw(st.sampled_from(keys))
        element[key] = data.draw(st.sampled_from(_ODD_VALUES))
    else:
        graph[index] = data.draw(st.sampled_from(_ODD_VALUES))
    assert_same(path, json.dumps(doc, indent=data.draw(st.sampled_from([None, 1, 2]))).encode())


# --------------------------------------------------------------------------------------------
# Generated documents

_REFS = [f"https://example.org/doc/SPDXRef-{n}" for n in range(5)] + [
    "_:blank",
    " padded ",
    'SPDXRef-"quoted"',
    "SPDXRef-ü",
]
_PURLS = [
    "pkg:pypi/requests@2.31.0",
    "pkg:npm/%40babel/core@7.22.0",
    "pkg:npm/lodash",
    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
    "pkg:golang/github.com/a/b@v3.4.0#v3",
    "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&upstream=openssl",
    "pkg:generic/thing@1",
    "not a purl",
    " pkg:cargo/serde@1.0.0 ",
    "",
]
_IDENT_TYPES = ["packageUrl", " packageUrl", "cpe23", "cpe22", "email", "other", "", None]
_REL_TYPES = [
    *("dependsOn", "contains", "describes") * 3,
    "hasStaticLink",
    "hasDynamicLink",
    "hasProvidedDependency",
    "hasOptionalDependency",
    "hasDeclaredLicense",
    " dependsOn ",
    "",
    None,
]
_PACKAGE_TYPES = ["software_Package", "Package", "ai_AIPackage", "dataset_DatasetPackage"]

refs = st.sampled_from(_REFS)
texts = st.sampled_from(["requests", "lodash", " log4j ", "", "  ", "x\ny", "naïve"])
odd = st.sampled_from(_ODD_VALUES)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the value; one time in 20 absent (None: the member is then mostly left out),
    one time in 20 an odd value (another type, blank, ...)."""
    return st.integers(0, 19).flatmap(
        lambda n: odd if n == 0 else st.none() if n == 1 else strategy
    )


def _members(draw: Any, members: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in members.items() if v is not None or draw(st.booleans())}


@st.composite
def identifiers(draw: Any) -> object:
    ident = {
        "type": "ExternalIdentifier",
        "externalIdentifierType": draw(maybe(st.sampled_from(_IDENT_TYPES))),
        "identifier": draw(maybe(st.sampled_from([*_PURLS, "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"]))),
    }
    return draw(maybe(st.just(_members(draw, ident))))


@st.composite
def packages(draw: Any) -> dict[str, Any]:
    members = {
        draw(st.sampled_from(["spdxId", "spdxId", "@id"])): draw(maybe(refs)),
        draw(st.sampled_from(["type", "type", "@type"])): draw(st.sampled_from(_PACKAGE_TYPES)),
        "name": draw(maybe(texts)),
        draw(st.sampled_from(["software_packageUrl", "packageUrl"])): draw(
            maybe(st.sampled_from(_PURLS))
        ),
        draw(st.sampled_from(["software_packageVersion", "packageVersion"])): draw(
            maybe(st.sampled_from(["1.0", " 2.0 ", "", "v3.4.0", "(devel)"]))
        ),
        "software_primaryPurpose": draw(maybe(st.sampled_from(["library", "application", ""]))),
        "externalIdentifier": draw(maybe(st.lists(identifiers(), max_size=3))),
        "creationInfo": "_:creationInfo_0",
    }
    return _members(draw, members)


@st.composite
def relationships(draw: Any) -> dict[str, Any]:
    members = {
        "spdxId": draw(maybe(refs)),
        "type": draw(st.sampled_from(["Relationship", "LifecycleScopedRelationship"])),
        "relationshipType": draw(maybe(st.sampled_from(_REL_TYPES))),
        "from": draw(maybe(refs)),
        "to": draw(
            st.one_of(
                st.lists(refs, max_size=3),
                refs,
                st.lists(st.one_of(refs, st.builds(lambda r: {"spdxId": r}, refs)), max_size=2),
                st.none(),
                odd,
            )
        ),
        "scope": draw(maybe(st.sampled_from(["development", "build", "test", "runtime", "x"]))),
    }
    return _members(draw, members)


@st.composite
def other_elements(draw: Any) -> object:
    kind = draw(
        st.sampled_from(["SpdxDocument", "software_Sbom", "Tool", "Person", "software_File"])
    )
    members = {
        "spdxId": draw(maybe(refs)),
        "type": kind,
        "name": draw(maybe(texts)),
        "rootElement": draw(st.one_of(st.lists(refs, max_size=3), refs, st.none(), odd)),
        "creationInfo": draw(st.sampled_from(["_:creationInfo_0", "_:missing"])),
    }
    return draw(maybe(st.just(_members(draw, members))))


@st.composite
def spdx3_documents(draw: Any) -> bytes:
    info = {
        "@id": "_:creationInfo_0",
        "type": "CreationInfo",
        "specVersion": draw(maybe(st.just("3.0.1"))),
        "created": "2024-01-01T00:00:00Z",
        "createdBy": draw(st.one_of(st.lists(refs, max_size=2), odd)),
        "createdUsing": draw(st.one_of(st.lists(refs, max_size=2), st.none())),
    }
    elements = draw(
        st.lists(
            st.one_of(packages(), packages(), relationships(), other_elements()),
            min_size=1,
            max_size=14,
        )
    )
    graph = draw(st.permutations([_members(draw, info), *elements]))
    doc = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}
    indent = draw(st.sampled_from([None, 1, 2, "\t"]))
    separators = draw(st.sampled_from([None, (",", ":"), (", ", " : ")]))
    ascii_only = draw(st.booleans())
    return json.dumps(doc, indent=indent, separators=separators, ensure_ascii=ascii_only).encode()


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spdx3_documents())
def test_generated_documents(data: bytes) -> None:
    assert_same("generated.spdx3.json", data)


@pytest.mark.parametrize(
    "text",
    [
        b"{}",
        b"[]",
        b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}',
        b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": {}}',
        b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [1, '
        b'{"type": "Relationship", "relationshipType": 5}]}',
        b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": ['
        b'{"type": "Relationship", "relationshipType": true}, 1]}',
        b'{"@context": ["https://spdx.org/rdf/3.0.1/spdx-context.jsonld"], "type": '
        b'"software_Package", "spdxId": "a", "name": "x", "software_packageUrl": '
        b'"pkg:pypi/x@1"}',
    ],
)
def test_corner_documents(text: bytes) -> None:
    assert_same("corner.spdx3.json", text)
