"""Helpers shared by the JavaScript lockfile parsers (npm, yarn, pnpm, bun).

Everything here is pure: text in, values out. The pieces are:

* ``ComponentCollector``: one component per distinct ``name@version`` in a file, merging
  duplicates (first line kept, ``direct`` OR-ed, the most production-like scope kept, the
  shortest dependency path kept) and de-duplicating skipped entries.
* Spec and URL helpers: splitting ``name@spec`` (scoped names included), classifying an npm
  dependency spec (registry, git, tarball, local), reading the version out of a registry tarball
  URL, and redacting credentials from URLs before they appear in messages.
* ``shortest_paths`` / ``reachable``: breadth-first search over a dependency graph.
* ``load_yaml``: a YAML reader built on the libyaml event stream that keeps every scalar as a
  string, records the line of every mapping key, refuses aliases and caps nesting depth (the
  libyaml composer recurses in C and crashes on deeply nested input).
* ``JsonKeyLines``: finds the line on which a JSON object key appears, scanning forward.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Final, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

import orjson
import yaml

from runink.errors import ParseError
from runink.inventory._block_yaml import YamlMap, read_block_yaml
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = [
    "SCOPE_RANK",
    "ComponentCollector",
    "JsonKeyLines",
    "SpecKind",
    "YamlMap",
    "alias_target",
    "classify_spec",
    "is_semver",
    "json_error_line",
    "load_yaml",
    "reachable",
    "redact_url",
    "registry_tarball_version",
    "shortest_paths",
    "split_name_spec",
    "strip_bom",
]

ECOSYSTEM: Final = "npm"

#: Lower is "more production": a package that is a runtime dependency anywhere in the file is
#: reported as runtime, so that a policy that ignores dev dependencies never hides it.
SCOPE_RANK: Final[dict[str, int]] = {"runtime": 0, "optional": 1, "peer": 2, "dev": 3}

# Lenient SemVer 2.0: what npm's registry accepts (leading zeros in pre-release tags tolerated).
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_GIT_HOST_SHORTCUTS: Final = ("github:", "gitlab:", "bitbucket:", "gist:")
# "user/repo", "user/repo#ref", "user/repo#semver:^1": npm's GitHub shorthand.
_GITHUB_SHORTHAND = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:#.*)?$")
_LOCAL_PROTOCOLS: Final = ("file:", "link:", "portal:")


def strip_bom(data: bytes) -> bytes:
    """Drop a UTF-8 byte order mark (Windows editors add one; npm never does)."""
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def is_semver(text: str) -> bool:
    """Whether ``text`` is a full SemVer version (``1.2.3``, ``1.0.0-rc.1+build``)."""
    return _SEMVER.match(text) is not None


def split_name_spec(text: str) -> tuple[str, str]:
    """Split ``name@spec`` into ``(name, spec)``; a scoped name keeps its ``@scope/``.

    ``@babel/core@^7.0.0`` -> ``("@babel/core", "^7.0.0")``; ``lodash`` -> ``("lodash", "")``.
    """
    at = text.find("@", 1)
    if at == -1:
        return text, ""
    return text[:at], text[at + 1 :]


class SpecKind:
    """What kind of source an npm dependency spec or resolution points at."""

    REGISTRY: Final = "registry"
    ALIAS: Final = "alias"  # npm:real-name@range
    GIT: Final = "git"
    TARBALL: Final = "tarball"
    LOCAL: Final = "local"  # file:, link:, portal:
    WORKSPACE: Final = "workspace"


def classify_spec(spec: str) -> str:
    """Classify a dependency spec the way npm and yarn read it (see ``SpecKind``)."""
    if spec.startswith("npm:"):
        return SpecKind.ALIAS
    if spec.startswith("workspace:"):
        return SpecKind.WORKSPACE
    if spec.startswith(_LOCAL_PROTOCOLS):
        return SpecKind.LOCAL
    if spec.startswith(("git+", "git:", "git://", *_GIT_HOST_SHORTCUTS)):
        return SpecKind.GIT
    if spec.startswith(("http://", "https://")):
        return SpecKind.GIT if _url_path(spec).endswith(".git") else SpecKind.TARBALL
    if spec.startswith(("./", "../", "/", "~/")) or spec.endswith((".tgz", ".tar.gz", ".tar")):
        return SpecKind.LOCAL
    if _GITHUB_SHORTHAND.match(spec) and not spec.startswith("@"):
        return SpecKind.GIT
    return SpecKind.REGISTRY


_NPM_NAME = re.compile(r"^(?:@[A-Za-z0-9][\w.~-]*/)?[A-Za-z0-9~][\w.~-]*$")


def alias_target(spec: str) -> tuple[str, str] | None:
    """``npm:real-name@range`` -> ``("real-name", "range")``; None when ``spec`` names no package.

    ``npm:^1.0.0`` (yarn's explicit registry protocol without a name) is not an alias.
    """
    if not spec.startswith("npm:"):
        return None
    name, rest = split_name_spec(spec[4:])
    if _NPM_NAME.match(name) is None or not (rest or name.startswith("@")):
        return None
    return name, rest


def redact_url(text: str) -> str:
    """Remove a password or token from a URL before it goes into a message."""
    if "@" not in text or "://" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password is None and (parts.username is None or "@" not in parts.netloc):
        return text
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    # "git@github.com" is an ssh user name, not a secret; anything else is redacted.
    user = parts.username if parts.username == "git" and parts.password is None else "***"
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))


def _url_path(url: str) -> str:
    """The path of a URL, without its query and fragment (no validation: cheap)."""
    for mark in ("#", "?"):
        cut = url.find(mark)
        if cut != -1:
            url = url[:cut]
    scheme = url.find("://")
    if scheme == -1:
        return url
    slash = url.find("/", scheme + 3)
    return url[slash:] if slash != -1 else "/"


def registry_tarball_version(url: str, name: str) -> str | None:
    """The version in a registry tarball URL for package ``name``, or None.

    Registries (npmjs, yarnpkg, Artifactory, Nexus, Verdaccio, GitHub Packages) serve
    ``<base>/<name>/-/<unscoped-name>-<version>.tgz``; anything else is not a registry release.
    """
    path = _url_path(url)
    if "%" in path:
        path = unquote(path)
    if not path.endswith(".tgz"):
        return None
    unscoped = name.rsplit("/", 1)[-1]
    marker = f"/{name}/-/{unscoped}-"
    at = path.rfind(marker)
    if at == -1:
        return None
    version = path[at + len(marker) : -len(".tgz")]
    return version if is_semver(version) else None


@dataclass(slots=True)
class _Entry:
    line: int | None
    direct: bool | None
    scope: str | None
    path: tuple[str, ...]


class ComponentCollector:
    """Accumulates components and skipped entries for one file; see the module docstring."""

    __slots__ = ("_entries", "_skipped", "_skipped_keys", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._skipped: list[Skipped] = []
        self._skipped_keys: set[tuple[str, str]] = set()

    def add(
        self,
        name: str,
        version: str,
        *,
        line: int | None,
        direct: bool | None = None,
        scope: str | None = None,
        path: tuple[str, ...] = (),
    ) -> None:
        key = (normalize_name(ECOSYSTEM, name), version)
        seen = self._entries.get(key)
        if seen is None:
            self._entries[key] = _Entry(line, direct, scope, path)
            return
        if seen.line is None:
            seen.line = line
        if direct is True or (seen.direct is None and direct is False):
            seen.direct = direct
        if scope is not None and (seen.scope is None or SCOPE_RANK[scope] < SCOPE_RANK[seen.scope]):
            seen.scope = scope
        if path and (not seen.path or len(path) < len(seen.path)):
            seen.path = path

    def skip(self, name: str, reason: str, line: int | None) -> None:
        key = (name, reason)
        if key not in self._skipped_keys:
            self._skipped_keys.add(key)
            self._skipped.append(Skipped(name=name, reason=reason, line=line))

    def components(self) -> tuple[Component, ...]:
        source = self.source
        return tuple(
            Component(
                ecosystem=ECOSYSTEM,
                name=name,
                version=version,
                source=source,
                line=entry.line,
                direct=entry.direct,
                scope=entry.scope,
                path=entry.path if all(p.islower() for p in entry.path) else _names(entry.path),
            )
            for (name, version), entry in self._entries.items()
        )

    def skipped(self) -> tuple[Skipped, ...]:
        return tuple(self._skipped)


def _names(path: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize_name(ECOSYSTEM, p) for p in path)


N = TypeVar("N", bound=Hashable)


def shortest_paths(
    starts: Iterable[N],
    edges: Callable[[N], Iterable[N]],
    label: Callable[[N], str],
) -> dict[N, tuple[str, ...]]:
    """Breadth-first shortest dependency paths, as label tuples, from first-hop nodes."""
    paths: dict[N, tuple[str, ...]] = {}
    queue: deque[N] = deque()
    for node in starts:
        if node not in paths:
            paths[node] = (label(node),)
            queue.append(node)
    while queue:
        node = queue.popleft()
        base = paths[node]
        for nxt in edges(node):
            if nxt not in paths:
                paths[nxt] = (*base, label(nxt))
                queue.append(nxt)
    return paths


def reachable(starts: Iterable[N], edges: Callable[[N], Iterable[N]]) -> set[N]:
    """Every node reachable from ``starts`` (included)."""
    seen: set[N] = set()
    stack = [n for n in starts]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(n for n in edges(node) if n not in seen)
    return seen


# --------------------------------------------------------------------------- JSON line finding


class JsonKeyLines:
    """Finds, scanning forward only, the line of each object key of a JSON document.

    Keys must be asked for in document order (``orjson`` keeps object order, so a walk of the
    parsed document in order does that). A key string that also appears as a value is passed
    over because a key must be followed by ``:``; ``opener`` (``b"{"`` or ``b"["``) also
    requires the value to start with that character.
    """

    __slots__ = ("_data", "_line", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0
        self._line = 1

    def line_of(self, key: str, opener: bytes | None = b"{") -> int | None:
        data = self._data
        needle = orjson.dumps(key)
        want = opener[0] if opener else -1
        at = data.find(needle, self._pos)
        while at != -1:
            after = _skip_ws(data, at + len(needle))
            if after < len(data) and data[after] == 0x3A:  # ':'
                if want == -1:
                    break
                value = _skip_ws(data, after + 1)
                if value < len(data) and data[value] == want:
                    break
            at = data.find(needle, at + 1)
        if at == -1:
            # Not written the way orjson writes it (escapes): stop looking, so that a file
            # of such keys cannot make every later search scan to the end.
            self._pos = len(data)
            return None
        self._line += data.count(b"\n", self._pos, at)
        self._pos = at + len(needle)
        return self._line


def _skip_ws(data: bytes, pos: int) -> int:
    end = len(data)
    while pos < end and data[pos] in b" \t\r\n":
        pos += 1
    return pos


def json_error_line(data: bytes, pos: int) -> int:
    """1-based line of byte offset ``pos``."""
    return data.count(b"\n", 0, max(0, pos)) + 1


# --------------------------------------------------------------------------- YAML


#: Lockfiles nest at most five levels; anything far deeper is hostile or broken input.
MAX_YAML_DEPTH: Final = 64

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ScalarEvent = yaml.ScalarEvent
_MappingStartEvent = yaml.MappingStartEvent
_MappingEndEvent = yaml.MappingEndEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_AliasEvent = yaml.AliasEvent
_DocumentStartEvent = yaml.DocumentStartEvent
_DocumentEndEvent = yaml.DocumentEndEvent
_StreamEndEvent = yaml.StreamEndEvent
_NO_KEY: Final = object()


def load_yaml(path: str, data: bytes) -> list[Any]:
    """Parse every YAML document in ``data``; scalars stay strings, mappings are ``YamlMap``.

    Plain scalars are never resolved to numbers, booleans or null (``version: 1.10`` stays
    ``"1.10"``; ``dev: true`` is ``"true"``; an empty value is ``""``). Aliases and merge keys
    are refused, and nesting deeper than ``MAX_YAML_DEPTH`` is refused, each as ``ParseError``.
    """
    fast = read_block_yaml(data)
    if fast is not None:  # plain block mappings (yarn berry): read in one pass, same result
        return [fast]
    return load_yaml_fully(path, data)


def load_yaml_fully(path: str, data: bytes) -> list[Any]:
    """``load_yaml`` through libyaml's events, for any YAML (the reference reader)."""
    loader = _Loader(strip_bom(data))
    documents: list[Any] = []
    # Each frame is [container, pending mapping key or _NO_KEY, line of that key].
    stack: list[list[Any]] = []
    root: Any = None
    try:
        while True:
            event = loader.get_event()
            cls = event.__class__
            if cls is _ScalarEvent:
                value: Any = event.value
            elif cls is _MappingStartEvent or cls is _SequenceStartEvent:
                if len(stack) >= MAX_YAML_DEPTH:
                    raise ParseError(
                        path,
                        f"YAML nesting deeper than {MAX_YAML_DEPTH} levels",
                        line=event.start_mark.line + 1,
                    )
                value = YamlMap() if cls is _MappingStartEvent else []
            elif cls is _MappingEndEvent or cls is _SequenceEndEvent:
                stack.pop()
                continue
            elif cls is _DocumentStartEvent:
                root = None
                continue
            elif cls is _DocumentEndEvent:
                documents.append(root)
                continue
            elif cls is _AliasEvent:
                raise ParseError(
                    path,
                    "YAML aliases are not allowed in a lockfile",
                    line=event.start_mark.line + 1,
                )
            elif cls is _StreamEndEvent or event is None:
                break
            else:  # StreamStartEvent
                continue
            # Attach the new value to its parent.
            if not stack:
                root = value
            else:
                frame = stack[-1]
                parent = frame[0]
                if parent.__class__ is YamlMap:
                    if frame[1] is _NO_KEY:
                        if cls is not _ScalarEvent:
                            raise ParseError(
                                path,
                                "complex (non-scalar) mapping keys are not supported",
                                line=event.start_mark.line + 1,
                            )
                        frame[1] = value
                        frame[2] = event.start_mark.line + 1
                        continue
                    key = frame[1]
                    parent[key] = value
                    parent.lines[key] = frame[2]
                    frame[1] = _NO_KEY
                else:
                    parent.append(value)
            if cls is not _ScalarEvent:
                stack.append([value, _NO_KEY, 0])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ParseError(path, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise ParseError(path, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return documents
