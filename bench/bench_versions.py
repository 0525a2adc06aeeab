"""Version schemes: parse and compare rates per scheme, and the univers comparison.

For every scheme it takes the versions of our vector files (tests/versions/vectors) and, when
present, of the public vector files under ../shared/data/version-vectors, and prints:

* parses/s (uncached ``scheme.parse``) and compares/s (``<`` between parsed versions);
* components/s for the matching core's pattern: parse one installed version, compare it with
  six range bounds (each component parsed once, bounds parsed once up front);
* for the schemes univers 32 covers: how many vector lines univers gets wrong, and its
  parses/s and compares/s on the same versions.

Run: ``PYTHONPATH=src python bench/bench_versions.py``.
"""

from __future__ import annotations

import os
import random
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.versions._vectors import Vector, read_univers_json, read_vectors  # noqa: E402

from runink.versions import InvalidVersionError, scheme_for  # noqa: E402

OWN = ROOT / "tests" / "versions" / "vectors"
SHARED = (
    Path(os.environ.get("RUNINK_SHARED_DATA", ROOT.parent / "shared" / "data")) / "version-vectors"
)
SCALIBR = SHARED / "osv-scalibr-semantic"
UNIVERS_JSON = SHARED / "univers" / "schema"

# ecosystem -> (own vector file, public vector files, univers class name or None)
SCHEMES: dict[str, tuple[str, tuple[Path, ...], str | None]] = {
    "PyPI": ("pep440.txt", (SCALIBR / "pypi-versions.txt",), "PypiVersion"),
    "npm": ("semver.txt", (SCALIBR / "semver-versions.txt",), "SemverVersion"),
    "Pub": ("pub.txt", (SCALIBR / "pub-versions.txt",), None),
    "Go": ("go.txt", (), "GolangVersion"),
    "Maven": (
        "maven.txt",
        (SCALIBR / "maven-versions.txt", UNIVERS_JSON / "maven_version_cmp.json"),
        "MavenVersion",
    ),
    "RubyGems": ("rubygems.txt", (SCALIBR / "rubygems-versions.txt",), "RubygemsVersion"),
    "NuGet": (
        "nuget.txt",
        (SCALIBR / "nuget-versions.txt", UNIVERS_JSON / "nuget_version_cmp.json"),
        "NugetVersion",
    ),
    "Packagist": ("packagist.txt", (SCALIBR / "packagist-versions.txt",), "ComposerVersion"),
    "Debian": (
        "dpkg.txt",
        (SCALIBR / "debian-versions.txt", UNIVERS_JSON / "deb_version_python_pkg_test.json"),
        "DebianVersion",
    ),
    "Alpine": (
        "apk.txt",
        (SCALIBR / "alpine-versions.txt", UNIVERS_JSON / "alpine_version_cmp.json"),
        "AlpineLinuxVersion",
    ),
    "Red Hat": ("rpm.txt", (SCALIBR / "redhat-versions.txt",), "RpmVersion"),
}
BOUNDS_PER_COMPONENT = 6
MIN_SECONDS = 0.2


def _vectors(own: str, shared: tuple[Path, ...]) -> list[Vector]:
    vectors = read_vectors(OWN / own)
    for path in shared:
        if path.exists():
            vectors += read_vectors(path) if path.suffix == ".txt" else read_univers_json(path)
    return vectors


def _rate(work: Callable[[], int]) -> float:
    """Operations per second of ``work`` (which returns how many operations it did)."""
    count = 0
    start = time.perf_counter()
    while True:
        count += work()
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SECONDS:
            return count / elapsed


def _fmt(rate: float) -> str:
    return f"{rate / 1000:>8.0f}k/s"


def _measure(parse: Callable[[str], Any], texts: list[str]) -> tuple[float, float, float]:
    parsed = [parse(t) for t in texts]
    rng = random.Random(0)
    pairs = [(rng.choice(parsed), rng.choice(parsed)) for _ in range(20000)]

    def parse_all() -> int:
        for text in texts:
            parse(text)
        return len(texts)

    def compare_all() -> int:
        for a, b in pairs:
            _ = a < b
        return len(pairs)

    bounds = parsed[:BOUNDS_PER_COMPONENT]

    def components() -> int:
        for text in texts:
            version = parse(text)
            for bound in bounds:
                _ = version < bound
        return len(texts)

    return _rate(parse_all), _rate(compare_all), _rate(components)


def _univers_failures(cls: Any, vectors: list[Vector]) -> int:
    failures = 0
    for vector in vectors:
        try:
            a, b = cls(vector.left), cls(vector.right)
            result = (a > b) - (a < b)
        except Exception:  # noqa: BLE001 - any univers failure counts as a wrong answer
            failures += 1
            continue
        failures += result != vector.expected
    return failures


def main() -> None:
    warnings.simplefilter("ignore")
    from univers import versions as univers_versions

    print(
        f"{'scheme':<10} {'ecosystem':<10} {'versions':>8} {'parse':>11} {'compare':>11} "
        f"{'components':>11} | {'univers wrong':>14} {'parse':>11} {'compare':>11} "
        f"{'components':>11}"
    )
    for ecosystem, (own, shared, univers_name) in SCHEMES.items():
        scheme = scheme_for(ecosystem)
        vectors = _vectors(own, shared)
        texts: list[str] = []
        for vector in vectors:
            for text in (vector.left, vector.right):
                try:
                    scheme.parse(text)
                except InvalidVersionError:
                    continue
                texts.append(text)
        texts = sorted(set(texts))
        ours = _measure(scheme.parse, texts)
        univers_cols = f"{'-':>14} {'-':>11} {'-':>11} {'-':>11}"
        if univers_name is not None:
            cls = getattr(univers_versions, univers_name)
            wrong = _univers_failures(cls, vectors)
            usable = []
            for text in texts:
                try:
                    cls(text)
                except Exception:  # noqa: BLE001 - univers rejects some of our versions
                    continue
                usable.append(text)
            u_parse, u_compare, u_components = _measure(cls, usable)
            univers_cols = (
                f"{f'{wrong}/{len(vectors)}':>14} {_fmt(u_parse):>11} {_fmt(u_compare):>11} "
                f"{_fmt(u_components):>11}"
            )
        print(
            f"{scheme.name:<10} {ecosystem:<10} {len(texts):>8} {_fmt(ours[0]):>11} "
            f"{_fmt(ours[1]):>11} {_fmt(ours[2]):>11} | {univers_cols}"
        )
    print(
        f"(components = parse one version + {BOUNDS_PER_COMPONENT} comparisons; "
        "our 'wrong' counts are in tests/versions/test_vectors.py: 0 outside the known deviations)"
    )


if __name__ == "__main__":
    main()
