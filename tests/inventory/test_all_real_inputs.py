"""Every file in ../shared/data/lockfile-fixtures, real-lockfiles and sbom is accounted for.

The real discovery code (``runink.inventory.discovery``, what ``runink scan`` runs) walks each
directory, and every file must be exactly one of:

* **read**: a parser claims it and it parses, with the format, component count and skipped
  count written here (status ``ok``, or ``partial`` when entries were skipped, each with a
  reason);
* **malformed**: a parser claims it and discovery records it as ``failed`` with the reason
  written here (the file and line first, then the message; for errors that quote a JSON, TOML
  or XML library, the part Runink writes);
* **not supported**: no parser claims it, for the reason written here;
* **never read**: discovery does not open it at all (``NOT_READ``: documentation, archives,
  vendored trees).

A file that is none of these (a new fixture, a renamed one) fails the test, and so does an
entry whose file has gone: the tables are the inventory of the shared data.

Test suites name fixtures by scenario (``one-package.lock``), while discovery claims files by
the names projects use (``poetry.lock``). So every fixture directory of a supported format is
copied to a temporary tree with each file under the canonical name (``one-package.lock/
poetry.lock``; ``…/var/lib/dpkg/status`` for a dpkg database) and walked there, and none of
those files may be claimed under its own name. A directory whose files already carry canonical
names (``requirements/*.txt``, ``parent/pom.xml``) is walked in place. Unsupported fixture
directories are checked under their canonical names too: no parser claims a ``conan.lock``.

The archives in sbom/ are unpacked into a temporary directory and walked like the rest.

Where do the numbers come from? Fixture counts were checked by reading the files, and agree
with the per-format tests (tests/inventory/*/test_*shared*.py, test_real*.py). The real
lockfiles are checked against the figures of ../shared/data/README.md (``README_COUNTS``),
against ``lockfile-fixtures/MANIFEST.tsv`` (every fixture listed, bytes unchanged), and against
Syft (tests/inventory/sbom/test_syft_generated.py, docs/formats/syft-crosscheck.md).
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import shutil
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from runink.inventory.discovery import (
    DiscoveryOptions,
    FileReport,
    Inventory,
    discover,
    iter_candidate_files,
    pick_parser,
)
from runink.inventory.registry import all_parsers
from tests.conftest import shared_path

pytestmark = pytest.mark.shared_data

PARSERS = all_parsers()
OPTIONS = DiscoveryOptions()  # what ``runink scan`` uses: the default excludes

Counts = tuple[int, int]  # (components, skipped entries)
Read = tuple[str, int, int]  # (format, components, skipped entries)


@dataclass(frozen=True, slots=True)
class Fails:
    """A malformed file: discovery records it as failed, with this message at this line."""

    message: str
    line: int | None = None

    def check(self, path: str, report: FileReport) -> str | None:
        where = f"{path}:{self.line}" if self.line is not None else path
        if report.status != "failed" or not (report.error or "").startswith(
            f"{where}: {self.message}"
        ):
            return f"{path}: expected to fail with '{where}: {self.message}…', got {_show(report)}"
        return None


@dataclass(frozen=True, slots=True)
class NotSupported:
    """No parser claims the file (also not under ``read_as``, its canonical name)."""

    why: str
    read_as: str | None = None


@dataclass(frozen=True, slots=True)
class Staged:
    """A fixture directory of a supported format: each file is walked as ``<file>/<read_as>``."""

    read_as: str
    format: str
    files: Mapping[str, Counts | Fails | NotSupported]


@dataclass(frozen=True, slots=True)
class InPlace:
    """A fixture directory whose files discovery claims under their own names."""

    format: str
    files: Mapping[str, Counts | Fails]


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A fixture directory of a format Runink does not read."""

    why: str
    read_as: str | None  # the canonical name, also not claimed; None: only its own names
    files: tuple[str, ...]


def _show(report: FileReport | None) -> str:
    if report is None:
        return "not claimed by any parser"
    if report.status == "failed":
        return f"failed: {report.error}"
    return f"{report.status} by {report.format}: {report.components} components, {len(report.skipped)} skipped"


def _check_read(path: str, report: FileReport | None, fmt: str, counts: Counts) -> str | None:
    components, skipped = counts
    if (
        report is None
        or report.status == "failed"
        or (report.format, report.components, len(report.skipped)) != (fmt, components, skipped)
    ):
        return f"{path}: expected {fmt} with {components} components, {skipped} skipped; got {_show(report)}"
    if report.status != ("partial" if skipped else "ok"):
        return f"{path}: status {report.status} with {skipped} skipped entries"
    if any(not s.reason for s in report.skipped):
        return f"{path}: a skipped entry has no reason"
    return None


# --------------------------------------------------------------------------------------------
# Why some inputs are not read (docs/supported-formats.md, "Inputs Runink does not read").

GO_SUM = NotSupported(
    "go.sum records the checksum of every module version the build ever consulted, including "
    "versions that are not selected; the versions built are go.mod's",
    read_as="go.sum",
)
CONAN = "conan.lock (C/C++): ConanCenter is not a supported ecosystem yet"
CSPROJ = (
    "a .csproj declares PackageReference versions, which may float; the resolved versions are in "
    "packages.lock.json, which is read"
)
DEPS_JSON = ".NET *.deps.json is build output (resolved runtime assets), not yet read"
NUGET_CPM = "Directory.Packages.props declares central package versions; resolution is not read"
PACKAGES_CONFIG = "legacy NuGet packages.config is not yet read"
PAKET_DEPENDENCIES = "paket.dependencies declares ranges; Paket's lock is paket.lock"
PAKET_LOCK = "paket.lock (Paket for .NET) is not yet read"
PROJECT_ASSETS = "obj/project.assets.json (NuGet restore output) is not yet read"
GLEAM = "gleam.toml declares version ranges, not installed versions"
CABAL = "Haskell (cabal.project.freeze): Hackage is not a supported ecosystem yet"
STACK = "Haskell (stack.yaml.lock): Hackage is not a supported ecosystem yet"
GRADLE_VERIFICATION = (
    "gradle/verification-metadata.xml lists checksums of artifacts that were ever verified, not "
    "the resolved graph; gradle.lockfile is read"
)
GRADLE_CATALOG = "a Gradle version catalog declares candidate versions, not resolved ones"
DENO = "deno.json declares imports and ranges; deno.lock is not yet read"
PACKAGE_JSON = (
    "package.json declares ranges; the installed versions are in package-lock.json, yarn.lock, "
    "pnpm-lock.yaml or bun.lock, which are read"
)
JULIA = "Julia (Project.toml, Manifest.toml): not a supported ecosystem yet"
OPAM = "OCaml opam switch exports: opam is not a supported ecosystem"
CPAN = "Perl CPAN META.json/META.yml describe one distribution, not installed dependencies"
CONDA = "conda-meta/*.json (conda environments): conda is not a supported ecosystem yet"
PYPROJECT = "pyproject.toml declares ranges; the Python lockfiles next to it are read"
RENV = "renv.lock (R): CRAN is not yet read"
CARGO_TOML = "Cargo.toml declares ranges; Cargo.lock is read"
SWIFTPM = "Package.resolved (SwiftPM) is not yet read"
COCOAPODS = "Podfile.lock (CocoaPods) is not yet read"
OSV_SCANNER_CSV = "osv-scanner's own CSV input format is not an inventory format"
OSV_SCANNER_RESULTS = "osv-scanner's JSON output is not read (Trivy, Grype and Syft output are)"

NOT_AN_SBOM = NotSupported("a line of text standing in for a file of no known format")
SCANOSS = NotSupported(
    "SCANOSS scanner output (file matches), named like CycloneDX but without its bomFormat"
)
DATASET_INDEX = NotSupported("bom-shelter's index of its own SBOMs (CSV), not an SBOM")
LICENCE_TEXT = NotSupported("the licence of the example collection")

# Files discovery never opens: (glob on the path, why). Each rule must match a file.
NOT_READ: tuple[tuple[str, str], ...] = (
    ("*.md", "documentation: discovery skips Markdown without reading it"),
    ("*.tar.gz", "an archive: discovery does not unpack archives; this test unpacks these three"),
    ("*/vendor/*", "under vendor/, which discovery skips: vendored code, pinned by go.mod"),
)

# sbom/*.tar.gz -> the folder each unpacks into
ARCHIVES = {
    "bom-shelter-selection.tar.gz": "bom-shelter",
    "cyclonedx-bom-examples.tar.gz": "cyclonedx-bom-examples",
    "spdx-examples.tar.gz": "spdx-examples",
}

# --------------------------------------------------------------------------------------------
# lockfile-fixtures: directory -> how its files are read

