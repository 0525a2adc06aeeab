"""The SPDX 2 parsers and the purl layer against a frozen copy of the code before their speed-up.

``_reference_spdx`` holds that code (``spdx_json``, ``spdx_tagvalue``, ``_sbom_common`` and
``runink.model.purl`` as they were): a parser that drops a package or gets a version wrong hides
a vulnerability, so every change for speed must leave the output as it was. Compared, for the
real documents of ../shared/data/sbom and for generated ones: the components with every field,
the skipped entries, the metadata, or the ParseError (message and line). The purl functions are
compared over every purl in the real documents and over generated and mutated ones.
"""

from __future__ import annotations

import functools
import json
import re
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runink.errors import InvalidPurlError, ParseError
from runink.inventory import spdx_json, spdx_tagvalue
from runink.model import purl as new_purl
from tests.conftest import SHARED_DATA
from tests.inventory.sbom._reference_spdx import purl as ref_purl
from tests.inventory.sbom._reference_spdx import spdx_json as ref_spdx_json
from tests.inventory.sbom._reference_spdx import spdx_tagvalue as ref_spdx_tagvalue

Parse = Callable[[str, bytes], object]


def outcome(parse: Parse, path: str, data: bytes) -> object:
    """Everything a parse yields, or the error it raises, as comparable values."""
    try:
        result: Any = parse(path, data)
    except ParseError as exc:
        return ("ParseError", str(exc), exc.line)
    return (result.components, result.skipped, result.includes, result.metadata)


def same_json(path: str, data: bytes) -> None:
    new = outcome(spdx_json.SpdxJsonParser().parse, path, data)
    old = outcome(ref_spdx_json.SpdxJsonParser().parse, path, data)
    assert new == old, path


def same_tagvalue(path: str, data: bytes) -> None:
    new = outcome(spdx_tagvalue.SpdxTagValueParser().parse, path, data)
    old = outcome(ref_spdx_tagvalue.SpdxTagValueParser().parse, path, data)
    assert new == old, path


# --------------------------------------------------------------------------------------------
# Real documents


