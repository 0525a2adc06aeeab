"""Package URLs <-> (ecosystem, name, version), on top of packageurl-python.

The purl is the identity of a component. Parsing is strict: a purl without a version cannot be
matched and is reported, never silently treated as "not affected".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

from packageurl import PackageURL
from packageurl import quote as purl_quote

from runink.errors import InvalidPurlError
from runink.model._slots import slot_init
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


@slot_init  # one per distinct purl of a document
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

    A document's thousands of distribution packages name a release or two: each (base, text)
    is read once (``_cached_release``).
    """
    distro = qualifiers.get("distro") or ""
    if type(distro) is str:
        return _cached_release(base, distro)
    return _read_release(base, distro)


def _read_release(base: str, text: str) -> str | None:
    """``_distro_release`` of a ``distro`` qualifier's text ("" when there is none)."""
    distro = text.strip().lower()
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


_cached_release: Final = functools.lru_cache(maxsize=512)(_read_release)


# --------------------------------------------------------------------------------------------
# PackageURL parsing and writing, with a fast path for plain purls
#
# ``PackageURL.from_string`` and ``to_string`` normalize every part twice through layers of
# generic helpers (percent-quoting, ``urlsplit``, per-part normalizers); for an SBOM that is
# most of the parse. ``purl_from_string`` and ``purl_to_string`` give exactly what those two
# return, computing it directly for the purls nearly every document holds: printable ASCII
# without spaces or percent-escapes, no ``scheme:`` before the path, and a type other than the
# few with special rules. Anything else goes to packageurl itself. Each step below mirrors one
# of packageurl's (0.17) normalizers; ``tests/model/test_purl_fast.py`` compares both ways over
# every purl in the shared data and mutated ones, and on first use a set of probes is run
# through both: if the installed packageurl disagrees on any, the fast path is never used.

# Types whose namespace (``_LOWER_NAMESPACE``) or name (``_LOWER_NAME``) packageurl lowercases.
_LOWER_NAMESPACE: Final = frozenset(
    ("bitbucket", "github", "pypi", "gitlab", "composer", "luarocks", "qpkg", "alpm", "apk", "hex")
)
_LOWER_NAME: Final = frozenset(
    (
        "bitbucket",
        "github",
        "pypi",
        "gitlab",
        "composer",
        "luarocks",
        "oci",
        "npm",
        "alpm",
        "apk",
        "bitnami",
        "hex",
        "pub",
    )
)
_LOWER_VERSION: Final = frozenset(("huggingface", "oci"))
# A purl type the fast path reads (packageurl also accepts a leading ".", "-" or "_").
_PLAIN_TYPE: Final = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
# What urlsplit reads as a URL scheme before a ":" (the fast path leaves those to packageurl).
_URL_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# A qualifier key packageurl accepts once lowercased; several, joined by "&".
_QUALIFIER_KEY: Final = re.compile(r"[a-z._-][a-z0-9._-]*")
_QUALIFIER_KEYS: Final = re.compile(r"[a-z._-][a-z0-9._-]*(?:&[a-z._-][a-z0-9._-]*)*")
# Printable ASCII without spaces: the parts the writer's fast path handles.
_PRINTABLE: Final = re.compile(r"[!-~]+")
# Text percent-quoting leaves as it is (":" is quoted, then restored by packageurl).
_UNQUOTED: Final = re.compile(r"[A-Za-z0-9_.~:/-]*")
_NOT_PUB: Final = re.compile(r"[^a-z0-9]")


def _special_type(ptype: str) -> bool:
    # packageurl tests ``ptype in ("mlflow")``, a substring test on the string "mlflow".
    return ptype in "mlflow"


# The types whose names _name_case changes.
_CASED_TYPES: Final = _LOWER_NAME | {"pypi", "hackage", "pub"}


def _name_case(ptype: str, name: str) -> str:
    """The case and separator rules packageurl applies to a name of this type."""
    if ptype in _LOWER_NAME:
        name = name.lower()
    if ptype in ("pypi", "hackage"):
        return name.replace("_", "-")
    if ptype == "pub":
        return _NOT_PUB.sub("_", name)
    return name


