"""Ecosystems: OSV names, their purl types, and per-ecosystem package-name normalization.

Ecosystem names are OSV's (``PyPI``, ``npm``, ``Go``, ``crates.io``, ``Debian:12``, ...). A
distribution ecosystem may carry a release after the first ``:``; ``base_ecosystem`` strips it.
"""

from __future__ import annotations

import re
from typing import Final

# OSV ecosystem (base) -> purl type.
PURL_TYPE_BY_ECOSYSTEM: Final[dict[str, str]] = {
    "PyPI": "pypi",
    "npm": "npm",
    "Go": "golang",
    "crates.io": "cargo",
    "Maven": "maven",
    "RubyGems": "gem",
    "NuGet": "nuget",
    "Packagist": "composer",
    "Pub": "pub",
    "Hex": "hex",
    "CRAN": "cran",
    "Hackage": "hackage",
    "SwiftURL": "swift",
    "GitHub Actions": "github",
    "ConanCenter": "conan",
    "Debian": "deb",
    "Ubuntu": "deb",
    "Alpine": "apk",
    "Red Hat": "rpm",
    "Rocky Linux": "rpm",
    "AlmaLinux": "rpm",
    "SUSE": "rpm",
    "openSUSE": "rpm",
}

# purl type -> OSV ecosystem, for the types whose ecosystem does not depend on the namespace.
ECOSYSTEM_BY_PURL_TYPE: Final[dict[str, str]] = {
    "pypi": "PyPI",
    "npm": "npm",
    "golang": "Go",
    "cargo": "crates.io",
    "maven": "Maven",
    "gem": "RubyGems",
    "nuget": "NuGet",
    "composer": "Packagist",
    "pub": "Pub",
    "hex": "Hex",
    "cran": "CRAN",
    "hackage": "Hackage",
    "swift": "SwiftURL",
    "github": "GitHub Actions",
    "conan": "ConanCenter",
}

# Distribution purl namespaces (deb, apk, rpm) -> OSV ecosystem.
DISTRO_ECOSYSTEM_BY_NAMESPACE: Final[dict[tuple[str, str], str]] = {
    ("deb", "debian"): "Debian",
    ("deb", "ubuntu"): "Ubuntu",
    ("apk", "alpine"): "Alpine",
    ("rpm", "redhat"): "Red Hat",
    ("rpm", "rhel"): "Red Hat",
    ("rpm", "rocky"): "Rocky Linux",
    ("rpm", "rocky-linux"): "Rocky Linux",
    ("rpm", "almalinux"): "AlmaLinux",
    ("rpm", "alma"): "AlmaLinux",
    ("rpm", "suse"): "SUSE",
    ("rpm", "sles"): "SUSE",
    ("rpm", "opensuse"): "openSUSE",
}

_PEP503 = re.compile(r"[-_.]+")
_CASE_INSENSITIVE: Final[frozenset[str]] = frozenset(
    {"npm", "NuGet", "Packagist", "Hex", "GitHub Actions", "Alpine"}
)
# Ubuntu release markers that do not change which packages a release ships: "LTS" is
# decoration, and "Pro" (ESM) fixes are made for the release named next to it.
_UBUNTU_MARKERS: Final[frozenset[str]] = frozenset({"lts", "pro"})
_LEADING_MAJOR_MINOR = re.compile(r"^v?(\d+\.\d+)")
_DEBIAN_RELEASE = re.compile(r"^(\d+)(?:\.(\d+))?$")


def base_ecosystem(ecosystem: str) -> str:
    """``Debian:12`` -> ``Debian``; ``PyPI`` -> ``PyPI``."""
    head, _, _ = ecosystem.partition(":")
    return head


def ecosystem_release(ecosystem: str) -> str | None:
    """``Debian:12`` -> ``12``; ``PyPI`` -> None."""
    _, sep, tail = ecosystem.partition(":")
    return tail if sep and tail else None


