"""Package URLs <-> (ecosystem, name, version), on top of packageurl-python.

The purl is the identity of a component. Parsing is strict: a purl without a version cannot be
matched and is reported, never silently treated as "not affected".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from packageurl import PackageURL

from runink.errors import InvalidPurlError
from runink.model.ecosystems import (
    DISTRO_ECOSYSTEM_BY_NAMESPACE,
    ECOSYSTEM_BY_PURL_TYPE,
    PURL_TYPE_BY_ECOSYSTEM,
    base_ecosystem,
    ecosystem_release,
    normalize_name,
)

# Release code names (Debian's distro-info-data, Ubuntu's release list) -> OSV release.
_DEBIAN_CODENAMES: Final[dict[str, str]] = {
    "woody": "3.0",
    "sarge": "3.1",
    "etch": "4.0",
    "lenny": "5.0",
    "squeeze": "6.0",
    "wheezy": "7",
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "bookworm": "12",
    "trixie": "13",
    "forky": "14",
    "duke": "15",
    "sid": "sid",
    "unstable": "sid",
}
_UBUNTU_CODENAMES: Final[dict[str, str]] = {
    "precise": "12.04",
    "trusty": "14.04",
    "xenial": "16.04",
    "bionic": "18.04",
    "cosmic": "18.10",
    "disco": "19.04",
    "eoan": "19.10",
    "focal": "20.04",
    "groovy": "20.10",
    "hirsute": "21.04",
    "impish": "21.10",
    "jammy": "22.04",
    "kinetic": "22.10",
    "lunar": "23.04",
    "mantic": "23.10",
    "noble": "24.04",
    "oracular": "24.10",
    "plucky": "25.04",
    "questing": "25.10",
}
_DISTRO_PREFIXES: Final[tuple[str, ...]] = (
    "debian-",
    "ubuntu-",
    "alpine-",
    "rhel-",
    "redhat-",
    "rocky-",
    "almalinux-",
)
_ALPINE_RELEASE = re.compile(r"^v?(\d+\.\d+)")
_UBUNTU_RELEASE = re.compile(r"(\d+\.\d+)")
_DEBIAN_RELEASE = re.compile(r"^(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class PackageRef:
    """What a purl names, in OSV terms."""

    ecosystem: str
    name: str
    version: str | None


def _distro_release(base: str, qualifiers: dict[str, str]) -> str | None:
    """The OSV release named by a distribution purl's ``distro`` qualifier.

    None when there is none or it cannot be read: such a component is checked against every
    release of its distribution rather than against a release that was guessed.
    """
    distro = (qualifiers.get("distro") or "").strip().lower()
    for prefix in _DISTRO_PREFIXES:
        if distro.startswith(prefix):
            distro = distro[len(prefix) :]
            break
    if not distro:
        return None
    if base == "Debian":
        if distro in _DEBIAN_CODENAMES:
            return _DEBIAN_CODENAMES[distro]
        m = _DEBIAN_RELEASE.match(distro)
        if m is None:
            return None
        # Since 7 a Debian release is its major number ("12.4" is a point release of 12).
        if int(m.group(1)) >= 7 or m.group(2) is None:
            return m.group(1)
        return f"{m.group(1)}.{m.group(2)}"
    if base == "Ubuntu":
        m = _UBUNTU_RELEASE.match(_UBUNTU_CODENAMES.get(distro, distro))
        return m.group(1) if m else None
    if base == "Alpine":
        m = _ALPINE_RELEASE.match(distro)
        return f"v{m.group(1)}" if m else None
    return None


def parse_purl(text: str) -> PackageRef:
    """Parse a purl into its OSV ecosystem, normalized name and version."""
    try:
        purl = PackageURL.from_string(text.strip())
    except ValueError as exc:
        raise InvalidPurlError(f"{text}: not a valid package URL ({exc})") from exc
    ptype = purl.type.lower()
    namespace = purl.namespace or ""
    if ptype in ECOSYSTEM_BY_PURL_TYPE:
        ecosystem = ECOSYSTEM_BY_PURL_TYPE[ptype]
    else:
        key = (ptype, namespace.lower())
        if key not in DISTRO_ECOSYSTEM_BY_NAMESPACE:
            where = f" with namespace {namespace!r}" if namespace else ""
            raise InvalidPurlError(f"{text}: no known ecosystem for purl type {ptype!r}{where}")
        base = DISTRO_ECOSYSTEM_BY_NAMESPACE[key]
        qualifiers = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
        release = _distro_release(base, qualifiers)
        ecosystem = f"{base}:{release}" if release else base
        return PackageRef(ecosystem, normalize_name(ecosystem, purl.name), purl.version)
    if ecosystem == "Maven":
        if not namespace:
            raise InvalidPurlError(f"{text}: a Maven purl needs a group (namespace)")
        name = f"{namespace}:{purl.name}"
    elif namespace:
        name = f"{namespace}/{purl.name}"
    else:
        name = purl.name
    return PackageRef(ecosystem, normalize_name(ecosystem, name), purl.version)


def build_purl(ecosystem: str, name: str, version: str | None) -> str:
    """Build the canonical purl string of a package."""
    base = base_ecosystem(ecosystem)
    ptype = PURL_TYPE_BY_ECOSYSTEM.get(base)
    if ptype is None:
        # Unknown ecosystems still get a stable, valid identifier.
        ptype = "generic"
    qualifiers: dict[str, str] = {}
    namespace: str | None = None
    pname = name
    if base == "Maven" and ":" in name:
        namespace, _, pname = name.partition(":")
    elif ptype in ("deb", "apk", "rpm"):
        namespace = {
            "Debian": "debian",
            "Ubuntu": "ubuntu",
            "Alpine": "alpine",
            "Red Hat": "redhat",
            "Rocky Linux": "rocky",
            "AlmaLinux": "almalinux",
            "SUSE": "suse",
            "openSUSE": "opensuse",
        }[base]
        release = ecosystem_release(ecosystem)
        if release and base == "Ubuntu":
            # "22.04:LTS" and "Pro:18.04:LTS" name the releases 22.04 and 18.04.
            m = _UBUNTU_RELEASE.search(release)
            release = m.group(1) if m else release
        if release:
            qualifiers["distro"] = f"{namespace}-{release.lstrip('v')}"
    elif "/" in name and ptype in ("npm", "golang", "composer", "swift", "github", "generic"):
        namespace, _, pname = name.rpartition("/")
    purl = PackageURL(
        type=ptype, namespace=namespace, name=pname, version=version, qualifiers=qualifiers
    )
    return str(purl.to_string())