_NPM_ESCAPED_SCOPE: Final = "pkg:npm/%40"


def _fast_from_string(text: str) -> PackageURL | None:
    """``PackageURL.from_string(text)`` for a plain purl, else None."""
    if not text.startswith("pkg:") or not text.isascii() or not text.isprintable() or " " in text:
        return None
    if "%" in text:
        # The one escape common in real documents: an npm scope written as the purl
        # specification's canonical form does (``pkg:npm/%40babel/core@7.0.0``, a third of
        # Syft's purls). packageurl decodes it to the "@" read below; any other escape goes
        # to packageurl.
        if not text.startswith(_NPM_ESCAPED_SCOPE):
            return None
        rest = text[len(_NPM_ESCAPED_SCOPE) :]
        scope, slash, _ = rest.partition("/")
        if "%" in rest or not slash or "@" in scope:  # "@" must stay the version's alone
            return None
        text = "pkg:npm/@" + rest
    common = _COMMON.fullmatch(text)
    if common is not None:
        return _from_common(common)
    ptype, sep, rest = text[4:].lstrip("/").partition("/")
    if not sep or _PLAIN_TYPE.fullmatch(ptype) is None:
        return None
    ptype = ptype.lower()
    if _special_type(ptype) or rest.startswith("//"):
        return None
    colon = rest.find(":")
    if colon > 0 and _URL_SCHEME.fullmatch(rest, 0, colon) is not None:
        return None
    path, _, subpath = rest.partition("#")
    path, _, query = path.partition("?")
    path = path.lstrip("/")
    namespace = ""
    if ptype == "npm" and path.startswith("@"):
        namespace, _, path = path.partition("/")
    remainder, at, version_text = path.rpartition("@")
    version: str | None = version_text
    if not at:
        remainder, version = version_text, None
    parts = [segment for segment in remainder.strip("/").split("/") if segment]
    name = ""
    if not namespace and len(parts) > 1:
        name = parts[-1]
        namespace = "/".join(parts[:-1])
    elif len(parts) == 1:
        name = parts[0]
    if not name:
        return None
    # Namespace.
    ns: str | None = None
    if namespace:
        namespace = namespace.strip("/")
        if ptype in _LOWER_NAMESPACE:
            namespace = namespace.lower()
        if ptype in "cpan":  # packageurl's substring test again
            namespace = namespace.upper()
        ns = "/".join(segment for segment in namespace.split("/") if segment) or None
    name = _name_case(ptype, name)
    # Version.
    if version and ptype in _LOWER_VERSION:
        version = version.lower()
    version = version or None
    # Qualifiers.
    qualifiers: dict[str, str] = {}
    if query:
        read = _read_query(query)
        if read is None:
            return None
        qualifiers = dict(read[0])
    # Subpath.
    sub: str | None = None
    if subpath:
        segments = [s for s in subpath.split("/") if s and s != "." and s != ".."]
        sub = "/".join(segments) or None
    return PackageURL._make((ptype, ns, name, version, qualifiers, sub))


# The usual purl: a lowercase type; namespace segments, a name and a version of unreserved
# characters (the version may hold ":"); perhaps qualifiers; no subpath. Read as the general
# path above reads it: no "@" but the version's, no "?" but the qualifiers', no empty segment,
# and no URL scheme before a ":" (a ":" only comes after the "@" or the "?").
_COMMON: Final = re.compile(
    r"pkg:([a-z][a-z0-9.-]*)/((?:[A-Za-z0-9._~+-]+/)*)([A-Za-z0-9._~+-]+)"
    r"(?:@([A-Za-z0-9._~+:-]+))?(?:\?([A-Za-z0-9._~+:=&/-]*))?"
)


_tuple_new: Final = tuple.__new__


def _from_common(match: re.Match[str]) -> PackageURL | None:
    """``_fast_from_string`` for a purl ``_COMMON`` matches."""
    parsed = _common_parts(match)
    return None if parsed is None else parsed[0]