def normalize_name(ecosystem: str, name: str) -> str:
    """Normalize a package name the way the ecosystem compares names.

    PyPI follows PEP 503; npm, NuGet, Packagist, Hex, GitHub Actions and Alpine names are
    case-insensitive (npm's registry refuses names that differ only by case, and package URLs
    lowercase npm, GitHub and apk names, so a name read from an SBOM must compare equal to the
    same name read from a lockfile); npm keeps the scope; Maven is ``group:artifact``; Go keeps
    the full, case-sensitive module path; others are kept as is.

    Called for every package of every document: the rule is one look-up of the ecosystem as
    given (a base ecosystem, the usual case) before its base is worked out.
    """
    rule = _NAME_RULES.get(ecosystem)
    if rule is None:
        rule = _NAME_RULES.get(base_ecosystem(ecosystem), _KEEP)
    name = name.strip()
    if rule == _KEEP:
        return name
    if rule == _LOWER:
        return name.lower()
    if rule == _PEP503_RULE:
        # Without "_", "." or "--" every run of separators is a lone "-": nothing to replace.
        if "_" in name or "." in name or "--" in name:
            name = _PEP503.sub("-", name)
        return name.lower()
    return name.replace("/", ":")  # Maven


# How ``normalize_name`` treats the names of a base ecosystem (the others are kept as they are).
_KEEP: Final = 0
_LOWER: Final = 1
_PEP503_RULE: Final = 2
_MAVEN: Final = 3
_NAME_RULES: Final[dict[str, int]] = {
    "PyPI": _PEP503_RULE,
    "Maven": _MAVEN,
    **dict.fromkeys(_CASE_INSENSITIVE, _LOWER),
}


def ecosystem_matches(component_ecosystem: str, advisory_ecosystem: str) -> bool:
    """Whether an advisory entry's ecosystem applies to a component's ecosystem.

    Same base, and: equal releases, or either side without a release (a component with no
    known distribution release is checked against every release: a miss is worse than a
    false alarm, and the finding names the release it matched).

    Releases are compared as the distribution means them: Ubuntu's ``LTS`` and ``Pro``
    markers are dropped (``Ubuntu:22.04`` is ``Ubuntu:22.04:LTS``, and ``Ubuntu:Pro:18.04:LTS``
    fixes apply to 18.04; FIPS and Realtime streams stay distinct), Alpine compares its
    ``vX.Y`` branch (``3.20.3`` is on ``v3.20``) and Debian its release number (``12.4`` is a
    point release of 12; before 7, ``3.0`` and ``3.1`` were distinct releases).
    """
    if component_ecosystem == advisory_ecosystem:
        return True
    base = base_ecosystem(component_ecosystem)
    if base != base_ecosystem(advisory_ecosystem):
        return False
    comp_rel = ecosystem_release(component_ecosystem)
    adv_rel = ecosystem_release(advisory_ecosystem)
    if comp_rel is None or adv_rel is None:
        return True
    if base in ("Ubuntu", "Alpine", "Debian"):
        return _release_key(base, comp_rel) == _release_key(base, adv_rel)
    # Other suffixed forms: "X:Y" applies to a component tagged "X".
    return adv_rel.startswith(comp_rel + ":") or comp_rel.startswith(adv_rel + ":")


def _release_key(base: str, release: str) -> str:
    """The part of a distribution release that decides which packages it ships."""
    text = release.strip().lower()
    if base == "Ubuntu":
        return ":".join(p for p in text.split(":") if p and p not in _UBUNTU_MARKERS)
    if base == "Alpine":
        m = _LEADING_MAJOR_MINOR.match(text)
        return f"v{m.group(1)}" if m else text
    m = _DEBIAN_RELEASE.match(text)  # Debian: since 7, a release is its major number
    if m is None or m.group(2) is None or int(m.group(1)) < 7:
        return text
    return m.group(1)