@functools.cache
def real_files() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of every file in ../shared/data/sbom (archives read in memory)."""
    root = SHARED_DATA / "sbom"
    files: list[tuple[str, bytes]] = []
    if not root.is_dir():
        return ()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as tar:
                for member in tar.getmembers():
                    handle = tar.extractfile(member) if member.isfile() else None
                    if handle is not None:
                        files.append((f"{path.name}/{member.name}", handle.read()))
        else:
            files.append((path.relative_to(root).as_posix(), path.read_bytes()))
    return tuple(files)


def _require_real() -> tuple[tuple[str, bytes], ...]:
    files = real_files()
    if not files:
        pytest.skip(f"shared data not present at {SHARED_DATA / 'sbom'} (set RUNINK_SHARED_DATA)")
    return files


def test_real_spdx_json_documents() -> None:
    files = [(name, data) for name, data in _require_real() if name.endswith(".json")]
    spdx = [name for name, data in files if b'"spdxVersion"' in data]
    assert len(spdx) >= 50, "expected the SPDX JSON documents of shared/data/sbom"
    for name, data in files:  # every JSON file: the others must fail the same way
        same_json(name, data)


def test_real_spdx_tagvalue_documents() -> None:
    files = [(n, d) for n, d in _require_real() if n.endswith((".spdx", ".spdx.txt", ".tv"))]
    assert files, "expected SPDX tag-value documents in shared/data/sbom"
    for name, data in files:
        same_tagvalue(name, data)


_LOCATOR = re.compile(rb'(?m)"referenceLocator"\s*:\s*"(pkg:[^"\\]*)"|^ExternalRef:.*?(pkg:\S+)')


@functools.cache
def real_purls() -> tuple[str, ...]:
    found: set[str] = set()
    for _, data in real_files():
        for match in _LOCATOR.finditer(data):
            raw = match.group(1) or match.group(2)
            found.add(raw.decode("utf-8", "replace"))
    return tuple(sorted(found))


def purl_outcome(module: Any, text: str) -> object:
    """What the purl layer makes of ``text``: the parsed value, its canonical text, its ref."""
    try:
        parsed = module.purl_from_string(text.strip())
    except ValueError as exc:
        return ("ValueError", type(exc).__name__, str(exc))
    try:
        canonical = module.purl_to_string(parsed)
    except ValueError as exc:
        canonical = ("ValueError", str(exc))
    try:
        ref = module.package_ref(parsed, text)
        ref_value: object = (ref.ecosystem, ref.name, ref.version)
    except (ValueError, InvalidPurlError) as exc:
        ref_value = ("error", type(exc).__name__, str(exc))
    return (tuple(parsed), type(parsed), canonical, ref_value)


def same_purl(text: str) -> None:
    assert purl_outcome(new_purl, text) == purl_outcome(ref_purl, text), text
    stripped = text.strip()
    try:
        expected = ref_purl.purl_from_string(stripped)
    except ValueError:
        with pytest.raises(ValueError):
            new_purl.purl_and_canonical(stripped)
        return
    purl, canonical = new_purl.purl_and_canonical(stripped)
    assert tuple(purl) == tuple(expected), text
    assert canonical in (None, ref_purl.purl_to_string(expected)), text


def test_real_purls() -> None:
    _require_real()
    purls = real_purls()
    assert len(purls) > 1000
    for text in purls:
        same_purl(text)


# --------------------------------------------------------------------------------------------
# Generated purls and documents

_SEED_PURLS = (
    "pkg:pypi/Django_Foo@1.0",
    "pkg:npm/@angular/core@16.2.0",
    "pkg:npm/foo%2Bbar@1.0.0",
    "pkg:golang/github.com/a/b@v3.4.0#v3",
    "pkg:golang/stdlib@go1.21.0",
    "pkg:golang/github.com/x/y@(devel)",
    "pkg:maven/org.apache/log4j-core@2.14.1?type=jar",
    "pkg:maven/log4j-core@2.14.1",
    "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12",
    "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.1?arch=amd64&upstream=glibc%402.35&distro=ubuntu-22.04",
    "pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=1&arch=x86_64",
    "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&upstream=musl&distro=alpine-3.18.4",
    "pkg:alpine/busybox@1.36.1-r0",
    "pkg:cargo/serde@1.0.188",
    "pkg:gem/rails@7.0.8?platform=ruby",
    "pkg:nuget/Newtonsoft.Json@13.0.1",
    "pkg:generic/openssl@1.1.1",
    "pkg:oci/debian@sha256%3Aabcd",
    "pkg:pypi/requests",
    "pkg:composer/symfony/http-kernel@6.3.0",
    "pkg:github/actions/checkout@v4",
    "pkg:hex/Phoenix@1.7.0",
    "pkg:pub/http@1.1.0",
    "pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
    "pkg:conan/openssl@3.0.3",
    "not a purl",
    "",
)
_PURL_ALPHABET = "abcXYZ019._-+~:/@?=&#%! \u00e9"


@st.composite
def purl_texts(draw: st.DrawFn) -> str:
    """A seed or real purl, often mutated: cut, extended, case-flipped, with qualifiers."""
    pool = real_purls()[:2000] or _SEED_PURLS
    text = draw(st.sampled_from(pool + _SEED_PURLS))
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.integers(0, 6))
        at = draw(st.integers(0, len(text)))
        if action == 0:
            text = text[:at] + draw(st.text(_PURL_ALPHABET, max_size=4)) + text[at:]
        elif action == 1:
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        elif action == 2:
            text = text.upper() if draw(st.booleans()) else text.lower()
        elif action == 3:
            sep = "&" if "?" in text else "?"
            key = draw(st.sampled_from(["epoch", "distro", "upstream", "arch", "Source", "x"]))
            text += f"{sep}{key}={draw(st.text(_PURL_ALPHABET, max_size=6))}"
        elif action == 4:
            text = f" {text} "
        elif action == 5:
            text = text.replace("@", "@v", 1)
        else:
            text += draw(st.sampled_from(["#sub/path", "#", "@", "?", "/", "%20"]))
    return text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(purl_texts())
def test_generated_purls(text: str) -> None:
    same_purl(text)


_IDS = ("SPDXRef-DOCUMENT", "SPDXRef-a", "SPDXRef-b", "SPDXRef-c", "SPDXRef-d", " SPDXRef-e ")
_REL_TYPES = (
    "DESCRIBES",
    "DESCRIBE",
    "DESCRIBED_BY",
    "DEPENDS_ON",
    "depends-on",
    "DEPENDENCY_OF",
    "DEV_DEPENDENCY_OF",
    "TEST_DEPENDENCY_OF",
    "RUNTIME_DEPENDENCY_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "CONTAINS",
    "CONTAINED_BY",
    "STATIC_LINK",
    "OTHER",
)
_CATEGORIES = ("PACKAGE-MANAGER", "PACKAGE_MANAGER", "package_manager", "SECURITY", "OTHER", "")
_TYPES = ("purl", "PURL ", "cpe23Type", "cpe22Type", "swid")
_odd = st.one_of(st.none(), st.integers(), st.booleans(), st.lists(st.integers(), max_size=1))
_texts = st.text("ab -_\u00e91", max_size=5)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the value, sometimes absent (None) or of a wrong type."""
    return st.one_of(strategy, strategy, strategy, strategy, st.just(None), _odd)