def _common_parts(match: re.Match[str]) -> tuple[PackageURL, str | None] | None:
    """``_from_common``, and the canonical text (``purl_to_string`` of the result) when it is
    known for free, else None.

    The text matched is canonical when no part is changed by a case or separator rule and the
    qualifiers are sorted, lowercase, unique and non-empty. Of the characters ``_COMMON``
    admits, the writer quotes only ``+`` (as ``%2B``): such a text is canonical with each ``+``
    spelled ``%2B``, except where a case rule then lowercases the ``%2B`` (the names of cased
    types, the versions of ``_LOWER_VERSION`` types) and, to stay on the safe side, where a
    qualifier value holds both ``+`` and ``/``. SBOM purls are mostly one or the other (Debian
    versions hold ``+``), and the writer's work is then saved."""
    ptype, namespace, raw_name, raw_version, query = match.groups()
    if ptype in "mlflow":  # _special_type, inlined (a call per purl)
        return None
    canonical = True
    ns: str | None = None
    if namespace:
        ns = namespace[:-1]
        if ptype in _LOWER_NAMESPACE:
            ns = ns.lower()
        if ptype in "cpan":  # packageurl's substring test
            ns = ns.upper()
        canonical = ns == namespace[:-1]
    name = raw_name
    if ptype in _CASED_TYPES:
        name = _name_case(ptype, raw_name)
    version = raw_version
    if version and ptype in _LOWER_VERSION:
        version = version.lower()
    canonical = canonical and name == raw_name and version == raw_version
    if "+" in raw_name and ptype in _CASED_TYPES:  # the case rules apply after quoting
        canonical = False
    if raw_version and "+" in raw_version and ptype in _LOWER_VERSION:
        canonical = False
    qualifiers: dict[str, str] = {}
    if query:
        read = _read_query(query)
        if read is None:
            return None
        pairs, as_written = read
        qualifiers = dict(pairs)  # each purl its own dict, as packageurl gives
        canonical = canonical and as_written
    elif query is not None:  # a "?" with nothing after it: the writer leaves it out
        canonical = False
    # PackageURL._make without its call and length check (the six fields are all here).
    purl = _tuple_new(PackageURL, (ptype, ns, name, version, qualifiers, None))
    if not canonical:
        return purl, None
    text = match.string
    return purl, text.replace("+", "%2B") if "+" in text else text


@functools.lru_cache(maxsize=1024)
def _read_query(query: str) -> tuple[tuple[tuple[str, str], ...], bool] | None:
    """The qualifiers of a non-empty query, in the canonical order, and whether the query is
    written as the writer writes them; None when packageurl must read it. Cached: a distribution's packages mostly share one query (``arch=amd64&distro=...``),
    and reading it is most of the work for such a purl."""
    qualifiers: dict[str, str] = {}
    for pair in query.split("&"):
        key, eq, value = pair.partition("=")
        if not eq:
            return None
        if key and value:
            qualifiers[key.lower()] = value
    # Every key valid: one match over them all (a key holds no "&").
    if qualifiers and _QUALIFIER_KEYS.fullmatch("&".join(qualifiers)) is None:
        return None
    if len(qualifiers) > 1:
        qualifiers = dict(sorted(qualifiers.items()))
    # Written back as read: one "=" per pair, pairs in the canonical order (and no value with
    # both "+" and "/", left to the writer).
    as_written = (
        query.count("=") == len(qualifiers)
        and query == "&".join(map("=".join, qualifiers.items()))
        and not ("+" in query and "/" in query and _plus_and_slash(qualifiers))
    )
    return tuple(qualifiers.items()), as_written


def _plus_and_slash(qualifiers: dict[str, str]) -> bool:
    """Whether a qualifier value holds both "+" and "/" (the writer quotes its "/" too)."""
    return any("+" in value and "/" in value for value in qualifiers.values())


_NPM_TYPE: Final = "pkg:npm/"
_NPM_TYPE_END: Final = len(_NPM_TYPE)
_NPM_SCOPE_END: Final = len(_NPM_ESCAPED_SCOPE)


