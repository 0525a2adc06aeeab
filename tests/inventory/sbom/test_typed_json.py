"""The typed (msgspec) reading of CycloneDX and SPDX JSON against the general (orjson) one.

* ``fast_json_ok`` and msgspec together accept only documents orjson accepts: hand-written
  corner cases of JSON (numbers out of range, invalid UTF-8, escapes, nesting) and byte-level
  mutations of small documents;
* whatever the document, both readings give the same result or the same error: the tests'
  fixtures, the shared SBOMs, and documents mutated member by member.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import orjson
import pytest

from runink.errors import ParseError
from runink.inventory import cyclonedx_json, spdx_json
from runink.inventory._sbom_common import LineIndex, fast_json_ok
from runink.inventory.base import ParseResult

FIXTURES = Path(__file__).resolve().parent / "fixtures"

Parse = Callable[[str, bytes], ParseResult]


# --------------------------------------------------------------------------------------------
# Which documents the typed reading accepts


def typed_accepts(data: bytes) -> bool:
    """Whether the typed reading takes the document (else the general reading does)."""
    if not fast_json_ok(data):
        return False
    accepted = False
    for decoder in (cyclonedx_json._BOM_DECODER, spdx_json._SPDX_DECODER):
        try:
            decoder.decode(data)
        except (msgspec.MsgspecError, RecursionError):
            continue
        accepted = True
    return accepted


def orjson_accepts(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


_CORNERS: tuple[bytes, ...] = (
    b'{"z":1e400}',
    b'{"z":-1E+400}',
    b'{"z":[1,2,1.5e0309]}',
    b'{"z":{"a":12e999 }}',
    b'{"z":1' + b"0" * 320 + b"}",
    b'{"z":-1' + b"0" * 308 + b"}",
    b'{"z":1' + b"0" * 250 + b"e10}",
    b'{"z":1e308}',
    b'{"z":1.5e-400}',
    b'{"z":123456789012345678901234567890}',
    b'{"z":"\xff"}',
    b'{"z":"\xc0\x80"}',
    b'{"z":"\xed\xa0\x80"}',
    b'{"z":"\xf4\x90\x80\x80"}',
    b'{"\xff":1}',
    b'{"z":"\\ud800"}',
    b'{"z":"\\udc00\\ud800"}',
    b'{"z":"\\x"}',
    b'{"z":"\\u12"}',
    b'{"z":"\x01"}',
    b'{"z":"\t"}',
    b'{"z":"\x7f"}',
    b'{"z":NaN}',
    b'{"z":Infinity}',
    b'{"z":-0}',
    b'{"z":01}',
    b'{"z":-01}',
    b'{"z":1.}',
    b'{"z":.5}',
    b'{"z":1e}',
    b'{"z":1e+}',
    b'{"z":+1}',
    b'{"z":[1,]}',
    b'{"z":1,}',
    b'{"z":1}x',
    b'{"z":1}\x00',
    b'\x0c{"z":1}',
    b'{"z":tru}',
    b'{"z":nulll}',
    b'{"z":1 /*c*/}',
    b'{"z":"IEEE754 float"}',
    b'{"z":"a1E754 b"}',
    b'{"z":' + b"[" * 1000 + b"]" * 1000 + b"}",
    b'{"z":' + b"[" * 1030 + b"]" * 1030 + b"}",
    b'{"z":' + b'{"a":' * 1023 + b"1" + b"}" * 1023 + b"}",
    b'{"z":"\\uD834\\uDD1E", "y": "\xf0\x9d\x84\x9e"}',
    b'{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1","x":1e999}]}',
    b'{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"a","x":"\xfe"}]}',
)


@pytest.mark.parametrize("data", _CORNERS)
def test_typed_reading_accepts_only_what_orjson_accepts(data: bytes) -> None:
    if typed_accepts(data):
        assert orjson_accepts(data)


def test_text_that_looks_like_a_number_keeps_the_typed_reading() -> None:
    assert fast_json_ok(b'{"d": "Read/write IEEE754 floats", "e": "SHAKE128, and more"}')
    assert fast_json_ok(b'{"h": "3e412", "v": "1e2 "}')
    assert not fast_json_ok(b'{"d": "a 1e754 b"}')  # merely read the general way


_BYTES = b'{}[]",:.-+eE0123456789 \\u\xff\xc3\x80a\t\n'


def byte_mutations(data: bytes, rng: random.Random, count: int) -> Iterator[bytes]:
    for _ in range(count):
        out = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(out) + 1)
            op = rng.random()
            if op < 0.4 and at < len(out):
                del out[at]
            elif op < 0.7:
                out[at:at] = bytes([rng.choice(_BYTES)])
            elif at < len(out):
                out[at] = rng.choice(_BYTES)
        yield bytes(out)


def test_byte_mutations_accepted_only_when_orjson_accepts() -> None:
    seeds = [
        b'{"bomFormat":"CycloneDX","version":1,"components":[{"purl":"pkg:npm/a@1",'
        b'"hashes":[{"alg":"SHA-1","content":"3e412a"}],"n":[1.5e10,-2]}]}',
        b'{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","x":{"n":12e3}}],'
        b'"files":[{"s":"\\u00e9","t":true,"f":false,"z":null}]}',
    ]
    rng = random.Random(5)
    accepted = 0
    for seed in seeds:
        for data in byte_mutations(seed, rng, 3000):
            if typed_accepts(data):
                accepted += 1
                assert orjson_accepts(data), data
    assert accepted > 300


# --------------------------------------------------------------------------------------------
# Both readings, same results


def general_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cyclonedx_json, "typed_decode", lambda decoder, raw: None)
    monkeypatch.setattr(spdx_json, "typed_decode", lambda decoder, raw: None)


def outcome(parse: Parse, name: str, data: bytes) -> object:
    try:
        result = parse(name, data)
    except ParseError as exc:
        return ("error", str(exc), exc.line)
    return (
        [(c, c.purl) for c in result.components],
        result.skipped,
        list(result.metadata.items()),
    )


_ODD: tuple[object, ...] = (
    None,
    3,
    True,
    1.5,
    "",
    "  ",
    " x ",
    [],
    {},
    ["a"],
    {"a": "b"},
    [{}],
    [{"name": 1}],
    "pkg:pypi/x@1",
    "pkg:npm/%40a/b@1.0.0",
    "pkg:pypi/x",
    "required",
    " optional ",
    "DEPENDS_ON",
    "SPDXRef-DOCUMENT",
)


def member_mutations(doc: dict[str, object], rng: random.Random, count: int) -> Iterator[object]:
    """Copies of the document with a few members deleted, replaced or repeated."""
    for _ in range(count):
        mutated = copy.deepcopy(doc)
        objects: list[dict[str, object]] = []
        stack: list[object] = [mutated]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                objects.append(value)
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
        for _ in range(rng.randint(1, 3)):
            obj = rng.choice(objects)
            if not obj:
                continue
            key = rng.choice(list(obj))
            op = rng.random()
            listed = obj[key]
            if op < 0.3:
                del obj[key]
            elif op < 0.75:
                obj[key] = rng.choice(_ODD)
            elif isinstance(listed, list) and listed:
                listed.append(copy.deepcopy(rng.choice(listed)))
        yield mutated


def documents() -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix == ".json":
            out.append((path.name, path.read_bytes()))
    return out


PARSERS: tuple[tuple[str, Parse], ...] = (
    ("cyclonedx", cyclonedx_json.CycloneDxJsonParser().parse),
    ("spdx", spdx_json.SpdxJsonParser().parse),
)


def both_readings(
    monkeypatch: pytest.MonkeyPatch, inputs: list[tuple[str, bytes]]
) -> tuple[int, int]:
    """Parse every input with both parsers, both ways; returns (inputs, typed readings)."""
    typed = 0
    for name, data in inputs:
        for _, parse in PARSERS:
            fast = outcome(parse, name, data)
            with monkeypatch.context() as patch:
                general_only(patch)
                slow = outcome(parse, name, data)
            assert fast == slow, name
        typed += typed_accepts(data)
    return len(inputs), typed


def test_fixtures_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    total, typed = both_readings(monkeypatch, documents())
    assert total > 20 and typed > 10


def test_mutated_fixtures_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    inputs: list[tuple[str, bytes]] = []
    for name, data in documents():
        try:
            doc = json.loads(data)
        except ValueError:
            continue
        if not isinstance(doc, dict):
            continue
        for i, mutated in enumerate(member_mutations(doc, rng, 60)):
            indent = 2 if i % 2 else None
            inputs.append((name, json.dumps(mutated, indent=indent).encode()))
    total, typed = both_readings(monkeypatch, inputs)
    assert total > 1000 and typed > 300


def test_shared_documents_read_alike(
    monkeypatch: pytest.MonkeyPatch, sbom_archive: Callable[[str], Path]
) -> None:
    inputs: list[tuple[str, bytes]] = []
    for archive in ("cyclonedx-bom-examples", "spdx-examples", "bom-shelter-selection"):
        for path in sorted(sbom_archive(archive).rglob("*.json")):
            data = path.read_bytes()
            if b'"bomFormat"' in data[:100_000] or b'"spdxVersion"' in data[:100_000]:
                inputs.append((path.name, data))
    total, typed = both_readings(monkeypatch, inputs)
    assert total > 50 and typed > 40


def test_errors_in_skipped_members_are_reported() -> None:
    bom = b'{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1","x":1e999}]}'
    with pytest.raises(ParseError, match="invalid JSON"):
        cyclonedx_json.CycloneDxJsonParser().parse("bom.json", bom)
    spdx = b'{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"a","x":"\xfe"}]}'
    with pytest.raises(ParseError, match="invalid JSON"):
        spdx_json.SpdxJsonParser().parse("doc.spdx.json", spdx)


# --------------------------------------------------------------------------------------------
# Lines recorded for wanted values only


def test_line_index_with_wanted_values(sbom_archive: Callable[[str], Path]) -> None:
    rng = random.Random(9)
    checked = 0
    for path in sorted(sbom_archive("bom-shelter-selection").rglob("*.json")):
        data = path.read_bytes()
        if b'"SPDXID"' not in data:
            continue
        values = [
            m.decode("utf-8", "replace") for m in re.findall(rb'"SPDXID"\s*:\s*"([^"\\]*)"', data)
        ]
        if not values:
            continue
        wanted = [*rng.sample(values, max(1, len(values) // 3)), "absent", "a\\b", " x"]
        full = LineIndex(data, ("SPDXID",))
        partial = LineIndex(data, ("SPDXID",), wanted)
        asks = [*wanted, *wanted, *rng.sample(wanted, len(wanted))]
        for value in asks:
            assert partial.take("SPDXID", value) == full.take("SPDXID", value), value
        assert partial.take("other", wanted[0]) is None
        checked += 1
    assert checked > 5


_REPEATED_MEMBERS: tuple[bytes, ...] = (
    b'{"bomFormat":"CycloneDX","metadata":{"component":{"name":"a","purl":"pkg:npm/a@1"}},'
    b'"metadata":{"component":{"name":"b","purl":"pkg:npm/b@1"}}}',
    b'{"bomFormat":"CycloneDX","components":5,"components":[{"purl":"pkg:npm/a@1"}]}',
    b'{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1"}],'
    b'"components":[{"purl":"pkg:npm/b@2"}]}',
    b'{"bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1","purl":"pkg:npm/c@3"}]}',
    b'{"bomFormat":"Other","bomFormat":"CycloneDX","components":[{"purl":"pkg:npm/a@1"}]}',
    b'{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"x","externalRefs":[{"referenceType":'
    b'"purl","referenceLocator":"pkg:npm/a@1","referenceLocator":"pkg:npm/z@9"}]}],'
    b'"packages":[{"SPDXID":"y","externalRefs":[{"referenceType":"purl",'
    b'"referenceLocator":"pkg:npm/b@1"}]}]}',
    b'{"spdxVersion":"SPDX-2.3","creationInfo":{"created":"a"},'
    b'"creationInfo":{"created":"b","creators":["Tool: x"]}}',
)


@pytest.mark.parametrize("data", _REPEATED_MEMBERS)
def test_repeated_members_read_alike(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    # orjson keeps the last of repeated members; so must the typed reading.
    both_readings(monkeypatch, [("doc.json", data)])