@st.composite
def spdx_documents(draw: st.DrawFn) -> bytes:
    def ref() -> dict[str, Any]:
        item = {
            "referenceCategory": draw(_maybe(st.sampled_from(_CATEGORIES))),
            "referenceType": draw(_maybe(st.sampled_from(_TYPES))),
            "referenceLocator": draw(_maybe(purl_texts())),
        }
        return {k: v for k, v in item.items() if v is not None or draw(st.booleans())}

    def package() -> dict[str, Any]:
        item = {
            "SPDXID": draw(_maybe(st.sampled_from(_IDS))),
            "name": draw(_maybe(st.one_of(_texts, st.sampled_from(["foo", "openssl"])))),
            "versionInfo": draw(_maybe(st.sampled_from(["1.0", " 2.0 ", "", "NOASSERTION"]))),
            "primaryPackagePurpose": draw(_maybe(st.sampled_from(["LIBRARY", "CONTAINER"]))),
            "supplier": draw(_maybe(st.sampled_from(["Organization: X", "NOASSERTION"]))),
            "sourceInfo": draw(
                _maybe(st.sampled_from(["built package from: openssl 3.0.2-0ubuntu1", "x"]))
            ),
            "externalRefs": (
                [ref() for _ in range(draw(st.integers(0, 3)))]
                if draw(st.integers(0, 5))
                else draw(st.one_of(st.just(None), _odd))
            ),
        }
        return {k: v for k, v in item.items() if v is not None or draw(st.booleans())}

    def relationship() -> dict[str, Any]:
        return {
            "spdxElementId": draw(_maybe(st.sampled_from(_IDS))),
            "relationshipType": draw(_maybe(st.sampled_from(_REL_TYPES))),
            "relatedSpdxElement": draw(_maybe(st.sampled_from(_IDS))),
        }

    doc: dict[str, Any] = {
        "spdxVersion": draw(st.sampled_from(["SPDX-2.3", "SPDX-2.2", "SPDX-3.0", None])),
        "SPDXID": draw(_maybe(st.just("SPDXRef-DOCUMENT"))),
        "name": draw(_maybe(_texts)),
        "documentNamespace": draw(_maybe(st.just("https://example.org/x"))),
        "creationInfo": draw(
            st.one_of(
                st.just(None),
                _odd,
                st.fixed_dictionaries(
                    {
                        "created": _maybe(st.just("2024-01-01T00:00:00Z")),
                        "creators": st.one_of(
                            _odd,
                            st.lists(
                                st.sampled_from(
                                    ["Tool: syft-1.0", "Person: A (a@x.org)", "Organization: O"]
                                ),
                                max_size=3,
                            ),
                        ),
                    }
                ),
            )
        ),
        "documentDescribes": draw(
            st.one_of(st.just(None), _odd, st.lists(st.sampled_from(_IDS), max_size=2))
        ),
        "packages": [package() for _ in range(draw(st.integers(0, 6)))],
        "files": [{"SPDXID": draw(st.sampled_from(_IDS)), "fileName": "./x"}][
            : draw(st.integers(0, 1))
        ],
        "relationships": [relationship() for _ in range(draw(st.integers(0, 8)))],
    }
    doc = {k: v for k, v in doc.items() if v is not None or draw(st.booleans())}
    indent = draw(st.sampled_from([None, 1, 2]))
    text = json.dumps(doc, indent=indent, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:  # a document that is not valid JSON, or a huge number
        text = text[: draw(st.integers(0, len(text)))] + draw(st.sampled_from(["", "1e999", "]"]))
    return text.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spdx_documents())