def purl_and_canonical(text: str) -> tuple[PackageURL, str | None]:
    """``purl_from_string(text)``, and ``purl_to_string`` of it when that is known for free
    (see ``_common_parts``), else None.

    An npm purl with its scope escaped as the specification writes it
    (``pkg:npm/%40babel/core@7.0.0``, a third of Syft's purls) is matched without the ``%40``:
    ``_fast_from_string`` reads it as that purl with ``@babel`` for namespace (one segment),
    and the writer spells the namespace ``%40babel`` again."""
    if _fast_enabled() and text.startswith("pkg:") and text.isascii():
        scoped = text.startswith(_NPM_ESCAPED_SCOPE)
        common = _COMMON.fullmatch(_NPM_TYPE + text[_NPM_SCOPE_END:] if scoped else text)
        if common is not None and (not scoped or common.group(2).count("/") == 1):
            parsed = _common_parts(common)
            if parsed is not None:
                purl, canonical = parsed
                if scoped:
                    purl = _tuple_new(PackageURL, (purl[0], f"@{purl[1]}", *purl[2:]))
                    if canonical is not None:
                        canonical = _NPM_ESCAPED_SCOPE + canonical[_NPM_TYPE_END:]
                return purl, canonical
    return purl_from_string(text), None


def purl_from_string(text: str) -> PackageURL:
    """``PackageURL.from_string(text)``: the same value, or the same ``ValueError``."""
    if _fast_enabled():
        fast = _fast_from_string(text)
        if fast is not None:
            return fast
    return PackageURL.from_string(text)


def _quote(text: str) -> str:
    return text if _UNQUOTED.fullmatch(text) is not None else purl_quote(text)


def _fast_to_string(purl: PackageURL) -> str | None:
    """``purl.to_string()`` when every part is printable ASCII without spaces, else None."""
    ptype, namespace, name, version, qualifiers, subpath = purl
    if (
        type(ptype) is not str
        or _PLAIN_TYPE.fullmatch(ptype) is None
        or not ptype.islower()
        or _special_type(ptype)
    ):
        return None
    out = ["pkg:", ptype, "/"]
    if namespace:
        if type(namespace) is not str or _PRINTABLE.fullmatch(namespace) is None:
            return None
        namespace = namespace.strip("/")
        if ptype in _LOWER_NAMESPACE:
            namespace = namespace.lower()
        if ptype in "cpan":
            namespace = namespace.upper()
        ns = "/".join(_quote(segment) for segment in namespace.split("/") if segment)
        if ns:
            out += (ns, "/")
    if type(name) is not str or _PRINTABLE.fullmatch(name) is None:
        return None
    name = _name_case(ptype, _quote(name).strip("/"))
    if not name:
        return None
    out.append(name)
    if version:
        if type(version) is not str or _PRINTABLE.fullmatch(version) is None:
            return None
        version = _quote(version)
        if ptype in _LOWER_VERSION:
            version = version.lower()
        out += ("@", version)
    if qualifiers:
        if type(qualifiers) is not dict:
            return None
        pairs: list[tuple[str, str]] = []
        for key, value in qualifiers.items():
            if (
                type(key) is not str
                or type(value) is not str
                or _QUALIFIER_KEY.fullmatch(key) is None
                or _PRINTABLE.fullmatch(value) is None
            ):
                return None
            pairs.append((key, _quote(value)))
        pairs.sort()
        out += ("?", "&".join(f"{key}={value}" for key, value in pairs))
    if subpath:
        if type(subpath) is not str or _PRINTABLE.fullmatch(subpath) is None:
            return None
        segments = [_quote(s) for s in subpath.split("/") if s and s != "." and s != ".."]
        if segments:
            out += ("#", "/".join(segments))
    return "".join(out)


def purl_to_string(purl: PackageURL) -> str:
    """``purl.to_string()``: the canonical text of a purl."""
    if _fast_enabled():
        fast = _fast_to_string(purl)
        if fast is not None:
            return fast
    return str(purl.to_string())


