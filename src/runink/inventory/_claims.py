"""Which files each parser reads: its ``claims``, kept apart from the parser itself.

The registry lists every parser with its claim function from here, so deciding which parser
reads a file never imports the parser's module (nor what it needs: XML, YAML, TOML, JSON,
packaging). Each parser's ``claims`` method calls the same function, so there is one rule per
format. This module imports only ``re``; the patterns are compiled on first use.

Every function takes the name discovery asks with (the base name, then ``parent/name``) and
the file's first bytes (see ``runink.inventory.base.Parser.claims``).
"""

from __future__ import annotations

import functools
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Final

_BOM: Final = b"\xef\xbb\xbf"
_BLANK_OR_BOM: Final = b"\xef\xbb\xbf \t\r\n"


@functools.cache
def _pattern(source: bytes, flags: int = 0) -> re.Pattern[bytes]:
    return re.compile(source, flags)


def _base(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


# --- Python ------------------------------------------------------------------------------------


def requirements_txt(filename: str, head: bytes) -> bool:
    parts = filename.replace("\\", "/").rsplit("/", 2)
    base = parts[-1].lower()
    if not base.endswith(".txt"):
        return False
    if "requirements" in base:
        return True
    return len(parts) >= 2 and parts[-2].lower() == "requirements"


def poetry_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "poetry.lock"


def uv_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "uv.lock"


def pipfile_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "Pipfile.lock"


def pdm_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "pdm.lock"


_PYLOCK_NAME: Final = re.compile(r"^pylock\.(?:[^.]+\.)?toml$")


def pylock_toml(filename: str, head: bytes) -> bool:
    return _PYLOCK_NAME.match(_base(filename)) is not None


# --- JavaScript --------------------------------------------------------------------------------


def package_lock(filename: str, head: bytes) -> bool:
    return _base(filename) in ("package-lock.json", "npm-shrinkwrap.json")


def yarn_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "yarn.lock"


def pnpm_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "pnpm-lock.yaml"


def bun_lock(filename: str, head: bytes) -> bool:
    return _base(filename) == "bun.lock"


# --- Other language ecosystems -----------------------------------------------------------------


def go_mod(filename: str, head: bytes) -> bool:
    return filename == "go.mod"


def cargo_lock(filename: str, head: bytes) -> bool:
    return filename == "Cargo.lock"


def gemfile_lock(filename: str, head: bytes) -> bool:
    return filename in ("Gemfile.lock", "gems.locked")


def composer_lock(filename: str, head: bytes) -> bool:
    return filename == "composer.lock"


def pom_xml(filename: str, head: bytes) -> bool:
    return filename == "pom.xml"


_GRADLE_HEADER: Final = b"# This is a Gradle generated file for dependency locking."


def gradle_lockfile(filename: str, head: bytes) -> bool:
    if filename in ("gradle.lockfile", "buildscript-gradle.lockfile"):
        return True
    if filename.startswith("dependency-locks/") and filename.endswith(".lockfile"):
        return True  # gradle/dependency-locks/<configuration>.lockfile, asked as parent/name
    return filename.endswith(".lockfile") and head.lstrip(_BOM).startswith(_GRADLE_HEADER)


def nuget_lock(filename: str, head: bytes) -> bool:
    return filename == "packages.lock.json"


def pubspec_lock(filename: str, head: bytes) -> bool:
    return filename == "pubspec.lock"


def mix_lock(filename: str, head: bytes) -> bool:
    return filename == "mix.lock"


def terraform_lock(filename: str, head: bytes) -> bool:
    return filename == ".terraform.lock.hcl"


# --- Operating-system package databases --------------------------------------------------------


def dpkg_status(filename: str, head: bytes) -> bool:
    """``dpkg/status`` (its real place, ``/var/lib/dpkg/status``) whatever it holds, so a
    broken database fails loudly; a bare ``status`` only when its first bytes look like one,
    since many unrelated files share that name."""
    if filename == "dpkg/status":
        return True
    if filename != "status":
        return False
    # A deb822 field line, and a Package field anywhere in the first bytes: fields come in any
    # order (dpkg writes Package first, but tools that rewrite the file may not).
    body = head.lstrip()
    return (
        _pattern(rb"[A-Za-z][A-Za-z0-9-]*:(?:[ \t]|\r?\n|$)").match(body) is not None
        and _pattern(rb"^Package:[ \t]*\S", re.MULTILINE).search(body) is not None
    )


def apk_installed(filename: str, head: bytes) -> bool:
    """``db/installed`` (its real place, ``/lib/apk/db/installed``) whatever it holds, so a
    broken database fails loudly; a bare ``installed`` only when its first bytes look like
    one."""
    if filename == "db/installed":
        return True
    if filename != "installed":
        return False
    body = head.lstrip()
    if body.startswith((b"C:", b"P:")):  # apk writes the checksum, then the name, first
        return True
    return (
        _pattern(rb"[A-Za-z]:").match(body) is not None
        and _pattern(rb"^P:\S", re.MULTILINE).search(body) is not None
    )


# --- Scanner results (sniffed), then SBOMs (by name and sniffed) -------------------------------


def trivy_json(filename: str, head: bytes) -> bool:
    if filename.lower().endswith((".trivy.json",)):
        return True
    stripped = head.lstrip(_BLANK_OR_BOM)
    if _pattern(rb'^\s*\[\s*\{\s*"Target"\s*:').match(stripped):  # the legacy report
        return True
    return (
        stripped.startswith(b"{")
        and _pattern(rb'"SchemaVersion"\s*:\s*\d').search(head) is not None
        and _pattern(rb'"(?:ArtifactName|ArtifactType|Results)"\s*:').search(head) is not None
    )


def grype_json(filename: str, head: bytes) -> bool:
    if filename.lower().endswith((".grype.json",)):
        return True
    body = head.lstrip(_BOM)
    return (
        _pattern(rb'^\s*\{\s*"matches"\s*:\s*\[').match(body) is not None
        and _pattern(rb'"(?:vulnerability|descriptor|artifact)"\s*:').search(body) is not None
    )


def syft_json(filename: str, head: bytes) -> bool:
    if filename.lower().endswith((".syft.json",)):
        return True
    body = head.lstrip(_BOM)
    return (
        _pattern(rb'^\s*\{\s*"artifacts"\s*:\s*\[').match(body) is not None
        and _pattern(rb'"(?:foundBy|artifactRelationships|descriptor|schema)"\s*:').search(body)
        is not None
    )


_CYCLONEDX_JSON_NAMES: Final = frozenset({"bom.json", "cyclonedx.json"})
_CYCLONEDX_JSON_SUFFIXES: Final = (".cdx.json", ".cyclonedx.json", ".bom.json")


def cyclonedx_json(filename: str, head: bytes) -> bool:
    body = head.lstrip(_BOM)
    if _pattern(rb'"bomFormat"\s*:\s*"CycloneDX"').search(body) is not None:
        return body.lstrip(_BLANK_OR_BOM).startswith(b"{")
    lower = filename.lower()
    if lower in _CYCLONEDX_JSON_NAMES or lower.endswith(_CYCLONEDX_JSON_SUFFIXES):
        # Markers of the other JSON SBOM formats: a generic name like bom.json holding one of
        # those belongs to that format's parser.
        other = _pattern(
            rb'"(?:spdxVersion|@context|SchemaVersion)"\s*:'
            rb'|^\s*\{\s*"(?:matches|artifacts|SPDXID)"\s*:'
        )
        return other.search(body) is None
    return False


_CYCLONEDX_XML_NAMES: Final = frozenset({"bom.xml", "cyclonedx.xml"})
_CYCLONEDX_XML_SUFFIXES: Final = (".cdx.xml", ".cyclonedx.xml", ".bom.xml")


def cyclonedx_xml(filename: str, head: bytes) -> bool:
    lower = filename.lower()
    if lower in _CYCLONEDX_XML_NAMES or lower.endswith(_CYCLONEDX_XML_SUFFIXES):
        return True
    sniff = _pattern(rb"<(?:\w+:)?bom\b[^>]*http://cyclonedx\.org/schema/bom/1\.\d+", re.DOTALL)
    return head.lstrip(_BLANK_OR_BOM).startswith(b"<") and bool(sniff.search(head))


_TAG_VALUE_START: Final = rb"^\s*(?:#[^\n]*\n\s*)*SPDXVersion\s*:"


def spdx_json(filename: str, head: bytes) -> bool:
    stripped = head.lstrip(_BLANK_OR_BOM)
    if filename.lower().endswith((".spdx.json",)):
        # A tag-value document saved under a .spdx.json name belongs to that parser.
        return _pattern(_TAG_VALUE_START).match(head.lstrip(_BOM)) is None
    if not stripped.startswith(b"{"):
        return False
    return (
        _pattern(rb'"spdxVersion"\s*:\s*"SPDX-2\.').search(head) is not None
        or _pattern(rb'^\s*\{\s*"SPDXID"\s*:\s*"SPDXRef-DOCUMENT"').match(stripped) is not None
    )


def spdx3_jsonld(filename: str, head: bytes) -> bool:
    if filename.lower().endswith((".spdx3.json", ".spdx3.jsonld", ".spdx.jsonld")):
        return True
    stripped = head.lstrip(_BLANK_OR_BOM)
    sniff = _pattern(rb'"@context"\s*:\s*\[?\s*"https?://spdx\.org/rdf/3\.')
    return stripped.startswith(b"{") and sniff.search(head) is not None


def spdx_tagvalue(filename: str, head: bytes) -> bool:
    body = head.lstrip(_BOM)
    if _pattern(_TAG_VALUE_START + rb"\s*SPDX-").match(body):
        return True
    if filename.lower().endswith((".spdx", ".spdx.tv", ".spdx.tag")):
        # RDF/XML and JSON saved as .spdx are other serialisations, not tag-value.
        return not body.lstrip().startswith((b"<", b"{"))
    return False