def test_generated_spdx_json(data: bytes) -> None:
    same_json("generated.spdx.json", data)


def _tagvalue(doc: bytes) -> bytes | None:
    """The generated JSON document in tag-value form (None when it is not an object)."""
    try:
        value = json.loads(doc)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    lines = [f"SPDXVersion: {value.get('spdxVersion')}", "DataLicense: CC0-1.0"]
    for package in value.get("packages", []):
        if not isinstance(package, dict):
            continue
        lines.append(f"PackageName: {package.get('name')}")
        lines.append(f"SPDXID: {package.get('SPDXID')}")
        lines.append(f"PackageVersion: {package.get('versionInfo')}")
        refs = package.get("externalRefs")
        for ref in refs if isinstance(refs, list) else []:
            if not isinstance(ref, dict):
                continue
            lines.append(
                f"ExternalRef: {ref.get('referenceCategory')} {ref.get('referenceType')} "
                f"{ref.get('referenceLocator')}"
            )
    for rel in value.get("relationships", []):
        if not isinstance(rel, dict):
            continue
        lines.append(
            f"Relationship: {rel.get('spdxElementId')} {rel.get('relationshipType')} "
            f"{rel.get('relatedSpdxElement')}"
        )
    return "\n".join(lines).encode("utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spdx_documents())
def test_generated_spdx_tagvalue(data: bytes) -> None:
    text = _tagvalue(data)
    if text is not None:
        same_tagvalue("generated.spdx", text)


def test_reference_is_frozen() -> None:
    """The reference is the old code, not an import of the new one."""
    assert Path(ref_spdx_json.__file__).parent.name == "_reference_spdx"
    assert ref_spdx_json.spdx2_result is not spdx_json.spdx2_result
    assert ref_purl.purl_from_string is not new_purl.purl_from_string


# --------------------------------------------------------------------------------------------
# LineIndex with wanted values (pairs of other values are not matched) against the full scan

_ID_TEXTS = st.sampled_from(
    ["SPDXRef-Package-a", "SPDXRef-Package-b", "SPDXRef-File-a", "x", "a-b-c-d", "\u00e9-1-2", ""]
)


@st.composite
def id_documents(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    values = draw(st.lists(st.one_of(_ID_TEXTS, st.text('ab-\\"\u00e9\n', max_size=6))))
    members = [
        json.dumps({draw(st.sampled_from(["SPDXID", "name"])): v}, ensure_ascii=draw(st.booleans()))
        for v in values
    ]
    sep = draw(st.sampled_from([",", ",\n", " ,\n  "]))
    doc = ("[" + sep.join(members) + "]").encode("utf-8")
    wanted = draw(st.lists(st.one_of(_ID_TEXTS, st.sampled_from(values or ["x"])), max_size=12))
    return doc, wanted


@settings(max_examples=400, deadline=None)
@given(id_documents())
def test_line_index_wanted(case: tuple[bytes, list[str]]) -> None:
    from runink.inventory._sbom_common import LineIndex

    doc, wanted = case
    restricted = LineIndex(doc, ("SPDXID",), wanted)
    full = LineIndex(doc, ("SPDXID",))
    for value in wanted + wanted:
        assert restricted.take("SPDXID", value) == full.take("SPDXID", value), value


def test_line_index_wanted_real() -> None:
    from runink.inventory._sbom_common import LineIndex

    for name, data in _require_real():
        if not name.endswith(".json") or b'"SPDXID"' not in data:
            continue
        wanted = sorted(
            {m.decode("utf-8", "replace") for m in re.findall(rb'"(SPDXRef-[^"\\]*)"', data)}
        )
        packages = wanted[: len(wanted) // 2]
        restricted = LineIndex(data, ("SPDXID",), packages)
        full = LineIndex(data, ("SPDXID",))
        for value in packages:
            assert restricted.take("SPDXID", value) == full.take("SPDXID", value), (name, value)


@settings(max_examples=300, deadline=None)
@given(id_documents())
def test_line_index_take_all(case: tuple[bytes, list[str]]) -> None:
    """``take_all`` (one call for a document's packages) hands out what ``take`` would."""
    from runink.inventory._sbom_common import LineIndex

    doc, wanted = case
    values: list[str | None] = [*wanted, None, *wanted]
    one_by_one = LineIndex(doc, ("SPDXID",), wanted)
    expected = [one_by_one.take("SPDXID", v) for v in values]
    assert LineIndex(doc, ("SPDXID",), wanted).take_all("SPDXID", values) == expected
    full = LineIndex(doc, ("SPDXID",))  # no wanted values: every pair recorded
    assert full.take_all("SPDXID", values) == expected
    assert LineIndex(doc, ()).take_all("SPDXID", values) == [None] * len(values)


def test_invalid_purls_leave_no_cycles() -> None:
    """A purl that cannot be read keeps its error's message, not the exception: the exception's
    traceback would tie the parser's frames (a document's entries) into a cycle that only the
    cyclic collector frees."""
    import gc

    from runink.inventory._sbom_common import Entry, assemble

    entries = [
        Entry("a", ("https://example.org/a",), "1", "SPDXRef-a"),
        Entry("b", ("pkg:generic/b@1",), "1", "SPDXRef-b"),
        Entry("c", ("pkg:pypi/c@1",), "1", "SPDXRef-c"),
    ]
    gc.collect()
    gc.disable()
    try:
        result = assemble("sbom.json", entries)
        found = gc.collect()
    finally:
        gc.enable()
    assert len(result.skipped) == 2 and len(result.components) == 1
    assert found == 0


# --------------------------------------------------------------------------------------------
# The huge-number screen of fast_json_ok against the reference's


def _same_huge(data: bytes) -> None:
    from runink.inventory import _sbom_common as new_common
    from tests.inventory.sbom._reference_spdx import sbom_common as ref_common

    assert new_common._huge_number(data) == ref_common._huge_number(data), data[:200]


def test_huge_number_real() -> None:
    for _, data in _require_real():
        _same_huge(data)


_NUMBER_PARTS = st.sampled_from([b"0", b"1", b"9", b"e", b"E", b"+", b"-", b" ", b"\n", b","])
_NUMBER_BYTES = st.one_of(_NUMBER_PARTS, _NUMBER_PARTS, st.sampled_from([b"]", b"}", b"x", b'"']))


@settings(max_examples=1500, deadline=None)
@given(st.lists(_NUMBER_BYTES, max_size=40), st.integers(0, 3), st.integers(0, 260))
def test_huge_number_generated(parts: list[bytes], where: int, digits: int) -> None:
    data = b"".join(parts)
    # Now and then a long run of digits, or a number with a long exponent, placed somewhere.
    extra = [b"", b"1" * digits, b"1e" + b"0" * (digits % 6) + b" ", b"2E+" + b"9" * (digits % 5)]
    at = digits % (len(data) + 1)
    _same_huge(data[:at] + extra[where] + data[at:])


# --------------------------------------------------------------------------------------------
# LineIndex against the reference's (the scan now handles its matches a list at a time)


def _same_lines(doc: bytes, key: str, asked: list[str], wanted: list[str] | None) -> None:
    from runink.inventory._sbom_common import LineIndex
    from tests.inventory.sbom._reference_spdx.sbom_common import LineIndex as RefLineIndex

    new = LineIndex(doc, (key,), wanted)
    old = RefLineIndex(doc, (key,), wanted)
    for value in asked + asked:
        assert new.take(key, value) == old.take(key, value), (key, value)


@settings(max_examples=400, deadline=None)
@given(id_documents(), st.booleans())
def test_line_index_against_reference(case: tuple[bytes, list[str]], restrict: bool) -> None:
    doc, wanted = case
    _same_lines(doc, "SPDXID", wanted, wanted if restrict else None)
    _same_lines(doc, "name", wanted, None)


def test_line_index_against_reference_real() -> None:
    pair = re.compile(rb'"(SPDXID|bom-ref|name)"\s*:\s*"([^"\\]*)"')
    for name, data in _require_real():
        if not name.endswith(".json"):
            continue
        values: dict[str, list[str]] = {}
        for match in pair.finditer(data):
            text = match.group(2).decode("utf-8", "replace")
            values.setdefault(match.group(1).decode(), []).append(text)
        for key, asked in values.items():
            _same_lines(data, key, asked[:3000], None)
        if "SPDXID" in values:
            ids = values["SPDXID"][: len(values["SPDXID"]) // 2]
            _same_lines(data, "SPDXID", ids, ids)
