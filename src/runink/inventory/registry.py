"""The explicit list of every input format. Order matters: the first parser claiming a file
reads it, so exact lockfile names come before the SBOM and scan-result sniffers.

A test fails if a parser module exists but is not registered here, or is missing from
``docs/supported-formats.md``.
"""

from __future__ import annotations

from runink.inventory.apk_installed import ApkInstalledParser
from runink.inventory.base import Parser
from runink.inventory.bun_lock import BunLockParser
from runink.inventory.cargo_lock import CargoLockParser
from runink.inventory.composer_lock import ComposerLockParser
from runink.inventory.cyclonedx_json import CycloneDxJsonParser
from runink.inventory.cyclonedx_xml import CycloneDxXmlParser
from runink.inventory.dpkg_status import DpkgStatusParser
from runink.inventory.gemfile_lock import GemfileLockParser
from runink.inventory.go_mod import GoModParser
from runink.inventory.gradle_lockfile import GradleLockfileParser
from runink.inventory.grype_json import GrypeJsonParser
from runink.inventory.mix_lock import MixLockParser
from runink.inventory.nuget_lock import NugetLockParser
from runink.inventory.package_lock import PackageLockParser
from runink.inventory.pdm_lock import PdmLockParser
from runink.inventory.pipfile_lock import PipfileLockParser
from runink.inventory.pnpm_lock import PnpmLockParser
from runink.inventory.poetry_lock import PoetryLockParser
from runink.inventory.pom_xml import PomXmlParser
from runink.inventory.pubspec_lock import PubspecLockParser
from runink.inventory.pylock_toml import PylockTomlParser
from runink.inventory.requirements_txt import RequirementsTxtParser
from runink.inventory.spdx3_jsonld import Spdx3JsonLdParser
from runink.inventory.spdx_json import SpdxJsonParser
from runink.inventory.spdx_tagvalue import SpdxTagValueParser
from runink.inventory.syft_json import SyftJsonParser
from runink.inventory.terraform_lock import TerraformLockParser
from runink.inventory.trivy_json import TrivyJsonParser
from runink.inventory.uv_lock import UvLockParser
from runink.inventory.yarn_lock import YarnLockParser


def all_parsers() -> tuple[Parser, ...]:
    """Fresh instances of every registered parser, in claim order."""
    return (
        # Python
        RequirementsTxtParser(),
        PoetryLockParser(),
        UvLockParser(),
        PipfileLockParser(),
        PdmLockParser(),
        PylockTomlParser(),
        # JavaScript
        PackageLockParser(),
        YarnLockParser(),
        PnpmLockParser(),
        BunLockParser(),
        # Other language ecosystems
        GoModParser(),
        CargoLockParser(),
        GemfileLockParser(),
        ComposerLockParser(),
        PomXmlParser(),
        GradleLockfileParser(),
        NugetLockParser(),
        PubspecLockParser(),
        MixLockParser(),
        TerraformLockParser(),
        # Operating-system package databases
        DpkgStatusParser(),
        ApkInstalledParser(),
        # Scanner results (sniffed), then SBOMs (by name and sniffed)
        TrivyJsonParser(),
        GrypeJsonParser(),
        SyftJsonParser(),
        CycloneDxJsonParser(),
        CycloneDxXmlParser(),
        SpdxJsonParser(),
        Spdx3JsonLdParser(),
        SpdxTagValueParser(),
    )