FIXTURES: dict[str, Staged | InPlace | Unsupported] = {
    "osv-scalibr/dart/pubspec": Staged(
        "pubspec.lock",
        "pubspec.lock",
        {
            "empty.lock": (0, 0),
            "no-packages.lock": (0, 0),
            "not-yaml.txt": Fails("expected a mapping at the top level", line=1),
            "one-package-dev.lock": (1, 0),
            "source-git.lock": (1, 4),
            "source-sdk.lock": (0, 1),
        },
    ),
    "osv-scanner-v1/pub": Staged(
        "pubspec.lock",
        "pubspec.lock",
        {
            "empty.lock": (0, 0),
            "no-packages.lock": (0, 0),
            "not-yaml.txt": Fails("expected a mapping at the top level", line=1),
            "one-package-dev.lock": (1, 0),
            "source-git.lock": (1, 4),
            "source-sdk.lock": (0, 1),
        },
    ),
    "osv-scalibr/dotnet/packageslockjson/invalid": Staged(
        "packages.lock.json",
        "packages.lock.json",
        {
            "invalid": Fails("not valid JSON", line=1),
        },
    ),
    "osv-scanner-v1/nuget": Staged(
        "packages.lock.json",
        "packages.lock.json",
        {
            "empty.v0.json": (0, 0),
            "empty.v1.json": (0, 0),
            "not-json.txt": Fails("not valid JSON", line=1),
            "one-framework-two-packages.v1.json": (2, 0),
            "two-frameworks-duplicate-packages.v1.json": (1, 0),
        },
    ),
    "osv-scalibr/elixir/mixlock": Staged(
        "mix.lock",
        "mix.lock",
        {
            "empty": (0, 0),
            "invalid": Fails('certifi: expected {:hex, :package, "version", ...}', line=3),
            "valid": (2, 0),
        },
    ),
    "osv-scalibr/erlang/mixlock": Staged(
        "mix.lock",
        "mix.lock",
        {
            "empty.lock": (0, 0),
            "many.lock": (21, 0),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scanner-v1/mix": Staged(
        "mix.lock",
        "mix.lock",
        {
            "empty.lock": (0, 0),
            "many.lock": (21, 0),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scalibr/golang/gomod": Staged(
        "go.mod",
        "go.mod",
        {
            "empty.mod": (0, 0),
            "indirect-1.16.mod": (2, 0),
            "indirect-1.16.sum": GO_SUM,
            "indirect-1.23.mod": (3, 0),
            "indirect-1.23.sum": GO_SUM,
            "not-go-mod.mod": Fails("unknown directive 'this'", line=1),
            "one-package.mod": (1, 0),
            "replace-local.mod": (1, 1),
            "replace-no-version.mod": (1, 0),
            "replace-one.mod": (1, 0),
            "toolchain-with-suffix.mod": (2, 0),
            "toolchain.mod": (2, 0),
        },
    ),
    "osv-scanner-v1/go": Staged(
        "go.mod",
        "go.mod",
        {
            "empty.mod": (0, 0),
            "not-go-mod.txt": Fails("unknown directive 'this'", line=1),
            "one-package.mod": (1, 0),
            "replace-local.mod": (1, 1),
            "replace-no-version.mod": (1, 0),
            "replace-one.mod": (1, 0),
        },
    ),
    "osv-scalibr/java/gradlelockfile": Staged(
        "gradle.lockfile",
        "gradle.lockfile",
        {
            "one-pkg": (1, 0),
            "only-comments": (0, 0),
            "only-empty": (0, 0),
            "with-bad-pkg": (2, 4),
        },
    ),
    "osv-scanner-v1/gradle": Staged(
        "gradle.lockfile",
        "gradle.lockfile",
        {
            "one-pkg": (1, 0),
            "only-comments": (0, 0),
            "only-empty": (0, 0),
        },
    ),
    "osv-scalibr/java/pomxml": Staged(
        "pom.xml",
        "pom.xml",
        {
            "ambiguous-interpolation.xml": (1, 0),
            "empty.xml": (0, 0),
            "encoding.xml": (1, 0),
            "explicit-jar.xml": (2, 0),
            "interpolate-drop.xml": (1, 1),
            "interpolation.xml": (2, 1),
            "invalid-syntax.xml": Fails("not well-formed XML", line=3),
            "multi-version.xml": (2, 0),
            "not-pom.txt": Fails("not well-formed XML", line=1),
            "one-package.xml": (1, 0),
            "plugin-dependency.xml": (1, 0),
            "profiles.xml": (1, 0),
            "transitive.xml": (4, 0),
            "with-dependency-management.xml": (3, 0),
            "with-multiple-classifiers.xml": (1, 0),
            "with-parent.xml": (3, 1),
            "with-type-classifier.xml": (1, 0),
        },
    ),
    "osv-scanner-v1/maven": Staged(
        "pom.xml",
        "pom.xml",
        {
            "empty.xml": (0, 0),
            "invalid-syntax.xml": Fails("not well-formed XML", line=3),
            "not-pom.txt": Fails("not well-formed XML", line=1),
            "one-package.xml": (1, 0),
            "with-dependency-management.xml": (3, 0),
        },
    ),
    "osv-scalibr/javascript/bunlock": Staged(
        "bun.lock",
        "bun.lock",
        {
            "alias.json5": (4, 0),
            "bad-tuple.json5": (1, 2),
            "blog-sample.json5": (0, 1),
            "commits.json5": (11, 7),
            "empty.json5": (0, 0),
            "files.json5": (1, 1),
            "nested-dependencies-dup.json5": (7, 0),
            "nested-dependencies.json5": (9, 0),
            "no-packages.json5": (0, 0),
            "not-json.txt": Fails("invalid JSON", line=1),
            "one-package-dev.json5": (1, 0),
            "one-package.json5": (1, 0),
            "optional-package.json5": (3, 0),
            "peer-dependencies-explicit.json5": (2, 0),
            "peer-dependencies-implicit.json5": (2, 0),
            "same-package-different-groups.json5": (2, 0),
            "scoped-packages-mixed.json5": (5, 0),
            "scoped-packages.json5": (1, 0),
            "two-packages.json5": (2, 0),
        },
    ),
    "osv-scalibr/javascript/packagelockjson": Staged(
        "package-lock.json",
        "package-lock.json",
        {
            "bundled-dependencies.v3.json": (3, 0),
            "commits.v1.json": (2, 13),
            "commits.v2.json": (2, 12),
            "empty.v1.json": (0, 0),
            "empty.v2.json": (0, 0),
            "nested-dependencies-dup.v2.json": (2, 0),
            "nested-dependencies.v1.json": (5, 0),
            "not-json.txt": Fails("invalid JSON", line=1),
            "null.v2.jsontest": Fails("expected a JSON object at the top level", line=1),
            "one-package-dev.v2.json": (1, 0),
            "one-package.v1.json": (1, 0),
            "optional-package.v2.json": (2, 0),
            "same-package-different-groups.v1.json": (3, 0),
            "scoped-packages.v2.json": (2, 0),
            "two-packages.v1.json": (2, 0),
        },
    ),
    "osv-scanner-v1/npm": Staged(
        "package-lock.json",
        "package-lock.json",
        {
            "commits.v1.json": (2, 13),
            "commits.v2.json": (2, 12),
            "empty.v1.json": (0, 0),
            "empty.v2.json": (0, 0),
            "nested-dependencies-dup.v2.json": (2, 0),
            "nested-dependencies.v1.json": (5, 0),
            "not-json.txt": Fails("invalid JSON", line=1),
            "one-package-dev.v2.json": (1, 0),
            "one-package.v1.json": (1, 0),
            "optional-package.v2.json": (2, 0),
            "same-package-different-groups.v1.json": (3, 0),
            "scoped-packages.v2.json": (2, 0),
            "two-packages.v1.json": (2, 0),
        },
    ),
    "osv-scalibr/javascript/pnpmlock": Staged(
        "pnpm-lock.yaml",
        "pnpm-lock.yaml",
        {
            "empty.yaml": (0, 0),
            "exotic.yaml": (7, 2),
            "invalid-path.yaml": (1, 1),
            "invalid-paths.yaml": (1, 2),
            "missing-packages.yaml": (0, 0),
            "mixed-groups.v53.yaml": (3, 0),
            "mixed-groups.v54.yaml": (3, 0),
            "mixed-groups.v6.yaml": (3, 0),
            "mixed-groups.v9.yaml": (3, 0),
            "multiple-packages.yaml": (14, 0),
            "no-packages.v9.yaml": (0, 0),
            "no-packages.yaml": (0, 0),
            "not-yaml.txt": Fails("expected a mapping at the top level", line=1),
            "one-package-dev.v9.yaml": (1, 0),
            "one-package-dev.yaml": (1, 0),
            "one-package.yaml": (1, 0),
            "peer-dependencies-advanced-rc-v6.yaml": (5, 0),
            "peer-dependencies-advanced-v6.yaml": (5, 0),
            "peer-dependencies-advanced.v9.yaml": (13, 0),
            "peer-dependencies-v6.yaml": (5, 0),
            "peer-dependencies.yaml": (2, 0),
            "scoped-packages.v9.yaml": (1, 0),
            "scoped-packages.yaml": (1, 0),
        },
    ),
    "osv-scanner-v1/pnpm": Staged(
        "pnpm-lock.yaml",
        "pnpm-lock.yaml",
        {
            "empty.yaml": (0, 0),
            "exotic.yaml": (7, 2),
            "invalid-package-path.yaml": (9, 0),
            "mixed-groups.v53.yaml": (3, 0),
            "mixed-groups.v54.yaml": (3, 0),
            "mixed-groups.v6.yaml": (3, 0),
            "mixed-groups.v9.yaml": (3, 0),
            "multiple-packages.yaml": (14, 0),
            "no-packages.v9.yaml": (0, 0),
            "no-packages.yaml": (0, 0),
            "not-yaml.txt": Fails("expected a mapping at the top level", line=1),
            "one-package-dev.v9.yaml": (1, 0),
            "one-package-dev.yaml": (1, 0),
            "one-package.yaml": (1, 0),
            "peer-dependencies-advanced.v9.yaml": (13, 0),
            "peer-dependencies.yaml": (2, 0),
            "scoped-packages.v9.yaml": (1, 0),
            "scoped-packages.yaml": (1, 0),
        },
    ),
    "osv-scalibr/javascript/yarnlock": Staged(
        "yarn.lock",
        "yarn.lock",
        {
            "empty.v1.lock": (0, 0),
            "empty.v2.lock": (0, 0),
            "exclude-root.v2.lock": (1, 0),
            "files.v1.lock": (2, 4),
            "files.v2.lock": (0, 1),
            "metadata-only.v2.lock": (0, 0),
            "multiple-versions.v1.lock": (4, 0),
            "no-version.v1.lock": (1, 0),
            "one-package.v2.lock": (1, 0),
            "scoped-packages.v1.lock": (2, 0),
            "two-packages.v2.lock": (2, 0),
            "with-aliases.v1.lock": (3, 0),
            "with-build-string.v2.lock": (1, 1),
            "with-prerelease.v1.lock": (5, 0),
            "with-quotes.v2.lock": (2, 0),
        },
    ),
    "osv-scanner-v1/yarn": Staged(
        "yarn.lock",
        "yarn.lock",
        {
            "empty.v1.lock": (0, 0),
            "empty.v2.lock": (0, 0),
            "files.v1.lock": (2, 4),
            "files.v2.lock": (0, 1),
            "metadata-only.v2.lock": (0, 0),
            "multiple-versions.v1.lock": (4, 0),
            "one-package.v2.lock": (1, 0),
            "scoped-packages.v1.lock": (2, 0),
            "two-packages.v2.lock": (2, 0),
            "with-aliases.v1.lock": (3, 0),
            "with-build-string.v2.lock": (1, 1),
            "with-prerelease.v1.lock": (5, 0),
            "with-quotes.v2.lock": (2, 0),
        },
    ),
    "osv-scalibr/php/composerlock": Staged(
        "composer.lock",
        "composer.lock",
        {
            "drupal-packages.json": (4, 0),
            "duplicate-packages.json": (3, 0),
            "empty.json": (0, 0),
            "not-json.txt": Fails("not valid JSON", line=1),
            "null.jsontest": Fails("expected a JSON object at the top level"),
            "one-package.json": (1, 0),
            "two-packages.json": (2, 0),
        },
    ),
    "osv-scanner-v1/composer": Staged(
        "composer.lock",
        "composer.lock",
        {
            "empty.json": (0, 0),
            "not-json.txt": Fails("not valid JSON", line=1),
            "one-package.json": (1, 0),
            "two-packages.json": (2, 0),
        },
    ),
    "osv-scalibr/python/pdmlock": Staged(
        "pdm.lock",
        "pdm.lock",
        {
            "empty-file.toml": (0, 0),
            "empty.toml": (0, 0),
            "git-dependency.toml": (1, 0),
            "names-outside-package-block.toml": (2, 0),
            "not-toml.txt": Fails("invalid TOML", line=1),
            "single-package.toml": (1, 0),
        },
    ),
    "osv-scanner-v1/pdm": Staged(
        "pdm.lock",
        "pdm.lock",
        {
            "empty.toml": (0, 0),
            "git-dependency.toml": (1, 0),
            "not-toml.txt": Fails("invalid TOML", line=1),
            "single-package.toml": (1, 0),
        },
    ),
    "osv-scalibr/python/pipfilelock": Staged(
        "Pipfile.lock",
        "Pipfile.lock",
        {
            "empty-file": Fails("invalid JSON", line=1),
            "empty.json": (0, 0),
            "minified.json": (1, 0),
            "no-version.json": (0, 2),
            "not-json.txt": Fails("invalid JSON", line=1),
            "one-package-dev.json": (1, 0),
            "two-packages-alt.json": (2, 0),
        },
    ),
    "osv-scanner-v1/pipenv": Staged(
        "Pipfile.lock",
        "Pipfile.lock",
        {
            "empty.json": (0, 0),
            "no-version.json": (0, 2),
            "not-json.txt": Fails("invalid JSON", line=1),
            "one-package-dev.json": (1, 0),
            "two-packages-alt.json": (2, 0),
        },
    ),
    "osv-scalibr/python/poetrylock": Staged(
        "poetry.lock",
        "poetry.lock",
        {
            "empty-file.lock": (0, 0),
            "empty.lock": (0, 0),
            "multiple-packages.v2.lock": (11, 0),
            "names-outside-package-block.lock": (2, 0),
            "not-toml.txt": Fails("invalid TOML", line=1),
            "one-package.lock": (1, 0),
            "source-git.lock": (1, 0),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scanner-v1/poetry": Staged(
        "poetry.lock",
        "poetry.lock",
        {
            "empty.lock": (0, 0),
            "not-toml.txt": Fails("invalid TOML", line=1),
            "one-package.lock": (1, 0),
            "source-git.lock": (1, 0),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scalibr/python/pylock": Staged(
        "pylock.toml",
        "pylock.toml",
        {
            "commits.toml": (7, 0),
            "empty.toml": (0, 0),
            "example.toml": (3, 0),
            "names-outside-package-block.toml": (2, 0),
            "not-toml.txt": Fails("invalid TOML", line=1),
            "pdm-full.toml": (10, 0),
            "pip-full.toml": (5, 0),
            "pip-just-self.toml": (0, 0),
        },
    ),
    "osv-scalibr/python/uvlock": Staged(
        "uv.lock",
        "uv.lock",
        {
            "empty.lock": (0, 0),
            "grouped-packages.lock": (14, 0),
            "names-outside-package-block.lock": (2, 0),
            "no-dependencies.lock": (0, 0),
            "no-packages.lock": (0, 0),
            "not-toml.txt": Fails("invalid TOML", line=1),
            "one-package.lock": (1, 0),
            "source-git.lock": (1, 0),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scalibr/ruby/gemfilelock": Staged(
        "Gemfile.lock",
        "Gemfile.lock",
        {
            "has-local-gem.lock": (29, 1),
            "invalid.lock": Fails("spec 'invalid-name' has no version", line=4),
            "no-gem-section.lock": (0, 0),
            "no-gems.lock": (0, 0),
            "no-spec-section.lock": (0, 0),
            "one-gem.lock": (1, 0),
            "rubocop.lock": (10, 0),
            "source-section-at-end.lock": (1, 0),
        },
    ),
    "osv-scanner-v1/bundler": Staged(
        "Gemfile.lock",
        "Gemfile.lock",
        {
            "has-local-gem.lock": (29, 1),
            "no-gem-section.lock": (0, 0),
            "no-gems.lock": (0, 0),
            "no-spec-section.lock": (0, 0),
            "one-gem.lock": (1, 0),
            "rubocop.lock": (10, 0),
        },
    ),
    "osv-scalibr/rust/cargolock": Staged(
        "Cargo.lock",
        "Cargo.lock",
        {
            "duplicate.lock": (2, 0),
            "empty.lock": (0, 0),
            "many-packages.lock": (6, 0),
            "not-toml.txt": Fails("not valid TOML", line=1),
            "package-with-build-string.lock": (1, 0),
            "package-with-comments.lock": (1, 1),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scanner-v1/cargo": Staged(
        "Cargo.lock",
        "Cargo.lock",
        {
            "empty.lock": (0, 0),
            "not-toml.txt": Fails("not valid TOML", line=1),
            "package-with-build-string.lock": (1, 0),
            "two-packages.lock": (2, 0),
        },
    ),
    "osv-scanner-v1/dpkg": Staged(
        "var/lib/dpkg/status",
        "dpkg-status",
        {
            "empty_status": (0, 0),
            "malformed_status": Fails("expected 'Field: value', found 'Malformed DPKG'", line=1),
            "multiple_status": (4, 0),
            "not_status": Fails("expected 'Field: value', found 'Not a dpkg status file!'", line=1),
            "shuffled_status": (1, 0),
            "single_status": (1, 0),
            "source_ver_override_status": (1, 0),
        },
    ),
    "osv-scanner-v1/apk": Staged(
        "lib/apk/db/installed",
        "apk-installed",
        {
            "empty_installed": (0, 0),
            "malformed_installed": Fails(
                "expected 'X:value', found 'This is a malformed APK installed file'", line=2
            ),
            "multiple_installed": (3, 0),
            "not_installed": Fails("expected 'X:value', found 'Not an APK file!'", line=1),
            "shuffled_installed": (1, 0),
            "single_installed": (1, 0),
        },
    ),
    "osv-scanner-v1/pip": Staged(
        "requirements/{name}",  # together, so that "-r other-file.txt" finds its file
        "requirements.txt",
        {
            "cyclic-r-self.txt": (2, 1),  # "-r ./cyclic-r-self.txt": an include cycle
            "empty.txt": (0, 0),
            "file-format-example.txt": (3, 8),
            "multiple-packages-constrained.txt": (13, 0),
            "non-normalized-names.txt": (3, 0),
            "one-package-unconstrained.txt": (0, 1),
            "only-comments.txt": (0, 0),
            "other-file.txt": (1, 0),
            "with-bad-r-option.txt": (1, 1),  # "-r ./does-not-exist.txt"
        },
    ),
    "osv-scalibr/python/requirements": InPlace(
        "requirements.txt",
        {
            "comments.txt": (5, 0),
            "env_var.txt": (2, 1),
            "example.txt": (3, 9),
            "extras.txt": (2, 0),
            "invalid.txt": (0, 4),
            "loop.txt": (0, 0),
            "multiline_and_comments.txt": (2, 0),
            "no_version.txt": (0, 3),
            "other-loop.txt": (0, 1),
            "other-requirements.txt": (1, 0),
            "per_req_options.txt": (15, 3),
            "trailing_backslash.txt": (1, 0),
            "with_versions.txt": (7, 4),
        },
    ),
    "osv-scalibr/java/pomxml/parent": InPlace("pom.xml", {"pom.xml": (1, 0)}),
    "osv-scalibr/dotnet/packageslockjson/valid": InPlace(
        "packages.lock.json", {"packages.lock.json": (8, 0)}
    ),
    "osv-scalibr/cpp/conanlock": Unsupported(
        CONAN,
        "conan.lock",
        (
            "empty.v1.json",
            "empty.v1.revisions.json",
            "empty.v2.json",
            "nested-dependencies.v1.json",
            "nested-dependencies.v1.revisions.json",
            "nested-dependencies.v2.json",
            "no-name.v1.json",
            "no-name.v1.revisions.json",
            "no-name.v2.json",
            "not-json.txt",
            "null.v2.jsontest",
            "old-format-0.0.json",
            "old-format-0.1.json",
            "old-format-0.2.json",
            "old-format-0.3.json",
            "one-package-dev.v1.json",
            "one-package-dev.v1.revisions.json",
            "one-package-dev.v2.json",
            "one-package.v1.json",
            "one-package.v1.revisions.json",
            "one-package.v2.json",
            "two-packages.v1.json",
            "two-packages.v1.revisions.json",
            "two-packages.v2.json",
        ),
    ),
    "osv-scanner-v1/conan": Unsupported(
        CONAN,
        "conan.lock",
        (
            "empty.v1.json",
            "empty.v1.revisions.json",
            "empty.v2.json",
            "no-name.v1.json",
            "no-name.v1.revisions.json",
            "no-name.v2.json",
            "not-json.txt",
            "old-format-0.1.json",
            "old-format-0.3.json",
            "one-package.v1.json",
            "one-package.v1.revisions.json",
            "one-package.v2.json",
        ),
    ),
    "osv-scalibr/dotnet/csproj": Unsupported(
        CSPROJ,
        "app.csproj",
        (
            "emptyinclude",
            "emptyversion",
            "invalid",
            "nopackage",
            "noversion",
            "valid",
        ),
    ),
    "osv-scalibr/dotnet/depsjson": Unsupported(
        DEPS_JSON,
        "app.deps.json",
        (
            "empty",
            "invalid",
            "nopackagename",
            "valid",
        ),
    ),
    "osv-scalibr/dotnet/nugetcpm": Unsupported(
        NUGET_CPM,
        "Directory.Packages.props",
        (
            "emptyinclude",
            "emptyversion",
            "invalid",
            "nopackage",
            "noversion",
            "valid",
        ),
    ),
    "osv-scalibr/dotnet/packagesconfig": Unsupported(
        PACKAGES_CONFIG,
        "packages.config",
        (
            "invalid",
            "nopackage",
            "noversion",
            "valid",
        ),
    ),
    "osv-scalibr/dotnet/paketdependencies": Unsupported(
        PAKET_DEPENDENCIES,
        "paket.dependencies",
        (
            "duplicate/paket.dependencies",
            "empty-deps/paket.dependencies",
            "invalid/paket.dependencies",
            "paket.dependencies",
        ),
    ),
    "osv-scalibr/dotnet/paketlock": Unsupported(
        PAKET_LOCK,
        "paket.lock",
        (
            "empty-lock-dir/paket.lock",
            "invalid-lock/paket.lock",
            "paket.lock",
        ),
    ),
    "osv-scalibr/dotnet/projectassetsjson": Unsupported(
        PROJECT_ASSETS,
        "project.assets.json",
        (
            "invalid/invalid",
            "valid/project.assets.json",
        ),
    ),
    "osv-scalibr/gleam/gleamtoml": Unsupported(
        GLEAM,
        "gleam.toml",
        (
            "deps-and-dev-deps.toml",
            "git-and-local-deps.toml",
            "no-deps.toml",
            "not-toml.txt",
            "only-deps.toml",
            "only-dev-deps.toml",
        ),
    ),
    "osv-scalibr/haskell/cabal": Unsupported(
        CABAL,
        "cabal.project.freeze",
        (
            "invalid",
            "valid",
            "valid_2",
        ),
    ),
    "osv-scalibr/haskell/stacklock": Unsupported(
        STACK,
        "stack.yaml.lock",
        (
            "invalid",
            "valid",
        ),
    ),
    "osv-scalibr/java/gradleverificationmetadataxml": Unsupported(
        GRADLE_VERIFICATION,
        "gradle/verification-metadata.xml",
        (
            "attribute-order.xml",
            "duplicates.xml",
            "empty.xml",
            "missing-attribute.xml",
            "multi-line.xml",
            "multiple-versions.xml",
            "not-xml.txt",
            "odd-versions.xml",
            "single-quotes.xml",
            "two-packages.xml",
        ),
    ),
    "osv-scanner-v1/gradle-verification-metadata": Unsupported(
        GRADLE_VERIFICATION,
        "gradle/verification-metadata.xml",
        (
            "empty.xml",
            "multiple-versions.xml",
            "not-xml.txt",
            "two-packages.xml",
        ),
    ),
    "osv-scalibr/java/gradleversioncatalog": Unsupported(
        GRADLE_CATALOG,
        "gradle/libs.versions.toml",
        (
            "empty.versions.toml",
            "invalid.versions.toml",
            "libs.versions.toml",
            "not-toml.txt",
        ),
    ),
    "osv-scalibr/javascript/denojson": Unsupported(
        DENO,
        "deno.json",
        (
            "deno.json",
            "invalid.jsontest",
        ),
    ),
    "osv-scalibr/javascript/packagejson": Unsupported(
        PACKAGE_JSON,
        "package.json",
        (
            "deps/accepts/package.json",
            "deps/acorn-globals/package.json",
            "deps/acorn/package.json",
            "deps/no-person-name/package.json",
            "deps/window-size/package.json",
            "deps/with/deps/acorn/package.json",
            "duplicate-keys.json",
            "invalid",
            "not-vscode.json",
            "package-with-deps.json",
            "package.json",
            "undici-package.json",
            "unity-package.json",
            "vscode-extension-only-required.json",
            "vscode-extension.json",
        ),
    ),
    "osv-scalibr/julia/manifesttoml": Unsupported(
        JULIA,
        "Manifest.toml",
        (
            "git-dependency-with-commit.toml",
            "more-than-two-dependencies.toml",
            "no-dependency.toml",
            "no-version-dependency.toml",
            "not-toml.txt",
            "only-version-dependency.toml",
        ),
    ),
    "osv-scalibr/julia/projecttoml": Unsupported(
        JULIA,
        "Project.toml",
        (
            "not-toml.txt",
            "project.toml",
        ),
    ),
    "osv-scalibr/ocaml/opam": Unsupported(
        OPAM,
        None,
        (
            "empty.install",
            "invalid.install",
            "valid.install",
        ),
    ),
    "osv-scalibr/perl/cpan": Unsupported(
        CPAN,
        None,
        (
            "META_correct.yml",
            "META_correct1.json",
            "META_correct1.yml",
            "META_correct2.json",
            "META_withoutname.json",
            "META_withoutname.yml",
            "META_withoutversion.json",
            "META_withoutversion.yml",
            "invalid_json.jsontest",
            "invalid_yml.yml",
            "null.jsontest",
        ),
    ),
    "osv-scalibr/python/condameta": Unsupported(
        CONDA,
        "conda-meta/package-1.0-0.json",
        (
            "empty",
            "invalid",
            "noname",
            "noversion",
            "valid",
        ),
    ),
    "osv-scalibr/python/pyprojecttoml": Unsupported(
        PYPROJECT,
        "pyproject.toml",
        (
            "dynamic_deps.toml",
            "empty_deps.toml",
            "env_markers.toml",
            "extras_syntax.toml",
            "malformed.toml",
            "no_project_table.toml",
            "optional_deps.toml",
            "simple_deps.toml",
        ),
    ),
    "osv-scalibr/r/renvlock": Unsupported(
        RENV,
        "renv.lock",
        (
            "empty.lock",
            "not-json.txt",
            "two-packages.lock",
            "with-mixed-sources.lock",
            "without-repository.lock",
        ),
    ),
    "osv-scanner-v1/renv": Unsupported(
        RENV,
        "renv.lock",
        (
            "empty.lock",
            "not-json.txt",
            "two-packages.lock",
            "with-mixed-sources.lock",
            "without-repository.lock",
        ),
    ),
    "osv-scalibr/rust/cargotoml": Unsupported(
        CARGO_TOML,
        "Cargo.toml",
        (
            "git-dependency-tagged.toml",
            "git-dependency-with-commit.toml",
            "git-dependency-with-pr.toml",
            "invalid-dependency.toml",
            "no-dependency.toml",
            "not-toml.txt",
            "only-version-dependency.toml",
            "two-dependencies.toml",
        ),
    ),
    "osv-scalibr/swift/packageresolved": Unsupported(
        SWIFTPM,
        "Package.resolved",
        (
            "cve-packages",
            "empty",
            "invalid",
            "valid",
        ),
    ),
    "osv-scalibr/swift/podfilelock": Unsupported(
        COCOAPODS,
        "Podfile.lock",
        (
            "empty",
            "invalid",
            "valid",
            "valid2",
        ),
    ),
    "osv-scanner-v1/csv": Unsupported(
        OSV_SCANNER_CSV,
        None,
        (
            "commits.csv",
            "empty.csv",
            "multiple-rows.csv",
            "one-row.csv",
            "two-rows.csv",
            "with-extra-columns.csv",
            "with-headers.csv",
        ),
    ),
    "osv-scanner-v1/osvscannerresults": Unsupported(
        OSV_SCANNER_RESULTS,
        "osv-scanner.json",
        (
            "empty.json",
            "multi-packages-with-vulns.json",
            "not-json.txt",
            "one-package-commit.json",
            "one-package.json",
        ),
    ),
}

# --------------------------------------------------------------------------------------------
# real-lockfiles: path -> (format, components, skipped), Fails or NotSupported

REAL_LOCKFILES: dict[str, Read | Fails | NotSupported] = {
    "autogen/python/uv.lock": ("uv.lock", 513, 0),
    "caddy/go.mod": ("go.mod", 170, 0),
    "caddy/go.sum": GO_SUM,
    "crewAI/uv.lock": ("uv.lock", 470, 0),
    "excalidraw/yarn.lock": ("yarn.lock", 1441, 0),
    "jupyterlab/yarn.lock": ("yarn.lock", 1859, 0),
    "monica/composer.lock": ("composer.lock", 240, 1),
    "monica/yarn.lock": ("yarn.lock", 540, 0),
    "paperless-ngx/src-ui/pnpm-lock.yaml": ("pnpm-lock.yaml", 1332, 0),
    "paperless-ngx/uv.lock": ("uv.lock", 273, 0),
    "poetry/poetry.lock": ("poetry.lock", 78, 0),
    "rubygems.org/Gemfile.lock": ("Gemfile.lock", 298, 0),
    "ruff/Cargo.lock": ("Cargo.lock", 505, 0),
    "ruff/uv.lock": ("uv.lock", 88, 0),
    "saleor/uv.lock": ("uv.lock", 230, 0),
    "textual/poetry.lock": ("poetry.lock", 111, 0),
    "warehouse/package-lock.json": ("package-lock.json", 999, 0),
    "warehouse/requirements/main.in": NotSupported(
        "pip-compile input: ranges, not pins; main.txt, compiled from it, is read"
    ),
    "warehouse/requirements/main.txt": ("requirements.txt", 184, 0),
}

# --------------------------------------------------------------------------------------------
# sbom: osv-sbom-fixtures/ in place; the archives' contents under their top folder

SBOMS: dict[str, Read | Fails | NotSupported] = {
    "osv-sbom-fixtures/osv-scalibr/cdx/invalid_sbom.cdxjson": NotSupported(
        "not an SBOM (one line of text) under an extension no tool uses"
    ),
    "osv-sbom-fixtures/osv-scalibr/cdx/minimal.cdx.json": ("cyclonedx-json", 1, 0),
    "osv-sbom-fixtures/osv-scalibr/cdx/random_file.ext": NOT_AN_SBOM,
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom-with-locations.cdx.json": ("cyclonedx-json", 1, 0),
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom-with-nested-comps.cdx.json": ("cyclonedx-json", 1, 2),
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom.bom.json": ("cyclonedx-json", 0, 2),
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom.bom.xml": ("cyclonedx-xml", 0, 2),
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom.cdx.json": ("cyclonedx-json", 0, 2),
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom.cdx.json.foo.ext": NOT_AN_SBOM,
    "osv-sbom-fixtures/osv-scalibr/cdx/sbom.cdx.xml": ("cyclonedx-xml", 0, 2),
    "osv-sbom-fixtures/osv-scalibr/spdx/ancestor_of.spdx.json": ("spdx-json", 1, 1),
    "osv-sbom-fixtures/osv-scalibr/spdx/descendant_of.spdx.json": ("spdx-json", 1, 1),
    "osv-sbom-fixtures/osv-scalibr/spdx/dhi/.spdx.dhi-pkg-python.json": ("spdx-json", 0, 1),
    "osv-sbom-fixtures/osv-scalibr/spdx/dhi/.spdx.dhi-python.json": ("spdx-json", 0, 1),
    "osv-sbom-fixtures/osv-scalibr/spdx/dhi/.spdx.python.json": ("spdx-json", 0, 1),
    "osv-sbom-fixtures/osv-scalibr/spdx/external_refs.spdx.json": ("spdx-json", 0, 3),
    "osv-sbom-fixtures/osv-scalibr/spdx/independent_packages_descendant.spdx.json": (
        "spdx-json",
        0,
        2,
    ),
    # A line of text under an SPDX tag-value name: claimed by its name, and refused.
    "osv-sbom-fixtures/osv-scalibr/spdx/invalid_sbom.spdx": Fails(
        "expected 'Tag: value', found 'Not an sbom at all!'", line=1
    ),
    "osv-sbom-fixtures/osv-scalibr/spdx/minimal.spdx.json": ("spdx-json", 0, 0),
    "osv-sbom-fixtures/osv-scalibr/spdx/multi_descendant.spdx.json": ("spdx-json", 0, 3),
    "osv-sbom-fixtures/osv-scalibr/spdx/overlapping_refs.spdx.json": ("spdx-json", 1, 1),
    "osv-sbom-fixtures/osv-scalibr/spdx/purl_and_cpe.spdx.json": ("spdx-json", 0, 0),
    "osv-sbom-fixtures/osv-scalibr/spdx/random_file.ext": NOT_AN_SBOM,
    "osv-sbom-fixtures/osv-scalibr/spdx/sbom.spdx": ("spdx-tag-value", 0, 0),
    "osv-sbom-fixtures/osv-scalibr/spdx/sbom.spdx.foo.ext": NOT_AN_SBOM,
    "osv-sbom-fixtures/osv-scalibr/spdx/sbom.spdx.json": ("spdx-json", 0, 0),
    "osv-sbom-fixtures/osv-scalibr/spdx/sbom.spdx.rdf": NotSupported(
        "SPDX 2 as RDF/XML: only the JSON and tag-value serialisations are read"
    ),
    "osv-sbom-fixtures/osv-scalibr/spdx/sbom.spdx.yml": NotSupported(
        "SPDX 2 as YAML: only the JSON and tag-value serialisations are read"
    ),
    "osv-sbom-fixtures/osv-scanner/alpine-zlib-16.cdx.json": ("cyclonedx-json", 1, 0),
    "osv-sbom-fixtures/osv-scanner/alpine.cdx.xml": ("cyclonedx-xml", 10, 2),
    "osv-sbom-fixtures/osv-scanner/bad-purls.cdx.xml": ("cyclonedx-xml", 6, 8),
    "osv-sbom-fixtures/osv-scanner/only-unimportant.spdx.json": ("spdx-json", 1, 0),
    "osv-sbom-fixtures/osv-scanner/postgres-stretch.cdx.xml": ("cyclonedx-xml", 88, 3),
    "osv-sbom-fixtures/osv-scanner/with-duplicates.cdx.xml": ("cyclonedx-xml", 10, 2),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-syft-bitnami_airflow-exporter-sha256:02db67d81751acf3d677d411406a0163f08706a945ddf89fac4f8bb65ebff21f.json": (
        "spdx-json",
        83,
        1,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-syft-bitnami_jupyter-base-notebook-sha256:b831bfa3de4718272ffbf8e1aa409f90bd19ee92ff0cbb04d36029c7eae154fc.json": (
        "spdx-json",
        208,
        1,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-astronomerinc_ap-airflow-sha256:0391030ae110b49ad233e08e8655b28bf45ac92468e1ba0164d5c343e9d4cb98.json": (
        "spdx-json",
        363,
        2,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-bitnami_airflow-exporter-sha256:02db67d81751acf3d677d411406a0163f08706a945ddf89fac4f8bb65ebff21f.json": (
        "spdx-json",
        83,
        2,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-bitnami_airflow-sha256:54f8f50a65031baf541301b7461a9bb8e02b19c01914d9713f182838441f60f4.json": (
        "spdx-json",
        662,
        4,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-bitnami_jupyter-base-notebook-sha256:b831bfa3de4718272ffbf8e1aa409f90bd19ee92ff0cbb04d36029c7eae154fc.json": (
        "spdx-json",
        208,
        3,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-bitnami_odoo-sha256:8125ad8c7b1359a8913f1cf4e68cf7a454789f6d4f0bc372bdf8ade4e2ea3894.json": (
        "spdx-json",
        674,
        4,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-bitnami_python-sha256:3aa9129777f0d471ef385effedb032110bdd6d6c7a92f4204615218c2176b3e9.json": (
        "spdx-json",
        105,
        2,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-cimg_python-sha256:70a971037c4eae8dd3ad04ad38892c5c10ddc5232e25fd04c1f5158382a42da3.json": (
        "spdx-json",
        555,
        4,
    ),
    "bom-shelter/in-the-lab/spdx-popular-containers/data/spdx-trivy-circleci_python-sha256:573319853615e623acf89d325e3f3e2281891b5283f7c4d23fca8da84085ebdd.json": (
        "spdx-json",
        283,
        2,
    ),
    "bom-shelter/in-the-wild/cyclonedx/archivist-shell-cdx.xml": ("cyclonedx-xml", 85, 1),
    "bom-shelter/in-the-wild/cyclonedx/ascii-boxes-sbom-cdx.json": ("cyclonedx-json", 0, 2),
    "bom-shelter/in-the-wild/cyclonedx/bashrc2-sbom-cdx.json": SCANOSS,
    "bom-shelter/in-the-wild/cyclonedx/elixir-cdx.xml": ("cyclonedx-xml", 297, 1),
    "bom-shelter/in-the-wild/cyclonedx/ghidra-sbom-cdx.json": ("cyclonedx-json", 58, 45),
    "bom-shelter/in-the-wild/cyclonedx/harp-darwin-amd64.sbom.json": ("cyclonedx-json", 702, 0),
    "bom-shelter/in-the-wild/cyclonedx/joc-cockpit-sbom-cdx.json": ("cyclonedx-json", 161, 0),
    "bom-shelter/in-the-wild/cyclonedx/jx-darwin-arm64.tar.gz.sbom": ("spdx-json", 83, 1),
    "bom-shelter/in-the-wild/cyclonedx/kawipiko-sbom-cdx.json": ("cyclonedx-json", 28, 0),
    "bom-shelter/in-the-wild/cyclonedx/mediawiki-cdx.xml": ("cyclonedx-xml", 181, 1),
    "bom-shelter/in-the-wild/cyclonedx/obsidian-sailboat-sbom-cdx.json": ("cyclonedx-json", 141, 0),
    "bom-shelter/in-the-wild/cyclonedx/perl-cdx.xml": ("cyclonedx-xml", 213, 1),
    "bom-shelter/in-the-wild/cyclonedx/redis-commander-sbom-cdx.json": ("cyclonedx-json", 480, 0),
    "bom-shelter/in-the-wild/cyclonedx/scanoss-sbom-cdx.json": SCANOSS,
    "bom-shelter/in-the-wild/cyclonedx/text-statistician-cdx.json": ("cyclonedx-json", 142, 0),
    "bom-shelter/in-the-wild/cyclonedx/traefix-cdx.xml": ("cyclonedx-xml", 260, 2),
    "bom-shelter/in-the-wild/cyclonedx-in-the-wild-dataset-metadata.csv": DATASET_INDEX,
    "bom-shelter/in-the-wild/spdx/cbor-sbom.spdx": ("spdx-tag-value", 0, 1),
    "bom-shelter/in-the-wild/spdx/chartmuseum-v0.14.0.spdx": ("spdx-tag-value", 0, 174),
    "bom-shelter/in-the-wild/spdx/chronicle-sbom.spdx.json": ("spdx-json", 263, 0),
    "bom-shelter/in-the-wild/spdx/constellation-spdx.json": ("spdx-json", 375, 0),
    "bom-shelter/in-the-wild/spdx/fatbom-sbom.spdx": ("spdx-tag-value", 458, 2),
    "bom-shelter/in-the-wild/spdx/flagger_1.18.0_sbom.spdx": ("spdx-tag-value", 69, 0),
    "bom-shelter/in-the-wild/spdx/flagger_1.18.0_sbom.spdx.json": ("spdx-json", 69, 0),
    "bom-shelter/in-the-wild/spdx/flux_0.26.3_sbom.spdx": ("spdx-tag-value", 189, 0),
    "bom-shelter/in-the-wild/spdx/flux_0.26.3_sbom.spdx.json": ("spdx-json", 189, 0),
    "bom-shelter/in-the-wild/spdx/grype-sbom-modified.spdx.json": ("spdx-tag-value", 353, 2),
    "bom-shelter/in-the-wild/spdx/grype-sbom.spdx": ("spdx-tag-value", 353, 2),
    "bom-shelter/in-the-wild/spdx/grype-sbom.spdx.json": ("spdx-json", 353, 2),
    "bom-shelter/in-the-wild/spdx/helm-controller_0.16.0_sbom.spdx": ("spdx-tag-value", 154, 1),
    "bom-shelter/in-the-wild/spdx/helm-controller_0.16.0_sbom.spdx.json": ("spdx-json", 154, 1),
    "bom-shelter/in-the-wild/spdx/image-automation-controller_0.20.0_sbom.spdx": (
        "spdx-tag-value",
        114,
        1,
    ),
    "bom-shelter/in-the-wild/spdx/image-automation-controller_0.20.0_sbom.spdx.json": (
        "spdx-json",
        114,
        1,
    ),
    "bom-shelter/in-the-wild/spdx/image-reflector-controller_0.16.0_sbom.spdx": (
        "spdx-tag-value",
        96,
        1,
    ),
    "bom-shelter/in-the-wild/spdx/image-reflector-controller_0.16.0_sbom.spdx.json": (
        "spdx-json",
        96,
        1,
    ),
    "bom-shelter/in-the-wild/spdx/istio-release.spdx": ("spdx-tag-value", 0, 654),
    # The snapshot holds a truncated copy: it ends inside a licence's <text> block.
    "bom-shelter/in-the-wild/spdx/istio-source.spdx": Fails(
        "PackageCopyrightText: <text> is never closed by </text>", line=59827
    ),
    "bom-shelter/in-the-wild/spdx/julia.spdx": ("spdx-tag-value", 0, 33),
    "bom-shelter/in-the-wild/spdx/julia.spdx.json": ("spdx-json", 0, 33),
    "bom-shelter/in-the-wild/spdx/k8s-release-sbom.spdx": ("spdx-tag-value", 0, 85),
    "bom-shelter/in-the-wild/spdx/kubernetes-release.spdx": ("spdx-tag-value", 0, 85),
    "bom-shelter/in-the-wild/spdx/kustomizer_2.1.0_sbom.spdx": ("spdx-tag-value", 124, 0),
    "bom-shelter/in-the-wild/spdx/kustomizer_2.1.0_sbom.spdx.json": ("spdx-json", 124, 0),
    "bom-shelter/in-the-wild/spdx/maubot-spdx.json": NotSupported(
        "the SPDX licence list (licence id -> text), published under an SBOM-like name"
    ),
    "bom-shelter/in-the-wild/spdx/microsoft-sbom-tool.spdx.json": ("spdx-json", 121, 1),
    "bom-shelter/in-the-wild/spdx/missionlz.spdx.json": ("spdx-json", 0, 1),
    "bom-shelter/in-the-wild/spdx/mqtt-client-sbom.spdx": ("spdx-tag-value", 0, 1),
    "bom-shelter/in-the-wild/spdx/notification-controller_0.21.0_sbom.spdx": (
        "spdx-tag-value",
        132,
        1,
    ),
    "bom-shelter/in-the-wild/spdx/notification-controller_0.21.0_sbom.spdx.json": (
        "spdx-json",
        132,
        1,
    ),
    # A web page's footer ("Contact UsTerms of Use…") follows the JSON document.
    "bom-shelter/in-the-wild/spdx/powershell-2.2.6.spdx.json": Fails("invalid JSON", line=2765),
    "bom-shelter/in-the-wild/spdx/powershell.spdx": ("spdx-tag-value", 330, 0),
    "bom-shelter/in-the-wild/spdx/powershell.spdx.json": ("spdx-json", 330, 0),
    "bom-shelter/in-the-wild/spdx/source-controller_0.21.2_sbom.spdx": ("spdx-tag-value", 198, 1),
    "bom-shelter/in-the-wild/spdx/source-controller_0.21.2_sbom.spdx.json": ("spdx-json", 198, 1),
    "bom-shelter/in-the-wild/spdx/usbutils.spdx": ("spdx-tag-value", 0, 0),
    "bom-shelter/in-the-wild/spdx/vast-sbom.spdx": ("spdx-tag-value", 0, 2),
    "bom-shelter/in-the-wild/spdx/win-x64-manifest.spdx.json": ("spdx-json", 86, 1),
    "bom-shelter/in-the-wild/spdx/xml2json-sbom.spdx": ("spdx-tag-value", 0, 1),
    "bom-shelter/in-the-wild/spdx-in-the-wild-dataset-metadata.csv": DATASET_INDEX,
    "cyclonedx-bom-examples/CBOM/Algorithm/bom.json": ("cyclonedx-json", 0, 2),
    "cyclonedx-bom-examples/CBOM/Certificate/bom.json": ("cyclonedx-json", 0, 3),
    "cyclonedx-bom-examples/CBOM/Example-With-Dependencies/bom.json": ("cyclonedx-json", 0, 3),
    "cyclonedx-bom-examples/CBOM/Key/bom.json": ("cyclonedx-json", 0, 2),
    "cyclonedx-bom-examples/CBOM/Protocol/bom.json": ("cyclonedx-json", 0, 7),
    "cyclonedx-bom-examples/HBOM/PCIe-SATA-adapter-board/bom.json": ("cyclonedx-json", 0, 6),
    "cyclonedx-bom-examples/LICENSE": LICENCE_TEXT,
    "cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.json": ("cyclonedx-json", 44, 0),
    "cyclonedx-bom-examples/SBOM/cern-lhc-vdm-editor-e564943/bom.xml": ("cyclonedx-xml", 44, 0),
    "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json": ("cyclonedx-json", 168, 0),
    "cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.xml": ("cyclonedx-xml", 168, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/v11.1.2/bom.json": ("cyclonedx-json", 841, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/v11.1.2/bom.xml": ("cyclonedx-xml", 841, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.2.json": ("cyclonedx-json", 979, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.2.xml": ("cyclonedx-xml", 979, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.3.json": ("cyclonedx-json", 979, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.3.xml": ("cyclonedx-xml", 979, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json": ("cyclonedx-json", 979, 0),
    "cyclonedx-bom-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.xml": ("cyclonedx-xml", 979, 0),
    "cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json": ("cyclonedx-json", 903, 0),
    "cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.xml": ("cyclonedx-xml", 903, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.1.xml": ("cyclonedx-xml", 62, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.2.json": ("cyclonedx-json", 63, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.2.xml": ("cyclonedx-xml", 63, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.json": ("cyclonedx-json", 63, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.3.xml": ("cyclonedx-xml", 63, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.json": ("cyclonedx-json", 63, 0),
    "cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.4.xml": ("cyclonedx-xml", 63, 0),
    "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.json": (
        "cyclonedx-json",
        202,
        0,
    ),
    "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.6.3.bom.xml": (
        "cyclonedx-xml",
        202,
        0,
    ),
    "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.json": (
        "cyclonedx-json",
        202,
        0,
    ),
    "cyclonedx-bom-examples/SBOM/proton-bridge/proton-bridge-v1.8.0.bom.xml": (
        "cyclonedx-xml",
        202,
        0,
    ),
    "cyclonedx-bom-examples/SBOM/protonmail-webclient-v4-0912dff/bom.json": (
        "cyclonedx-json",
        884,
        0,
    ),
    "cyclonedx-bom-examples/SBOM/protonmail-webclient-v4-0912dff/bom.xml": (
        "cyclonedx-xml",
        884,
        0,
    ),
    "cyclonedx-bom-examples/SaaSBOM/apigateway-microservices-datastores/bom.json": (
        "cyclonedx-json",
        0,
        6,
    ),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/vex-affected.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/vex-fixed.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/vex-not_affected.json": (
        "cyclonedx-json",
        0,
        0,
    ),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1/vex-under_investigation.json": (
        "cyclonedx-json",
        0,
        0,
    ),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-2/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-3/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-4/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-5/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-6/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-7/bom-1.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-7/bom-2.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-7/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-8/bom-1.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-8/bom-2.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-8/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-1/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-10/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-11/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-12/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-13/bom-1.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-13/bom-2.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-13/bom-3.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-13/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-2/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-3/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-4/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-5/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-6/bom-1.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-6/bom-2.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-6/bom-3.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-6/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-7/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-8/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-9/bom-1.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-9/bom-2.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-9/bom-3.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/Use-Cases/Case-9/vex.json": ("cyclonedx-json", 0, 0),
    "cyclonedx-bom-examples/VEX/bom.json": ("cyclonedx-json", 4, 0),
    "cyclonedx-bom-examples/VEX/vex.json": ("cyclonedx-json", 0, 0),
    "spdx-examples/COPYING": LICENCE_TEXT,
    "spdx-examples/ai/example01/spdx3.0/simplehtr-example.json": ("spdx3-jsonld", 0, 11),
    "spdx-examples/ai/example02/spdx3.0/sbom.spdx3.json": ("spdx3-jsonld", 0, 1),
    "spdx-examples/dataset/example01/spdx3.0/example01.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/01-MinimalSBOM.json": (
        "spdx-json",
        1,
        0,
    ),
    "spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/02-SBOMwSource.json": (
        "spdx-json",
        1,
        0,
    ),
    "spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/03-SBOMwDependency.json": (
        "spdx-json",
        2,
        0,
    ),
    "spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/04-SBOMwSecurity.json": (
        "spdx-json",
        2,
        0,
    ),
    "spdx-examples/presentations/OSS-NA-2023/SPDXVersion2.3/05-SBOMwSourceLicense.json": (
        "spdx-json",
        1,
        0,
    ),
    "spdx-examples/presentations/SBOMS-SPDX-Now-and-Future/ACME-v2.3.spdx.json": (
        "spdx-json",
        2,
        1,
    ),
    "spdx-examples/software/example1/spdx2.2/example1.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example1/spdx3.0/example1.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example10/spdx2.3/hello-source.spdx.json": ("spdx-json", 0, 0),
    "spdx-examples/software/example10/spdx3.0/hello-source.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example11/spdx2.3/sbom.spdx.json": ("spdx-json", 4, 0),
    "spdx-examples/software/example11/spdx3.0/sbom.spdx3.json": ("spdx3-jsonld", 4, 0),
    "spdx-examples/software/example12/spdx2.2/hello-dist.spdx.json": ("spdx-json", 0, 0),
    "spdx-examples/software/example12/spdx2.2/hello-src.spdx.json": ("spdx-json", 0, 0),
    "spdx-examples/software/example12/spdx3.0/hello-dist.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example12/spdx3.0/hello-src.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example13/spdx3.0/example13.spdx3.json": ("spdx3-jsonld", 0, 3),
    "spdx-examples/software/example14/spdx2.3/examplemaven-0.0.1-enriched.spdx.json": (
        "spdx-json",
        0,
        5,
    ),
    "spdx-examples/software/example14/spdx3.0/examplemaven-0.0.1-enriched.spdx3.json": (
        "spdx3-jsonld",
        0,
        5,
    ),
    "spdx-examples/software/example2/spdx2.2/example2-bin.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example2/spdx2.2/example2-src.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example3/spdx2.2/example3-bin.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example3/spdx2.2/example3-src.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example3/spdx3.0/example3-bin.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example3/spdx3.0/example3-src.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example4/spdx2.2/example4-bin.spdx": ("spdx-tag-value", 0, 2),
    "spdx-examples/software/example4/spdx2.2/example4-src.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example4/spdx3.0/example4-bin.json": ("spdx3-jsonld", 0, 2),
    "spdx-examples/software/example4/spdx3.0/example4-src.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example5/spdx2.2/example5-bin.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example5/spdx2.2/example5-src.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example5/spdx3.0/example5-bin.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example5/spdx3.0/example5-src.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example6/spdx2.2/example6-bin.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example6/spdx2.2/example6-lib.spdx": ("spdx-tag-value", 0, 4),
    "spdx-examples/software/example6/spdx2.2/example6-src.spdx": ("spdx-tag-value", 0, 0),
    "spdx-examples/software/example6/spdx3.0/example6-bin.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example6/spdx3.0/example6-lib.json": ("spdx3-jsonld", 0, 4),
    "spdx-examples/software/example6/spdx3.0/example6-src.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example7/spdx2.2/example7-bin.spdx.json": ("spdx-json", 0, 0),
    "spdx-examples/software/example7/spdx2.2/example7-go-module.spdx.json": ("spdx-json", 0, 0),
    "spdx-examples/software/example7/spdx2.2/example7-golang.spdx.json": ("spdx-json", 0, 1),
    "spdx-examples/software/example7/spdx2.2/example7-third-party-modules.spdx.json": (
        "spdx-json",
        0,
        0,
    ),
    "spdx-examples/software/example7/spdx3.0/example7-bin.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example7/spdx3.0/example7-go-module.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example7/spdx3.0/example7-golang.spdx3.json": ("spdx3-jsonld", 0, 0),
    "spdx-examples/software/example7/spdx3.0/example7-third-party-modules.spdx3.json": (
        "spdx3-jsonld",
        0,
        0,
    ),
    "spdx-examples/software/example8/spdx2.3/examplemaven-0.0.1.spdx.json": ("spdx-json", 0, 5),
    "spdx-examples/software/example8/spdx3.0/examplemaven-0.0.1.spdx3.json": ("spdx3-jsonld", 0, 5),
    "spdx-examples/software/example9/spdx2.2/appbomination.spdx.json": ("spdx-json", 4, 2),
    "spdx-examples/software/example9/spdx3.0/appbomination.spdx3.json": ("spdx3-jsonld", 4, 2),
}

# --------------------------------------------------------------------------------------------
# ../shared/data/README.md, section 9, gives a package count per real lockfile ("from a simple
# parse"). Each figure is reproduced by counting lines of the file (the first pattern); every
# difference to Runink's count is a counted set of entries with the reason Runink reads them
# otherwise. (go.sum's 588 lines are not read at all: see GO_SUM.)

Adjustment = tuple[int, str, str]  # (how many components it adds or removes, pattern, why)

PACKAGE = r"^\[\[package\]\]$"
README_COUNTS: dict[str, tuple[int, str, tuple[Adjustment, ...]]] = {
    "jupyterlab/yarn.lock": (
        1993,
        r"^  resolution: ",
        (
            (-130, r'^  resolution: ".*@workspace:', "workspace packages are the project itself"),
            (-4, r'^  resolution: ".*@patch:', "a patch: entry is the npm release it patches"),
        ),
    ),
    "excalidraw/yarn.lock": (
        1444,
        r'^  version "',
        ((-3, r'^"?[^\s"]+-cjs@', "the -cjs aliases are releases another entry names"),),
    ),
    "paperless-ngx/uv.lock": (
        276,
        PACKAGE,
        (
            (-1, r"^source = \{ virtual = ", "the project itself (virtual root)"),
            (-2, r"^source = \{ url = ", "psycopg-c 3.3.0 from two wheel URLs: one release"),
        ),
    ),
    "paperless-ngx/src-ui/pnpm-lock.yaml": (1332, r"^  \S.*:\n    resolution: ", ()),
    "warehouse/requirements/main.txt": (184, r"^[a-z0-9]", ()),
    "warehouse/package-lock.json": (
        1064,
        r'^    "node_modules/',
        # Counted from the file's own entries in test_package_lock.py (999 distinct releases).
        ((-65, "", "one release installed at several node_modules paths is one component"),),
    ),
    "crewAI/uv.lock": (476, PACKAGE, ((-6, r"^source = \{ editable = ", "workspace members"),)),
    "autogen/python/uv.lock": (
        522,
        PACKAGE,
        ((-9, r"^source = \{ editable = ", "workspace members"),),
    ),
    "saleor/uv.lock": (231, PACKAGE, ((-1, r"^source = \{ virtual = ", "the project itself"),)),
    "poetry/poetry.lock": (78, PACKAGE, ()),
    "textual/poetry.lock": (111, PACKAGE, ()),
    "ruff/Cargo.lock": (
        556,
        PACKAGE,
        (
            (
                -51,
                r'^\[\[package\]\]\nname = "[^"]+"\nversion = "[^"]+"\n(?!source = )',
                "crates without a source are ruff's own workspace",
            ),
        ),
    ),
    "ruff/uv.lock": (89, PACKAGE, ((-1, r"^source = \{ editable = ", "the project itself"),)),
    "caddy/go.mod": (
        169,
        r"^\t\S+ v\S+",
        ((1, r"^go \d", "the go directive: the standard library (stdlib) it builds with"),),
    ),
    "monica/composer.lock": (
        241,
        r'^        \{\n            "name": ',
        ((-1, r'"version": "dev-master"', "a development branch, skipped with its reason"),),
    ),
    "monica/yarn.lock": (
        542,
        r"^  resolution: ",
        (
            (-1, r'^  resolution: ".*@workspace:', "the project itself"),
            (-1, r'^  resolution: ".*@patch:', "a patch: entry is the npm release it patches"),
        ),
    ),
    "rubygems.org/Gemfile.lock": (
        341,
        r"^    \S+ \([^)]*\)$",
        ((-43, r"^    \S+ \([^)]*-[^)]*\)$", "platform builds of a gem are one release"),),
    ),
}

# Entries checked against the files themselves: (path, ecosystem, name, version, line).
SAMPLES: tuple[tuple[str, str, str, str, int], ...] = (
    ("lockfile-fixtures/osv-scalibr/erlang/mixlock/many.lock", "Hex", "plug", "1.11.1", 18),
    # fields in any order: the Package line is not the first one
    (
        "lockfile-fixtures/osv-scanner-v1/dpkg/shuffled_status",
        "Debian",
        "glibc",
        "2.31-13+deb11u5",
        1,
    ),
    (
        "lockfile-fixtures/osv-scanner-v1/apk/shuffled_installed",
        "Alpine",
        "apk-tools",
        "2.12.10-r1",
        1,
    ),
    ("real-lockfiles/caddy/go.mod", "Go", "github.com/Masterminds/semver/v3", "v3.4.0", 126),
    ("real-lockfiles/caddy/go.mod", "Go", "stdlib", "1.25.1", 3),
    # "version: 1.2.0" but "resolution: @lezer/highlight@npm:1.2.1": the resolution is fetched
    ("real-lockfiles/jupyterlab/yarn.lock", "npm", "@lezer/highlight", "1.2.1", 5441),
    ("real-lockfiles/rubygems.org/Gemfile.lock", "RubyGems", "ffi", "1.17.4", 291),
    ("real-lockfiles/monica/composer.lock", "Packagist", "laravel/framework", "12.22.1", 2561),
    (
        "sbom/cyclonedx-bom-examples/SBOM/juice-shop/v11.1.2/bom.json",
        "npm",
        "express",
        "4.17.1",
        10516,
    ),
    (
        "sbom/bom-shelter/in-the-wild/spdx/flux_0.26.3_sbom.spdx",
        "Go",
        "github.com/fluxcd/pkg/apis/meta",
        "v0.10.2",
        222,
    ),
)


# --------------------------------------------------------------------------------------------
# helpers


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _never_read(root: Path) -> dict[str, str]:
    """Files under root that discovery does not open, each with the NOT_READ rule that says why."""
    candidates = {p.relative_to(root).as_posix() for p in iter_candidate_files(root, OPTIONS)}
    out: dict[str, str] = {}
    for rel in _files(root):
        if rel in candidates:
            continue
        rule = next((glob for glob, _ in NOT_READ if fnmatch.fnmatch(rel, glob)), None)
        out[rel] = rule or "UNEXPLAINED"
    return out


def _walk(root: Path) -> dict[str, FileReport]:
    inventory: Inventory = discover(root, PARSERS, OPTIONS)
    return {report.path: report for report in inventory.files}


def _check_tree(
    root: Path, table: Mapping[str, Read | Fails | NotSupported]
) -> tuple[list[str], set[str]]:
    """Walk root in place and compare every file with its table entry (keyed by relative path).

    Returns the problems, and the NOT_READ rules that matched a file."""
    problems: list[str] = []
    reports = _walk(root)
    never = _never_read(root)
    for rel, rule in never.items():
        if rule == "UNEXPLAINED":
            problems.append(f"{rel}: discovery never reads it, and no NOT_READ rule says why")
        elif rel in table:
            problems.append(f"{rel}: in the table, but discovery never reads it ({rule})")
    for rel in _files(root):
        if rel in never:
            continue
        expected = table.get(rel)
        report = reports.get(rel)
        if expected is None:
            problems.append(
                f"{rel}: not classified (discovery: {_show(report)}); add it to the table"
            )
        elif isinstance(expected, NotSupported):
            if report is not None:
                problems.append(
                    f"{rel}: listed as not supported ({expected.why}), but {_show(report)}"
                )
        elif isinstance(expected, Fails):
            if report is None:
                problems.append(f"{rel}: expected to fail, but no parser claims it")
            elif (problem := expected.check(rel, report)) is not None:
                problems.append(problem)
        else:
            fmt, components, skipped = expected
            if (problem := _check_read(rel, report, fmt, (components, skipped))) is not None:
                problems.append(problem)
    on_disk = {rel for rel in _files(root) if rel not in never}
    problems += [f"{key}: in the table but not on disk" for key in sorted(set(table) - on_disk)]
    return problems, {never[rel] for rel in never}


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


def _fixture_entries(directory: str) -> list[str]:
    entry = FIXTURES[directory]
    files = entry.files if isinstance(entry, Unsupported) else list(entry.files)
    return [f"{directory}/{name}" for name in files]


# --------------------------------------------------------------------------------------------
# lockfile-fixtures


def test_manifest_lists_every_fixture_with_its_bytes() -> None:
    root = shared_path("lockfile-fixtures")
    rows = (root / "MANIFEST.tsv").read_text().splitlines()
    assert rows[0].split("\t") == [
        "local_path",
        "source_repository",
        "source_commit",
        "source_path",
        "git_blob_sha1",
    ]
    manifest = {row.split("\t")[0]: row.split("\t")[4] for row in rows[1:]}
    assert set(manifest) == set(_files(root)) - {"MANIFEST.tsv"}
    changed = [p for p, sha in manifest.items() if _git_blob_sha1((root / p).read_bytes()) != sha]
    assert changed == [], "fixture bytes differ from MANIFEST.tsv: the counts here may be stale"


def test_every_fixture_is_classified_exactly_once() -> None:
    root = shared_path("lockfile-fixtures")
    never = _never_read(root)
    assert set(never.values()) <= {glob for glob, _ in NOT_READ}, never
    classified = [path for directory in FIXTURES for path in _fixture_entries(directory)]
    duplicates = sorted({p for p in classified if classified.count(p) > 1})
    assert duplicates == []
    on_disk = set(_files(root)) - {"MANIFEST.tsv"} - set(never)
    assert sorted(on_disk - set(classified)) == [], "unclassified fixtures: add them to FIXTURES"
    assert sorted(set(classified) - on_disk) == [], "FIXTURES lists files that are not there"


def test_fixtures_in_place() -> None:
    """Under their own names, discovery claims exactly the InPlace files, as tabled."""
    root = shared_path("lockfile-fixtures")
    reports = _walk(root)
    problems: list[str] = []
    expected_claimed: set[str] = set()
    for directory, entry in FIXTURES.items():
        if not isinstance(entry, InPlace):
            continue
        for name, expected in entry.files.items():
            path = f"{directory}/{name}"
            expected_claimed.add(path)
            report = reports.get(path)
            if isinstance(expected, Fails):
                problem = (
                    expected.check(path, report)
                    if report is not None
                    else f"{path}: expected to fail, not claimed"
                )
            else:
                problem = _check_read(path, report, entry.format, expected)
            if problem is not None:
                problems.append(problem)
    stray = sorted(set(reports) - expected_claimed)
    problems += [
        f"{path}: claimed under its fixture name: {_show(reports[path])}" for path in stray
    ]
    assert not problems, "\n".join(problems)


def _stage(entry: Staged, source: Path, target: Path) -> dict[str, str]:
    """Copy a fixture directory under canonical names; returns staged path -> fixture name."""
    staged: dict[str, str] = {}
    for name, expected in entry.files.items():
        if isinstance(expected, NotSupported):
            continue
        relative = (
            entry.read_as.format(name=name)
            if "{name}" in entry.read_as
            else f"{name}/{entry.read_as}"
        )
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, destination)
        staged[relative] = name
    return staged


@pytest.mark.parametrize(
    "directory", [d for d, e in FIXTURES.items() if isinstance(e, Staged | Unsupported)]
)
def test_fixture_directory_under_canonical_names(directory: str, tmp_path: Path) -> None:
    source = shared_path("lockfile-fixtures", *directory.split("/"))
    entry = FIXTURES[directory]
    problems: list[str] = []
    if isinstance(entry, Unsupported):
        for name in entry.files:
            head = (source / name).read_bytes()[:4096]
            for as_name in filter(None, (name, entry.read_as)):
                parser = pick_parser(PARSERS, tmp_path / "project" / as_name, head)
                if parser is not None:
                    problems.append(f"{directory}/{name} as {as_name}: claimed by {parser.format}")
        assert not problems, f"not supported ({entry.why}), yet claimed:\n" + "\n".join(problems)
        return
    staged = _stage(entry, source, tmp_path)
    reports = _walk(tmp_path)
    assert set(reports) == set(staged), "discovery must claim every staged file, and only those"
    for relative, name in staged.items():
        expected = entry.files[name]
        report = reports[relative]
        if isinstance(expected, Fails):
            problem = expected.check(relative, report)
        else:
            assert not isinstance(expected, NotSupported)
            problem = _check_read(relative, report, entry.format, expected)
        if problem is not None:
            problems.append(f"{directory}/{name}: {problem}")
    for name, expected in entry.files.items():
        if isinstance(expected, NotSupported) and expected.read_as is not None:
            head = (source / name).read_bytes()[:4096]
            parser = pick_parser(PARSERS, tmp_path / "elsewhere" / expected.read_as, head)
            if parser is not None:
                problems.append(f"{directory}/{name}: not supported, yet {parser.format} claims it")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# real-lockfiles


def test_real_lockfiles() -> None:
    problems, rules = _check_tree(shared_path("real-lockfiles"), REAL_LOCKFILES)
    assert not problems, "\n".join(problems)
    assert rules == set()


@pytest.mark.parametrize("path", sorted(README_COUNTS))
def test_real_lockfile_counts_agree_with_the_readme(path: str) -> None:
    figure, pattern, adjustments = README_COUNTS[path]
    text = shared_path("real-lockfiles", *path.split("/")).read_text()
    assert len(re.findall(pattern, text, re.MULTILINE)) == figure, "the README figure"
    components = figure
    for count, adjustment, why in adjustments:
        if adjustment:
            assert len(re.findall(adjustment, text, re.MULTILINE)) == abs(count), why
        components += count
    expected = REAL_LOCKFILES[path]
    assert isinstance(expected, tuple)
    assert expected[1] == components


def test_readme_counts_are_the_readme_figures() -> None:
    readme = shared_path("README.md").read_text()
    section = readme[readme.index("## 9. `real-lockfiles/`") :].split("\n## ", 1)[0]
    figures: dict[str, int] = {}
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        # "| `a/x.lock`, `a/y.lock` | source | licence | formats | 276; 1,332 |"
        paths = re.findall(r"`([^`]+/[^`]+)`", cells[0])
        numbers = [re.search(r"\d[\d,]*", part) for part in cells[-1].split(";")]
        for path, number in zip(paths, numbers, strict=True):
            assert number is not None, row
            figures[path] = int(number.group().replace(",", ""))
    assert {path: figures[path] for path in README_COUNTS} == {
        path: figure for path, (figure, _, _) in README_COUNTS.items()
    }
    read = {path for path, entry in REAL_LOCKFILES.items() if isinstance(entry, tuple)}
    assert set(README_COUNTS) == read
    assert set(figures) - read == {"caddy/go.sum"}  # not read: GO_SUM


# --------------------------------------------------------------------------------------------
# sbom


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sbom/*.tar.gz unpacked side by side: <tmp>/<top folder>/..."""
    target = tmp_path_factory.mktemp("sbom-archives")
    for archive, top in ARCHIVES.items():
        with tarfile.open(shared_path("sbom", archive)) as tar:
            tar.extractall(target, filter="data")
        assert (target / top).is_dir(), f"{archive} should unpack into {top}/"
    return target


def test_sbom_directory() -> None:
    root = shared_path("sbom")
    in_place = {k: v for k, v in SBOMS.items() if k.split("/", 1)[0] not in ARCHIVES.values()}
    problems, rules = _check_tree(root, in_place)
    assert not problems, "\n".join(problems)
    assert rules == {"*.tar.gz"}
    assert sorted(p for p in _files(root) if p.endswith(".tar.gz")) == sorted(ARCHIVES)


@pytest.mark.parametrize("top", sorted(ARCHIVES.values()))
def test_sbom_archive(top: str, unpacked: Path) -> None:
    table = {k: v for k, v in SBOMS.items() if k.startswith(f"{top}/")}
    problems, rules = _check_tree(unpacked / top, {k[len(top) + 1 :]: v for k, v in table.items()})
    assert not problems, "\n".join(problems)
    assert rules <= {"*.md"}


def test_not_read_rules_each_explain_a_file(unpacked: Path) -> None:
    used: set[str] = set()
    for root in (
        shared_path("lockfile-fixtures"),
        shared_path("real-lockfiles"),
        shared_path("sbom"),
        *(unpacked / top for top in ARCHIVES.values()),
    ):
        used |= set(_never_read(root).values())
    assert used == {glob for glob, _ in NOT_READ}


# --------------------------------------------------------------------------------------------
# sampled entries, through discovery


@pytest.mark.parametrize(("path", "ecosystem", "name", "version", "line"), SAMPLES)
def test_sampled_entry(
    path: str, ecosystem: str, name: str, version: str, line: int, unpacked: Path, tmp_path: Path
) -> None:
    parts = path.split("/")
    if parts[0] == "sbom" and parts[1] in ARCHIVES.values():
        source = unpacked.joinpath(*parts[1:])
    else:
        source = shared_path(*parts)
    directory = "/".join(parts[1:-1])
    entry = FIXTURES.get(directory) if parts[0] == "lockfile-fixtures" else None
    if isinstance(entry, Staged):
        root = tmp_path
        _stage(Staged(entry.read_as, entry.format, {parts[-1]: (0, 0)}), source.parent, root)
    else:
        root = source
    inventory = discover(root, PARSERS, OPTIONS)
    found = [
        c
        for c in inventory.components
        if (c.ecosystem, c.name, c.version) == (ecosystem, name, version)
    ]
    assert [c.line for c in found] == [line]
