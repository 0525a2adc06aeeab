"""The explicit list of every input format. Order matters: the first parser claiming a file
reads it, so exact lockfile names come before the SBOM and scan-result sniffers.

The registry is lazy. Each entry names its format, the parser class (module and name), the
files it claims (for people), and its claim rule from ``runink.inventory._claims`` (for
discovery): deciding which parser reads a file imports no parser module. A parser's module,
and what it needs (XML, YAML, TOML, JSON, packaging), is imported the first time a file it
claims is parsed. Importing this module imports ``_claims`` and the standard library only,
and does nothing else.

A test fails if a parser module exists but is not registered here, if an entry's claim rule is
not its parser's own, or if a format is missing from ``docs/supported-formats.md``.
"""

from __future__ import annotations

import importlib

from runink.inventory import _claims

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

    from runink.inventory.base import Parser, ParseResult

__all__ = ["ENTRIES", "LazyParser", "ParserEntry", "all_parsers"]


class ParserEntry:
    """One registered input format (a plain class: importing ``dataclasses`` would cost more
    than the rest of the registry)."""

    __slots__ = ("claims", "cls", "files", "format", "module")

    def __init__(
        self, fmt: str, module: str, cls: str, claims: Callable[[str, bytes], bool], files: str
    ) -> None:
        self.format = fmt
        self.module = module  # under runink.inventory
        self.cls = cls
        self.claims = claims
        self.files = files  # what it claims, in words (the rule is ``claims``)

    def __repr__(self) -> str:
        return f"ParserEntry({self.format!r}, {self.module!r}, {self.cls!r})"

    def load(self) -> Parser:
        """A new instance of the parser (importing its module if need be)."""
        module = importlib.import_module(f"runink.inventory.{self.module}")
        parser: Parser = getattr(module, self.cls)()
        return parser


def _entry(fmt: str, module: str, cls: str, files: str) -> ParserEntry:
    return ParserEntry(fmt, module, cls, getattr(_claims, module), files)


ENTRIES: Final[tuple[ParserEntry, ...]] = (
    # Python
    _entry(
        "requirements.txt",
        "requirements_txt",
        "RequirementsTxtParser",
        "*.txt whose name holds 'requirements', or any *.txt in a requirements/ directory",
    ),
    _entry("poetry.lock", "poetry_lock", "PoetryLockParser", "poetry.lock"),
    _entry("uv.lock", "uv_lock", "UvLockParser", "uv.lock"),
    _entry("Pipfile.lock", "pipfile_lock", "PipfileLockParser", "Pipfile.lock"),
    _entry("pdm.lock", "pdm_lock", "PdmLockParser", "pdm.lock"),
    _entry("pylock.toml", "pylock_toml", "PylockTomlParser", "pylock.toml, pylock.<name>.toml"),
    # JavaScript
    _entry(
        "package-lock.json",
        "package_lock",
        "PackageLockParser",
        "package-lock.json, npm-shrinkwrap.json",
    ),
    _entry("yarn.lock", "yarn_lock", "YarnLockParser", "yarn.lock"),
    _entry("pnpm-lock.yaml", "pnpm_lock", "PnpmLockParser", "pnpm-lock.yaml"),
    _entry("bun.lock", "bun_lock", "BunLockParser", "bun.lock"),
    # Other language ecosystems
    _entry("go.mod", "go_mod", "GoModParser", "go.mod"),
    _entry("Cargo.lock", "cargo_lock", "CargoLockParser", "Cargo.lock"),
    _entry("Gemfile.lock", "gemfile_lock", "GemfileLockParser", "Gemfile.lock, gems.locked"),
    _entry("composer.lock", "composer_lock", "ComposerLockParser", "composer.lock"),
    _entry("pom.xml", "pom_xml", "PomXmlParser", "pom.xml"),
    _entry(
        "gradle.lockfile",
        "gradle_lockfile",
        "GradleLockfileParser",
        "gradle.lockfile, buildscript-gradle.lockfile, dependency-locks/*.lockfile, "
        "*.lockfile starting with Gradle's header",
    ),
    _entry("packages.lock.json", "nuget_lock", "NugetLockParser", "packages.lock.json"),
    _entry("pubspec.lock", "pubspec_lock", "PubspecLockParser", "pubspec.lock"),
    _entry("mix.lock", "mix_lock", "MixLockParser", "mix.lock"),
    _entry(".terraform.lock.hcl", "terraform_lock", "TerraformLockParser", ".terraform.lock.hcl"),
    # Operating-system package databases
    _entry(
        "dpkg-status",
        "dpkg_status",
        "DpkgStatusParser",
        "dpkg/status; a bare 'status' that starts like one",
    ),
    _entry(
        "apk-installed",
        "apk_installed",
        "ApkInstalledParser",
        "db/installed; a bare 'installed' that starts like one",
    ),
    # Scanner results (sniffed), then SBOMs (by name and sniffed)
    _entry("trivy-json", "trivy_json", "TrivyJsonParser", "*.trivy.json; sniffed JSON"),
    _entry("grype-json", "grype_json", "GrypeJsonParser", "*.grype.json; sniffed JSON"),
    _entry("syft-json", "syft_json", "SyftJsonParser", "*.syft.json; sniffed JSON"),
    _entry(
        "cyclonedx-json",
        "cyclonedx_json",
        "CycloneDxJsonParser",
        "bom.json, cyclonedx.json, *.cdx.json, *.cyclonedx.json, *.bom.json; sniffed JSON",
    ),
    _entry(
        "cyclonedx-xml",
        "cyclonedx_xml",
        "CycloneDxXmlParser",
        "bom.xml, cyclonedx.xml, *.cdx.xml, *.cyclonedx.xml, *.bom.xml; sniffed XML",
    ),
    _entry("spdx-json", "spdx_json", "SpdxJsonParser", "*.spdx.json; sniffed JSON"),
    _entry(
        "spdx3-jsonld",
        "spdx3_jsonld",
        "Spdx3JsonLdParser",
        "*.spdx3.json, *.spdx3.jsonld, *.spdx.jsonld; sniffed JSON-LD",
    ),
    _entry(
        "spdx-tag-value",
        "spdx_tagvalue",
        "SpdxTagValueParser",
        "*.spdx, *.spdx.tv, *.spdx.tag; sniffed tag-value",
    ),
)


class LazyParser:
    """A registered parser that imports its module the first time it parses a file.

    ``format`` and ``claims`` come from the registry entry; ``parse`` hands over to the parser
    itself, created once per ``LazyParser``.
    """

    __slots__ = ("_parser", "entry", "format")

    def __init__(self, entry: ParserEntry) -> None:
        self.entry = entry
        #: Stable format identifier used in output.
        self.format: str = entry.format
        self._parser: Parser | None = None

    def __repr__(self) -> str:
        return f"LazyParser({self.format!r})"

    def claims(self, filename: str, head: bytes) -> bool:
        return self.entry.claims(filename, head)

    def load(self) -> Parser:
        """The parser itself (its module is imported on the first call)."""
        parser = self._parser
        if parser is None:  # two threads may both create one: either will do
            parser = self._parser = self.entry.load()
        return parser

    def parse(self, path: str, data: bytes) -> ParseResult:
        return self.load().parse(path, data)


def all_parsers() -> tuple[LazyParser, ...]:
    """Fresh instances of every registered parser, in claim order."""
    return tuple(LazyParser(entry) for entry in ENTRIES)
