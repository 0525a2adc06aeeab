"""The bun.lock parser against its frozen copy from before the speed-up
(``tests/inventory/_reference_bun_lock.py``): same components, skips and errors.

Compared over every bun.lock fixture (ours and ../shared/data/lockfile-fixtures), a bun.lock
converted from the real package-lock.json (as bench/_convert_js.py writes it), hypothesis
documents, and, for the comment/trailing-comma stripping alone, arbitrary bytes made of the
characters that matter to it.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.errors import ParseError
from runink.inventory import bun_lock
from tests.conftest import SHARED_DATA
from tests.inventory import _reference_bun_lock as reference

FIXTURES = Path(__file__).resolve().parent / "javascript" / "fixtures" / "bun"
BENCH = Path(__file__).resolve().parents[2] / "bench" / "_convert_js.py"


def outcome(parse: object, data: bytes) -> object:
    """The result of a parse, or the error it raised (message and line)."""
    try:
        result = parse("bun.lock", data)  # type: ignore[operator]
    except ParseError as exc:
        return ("error", str(exc), exc.line)
    return (result.components, result.skipped)


def assert_same(data: bytes) -> None:
    assert outcome(bun_lock.BunLockParser().parse, data) == outcome(
        reference.BunLockParser().parse, data
    )


def fixture_files() -> list[Path]:
    files = sorted(FIXTURES.iterdir())
    shared = SHARED_DATA / "lockfile-fixtures"
    if shared.is_dir():
        files += sorted(p for p in shared.rglob("*") if p.is_file() and "bunlock" in p.parts)
    return files


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.name)
def test_fixture(path: Path) -> None:
    assert_same(path.read_bytes())


def test_converted_real_package_lock() -> None:
    source = SHARED_DATA / "real-lockfiles" / "warehouse" / "package-lock.json"
    if not source.is_file():
        pytest.skip(f"shared data not present: {source} (set RUNINK_SHARED_DATA)")
    spec = importlib.util.spec_from_file_location("bench_convert_js_for_test", BENCH)
    assert spec is not None and spec.loader is not None
    import sys

    sys.path.insert(0, str(BENCH.parent))
    try:
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(BENCH.parent))
    data = bench.bun_lock(json.loads(source.read_bytes()))
    assert_same(data)
    assert len(bun_lock.BunLockParser().parse("bun.lock", data).components) > 900


# Bytes made of what the stripping looks at: quotes, escapes, slashes, stars, commas, brackets,
# line ends and white space.
JSONC_BYTES = st.lists(
    st.sampled_from(
        [
            b'"',
            b"\\",
            b"/",
            b"*",
            b",",
            b"]",
            b"}",
            b"[",
            b"{",
            b"\n",
            b" ",
            b"a",
            b":",
            b"\t",
            b"//",
            b"/*",
            b"*/",
            b",\n}",
            b'"x"',
        ]
    ),
    max_size=60,
).map(b"".join)


@settings(max_examples=3000, deadline=None)
@given(JSONC_BYTES)
def test_stripping_equals_the_full_substitution(data: bytes) -> None:
    assert bun_lock._strip_jsonc(data) == reference._JSONC.sub(rb"\1\2", data)


NAMES = st.sampled_from(["a", "b", "c", "@s/d", "e-f", "g"])
VERSIONS = st.sampled_from(["1.0.0", "2.1.3", "0.0.1-rc.1", "github:u/r#abc", "file:../x"])


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """bun.lock documents: nested keys, dependencies of every kind, optional peers, comments,
    trailing commas, strings holding // and ,] ."""
    keys = draw(st.lists(st.lists(NAMES, min_size=1, max_size=3).map("/".join), max_size=12))
    fields = ["dependencies", "optionalDependencies", "peerDependencies"]
    packages: dict[str, list[object]] = {}
    for key in keys:
        info: dict[str, object] = {
            field: {dep: "^1" for dep in draw(st.lists(NAMES, max_size=3))}
            for field in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
        }
        if draw(st.booleans()):
            info["optionalPeers"] = draw(st.lists(NAMES, max_size=2))
        ident = f"{draw(NAMES)}@{draw(VERSIONS)}"
        packages[key] = [ident, "", info, "sha512-x//y,]"] if draw(st.booleans()) else [ident]
    workspace = {
        field: {dep: "^1" for dep in draw(st.lists(NAMES, max_size=3))}
        for field in ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]
    }
    lines = [
        "{",
        '  "lockfileVersion": 1,',
        '  "workspaces": {',
        f'    "": {json.dumps(workspace)},',
    ]
    lines += ["  },", '  "packages": {']
    for key, value in packages.items():
        lines.append(f"    {json.dumps(key)}: {json.dumps(value)},")
        if draw(st.booleans()):
            lines.append("    // a comment, with a trailing comma ],")
    lines += ["  },", "}"]
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text.replace("{", "{ /* block */", 1)
    return text.encode()


@settings(max_examples=400, deadline=None)
@given(documents())
def test_generated_documents(data: bytes) -> None:
    assert_same(data)


@settings(max_examples=300, deadline=None)
@given(documents(), st.integers(min_value=0, max_value=10_000), st.binary(max_size=3))
def test_mutated_documents(data: bytes, at: int, insert: bytes) -> None:
    at %= len(data) + 1
    assert_same(data[:at] + insert + data[at + 1 :])