# Purls on which the fast path and packageurl must agree before the fast path is used: one for
# each rule mirrored above.
_PROBES: Final = (
    "pkg:pypi/Django_Foo@1.0",
    "pkg:PyPI/Foo__Bar@2.0?Repository_Url=https://x.org/simple&b=&a=1#sub/./../path/",
    "pkg:npm/@Angular/Core@16.2.0",
    "pkg:npm/@scope@1",
    "pkg:npm/%40Angular/Core@16.2.0?b=1&a=2",
    "pkg:npm/%40scope@1",
    "pkg:npm/%40a/b/c@1",
    "pkg:npm/Foo+Bar@1.0.0+build.5?vcs_url=git+https://github.com/a/b.git#x",
    "pkg:golang/github.com/BurntSushi/toml@v1.3.2#v3",
    "pkg:golang//github.com//a///b/@v0.0.0-2020",
    "pkg:maven/org.apache/log4j-core@2.14.1?type=jar&classifier=sources&type=pom",
    "pkg:deb/debian/libstdc++6@1:12.2.0-14?arch=amd64&upstream=gcc-12@12.2.0&distro=debian-12",
    "pkg:rpm/redhat/openssl@1.1.1k-7.el8?epoch=1&arch=x86_64",
    "pkg:apk/Alpine/Musl@1.2.4-r2?distro=3.18.4",
    "pkg:cpan/Foo::Bar@1.0",
    "pkg:cpan/author/Foo-Bar@1.0",
    "pkg:pub/Http_Client-X@1.1.0",
    "pkg:hackage/Foo_Bar@1.0",
    "pkg:huggingface/Org/Model@ABCDEF",
    "pkg:oci/Debian@SHA256:ABCD?repository_url=docker.io/library",
    "pkg:composer/Symfony/Http-Kernel@6.3.0",
    "pkg:github/Actions/Checkout@v4",
    "pkg:generic/openssl@1.1.10g?download_url=https://x.org/a.tgz&checksum=sha256:de4d501",
    "pkg:nuget/Newtonsoft.Json@13.0.1",
    "pkg:cargo/serde_json@",
    "pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
    "pkg:conan/openssl.org/openssl@3.0.3?user=bincrafters&channel=stable",
    "pkg:bitnami/WordPress@6.2.0?arch=ARM64",
    "pkg:///npm/foo@1",
    "pkg:docker/customer/dockerimage@sha256:244fd47e07d10?repository_url=gcr.io",
    "pkg:Maven.Central/a/b@1",
    "pkg:m/a@1",
    "pkg:npm/a?b",
    "pkg:pypi/a@1?1a=b",
    "pkg:npm/",
)


@functools.cache
def _fast_enabled() -> bool:
    """Whether the fast path agrees with the installed packageurl on every probe."""
    for text in _PROBES:
        fast = _fast_from_string(text)
        try:
            expected = PackageURL.from_string(text)
        except ValueError:
            if fast is not None:
                return False
            continue
        if fast is not None and (fast != expected or type(fast) is not type(expected)):
            return False
        canonical = str(expected.to_string())
        if _fast_to_string(expected) not in (None, canonical):
            return False
        if fast is not None and _fast_to_string(fast) not in (None, canonical):
            return False
    return True


def parse_purl(text: str) -> PackageRef:
    """Parse a purl into its OSV ecosystem, normalized name and version."""
    try:
        purl = purl_from_string(text.strip())
    except ValueError as exc:
        raise InvalidPurlError(f"{text}: not a valid package URL ({exc})") from exc
    return package_ref(purl, text)


def package_ref(purl: PackageURL, text: str) -> PackageRef:
    """What a parsed purl names, in OSV terms (``text`` is the purl as written, for messages).

    ``parse_purl(text)`` is ``package_ref(purl_from_string(text.strip()), text)``; a caller that
    needs the ``PackageURL`` too parses once and asks this.
    """
    ptype = purl.type.lower()
    namespace = purl.namespace or ""
    ecosystem = ECOSYSTEM_BY_PURL_TYPE.get(ptype)
    if ecosystem is None:
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
