"""pip requirements files (``requirements.txt``, ``requirements-dev.txt``, ``requirements/*.txt``).

The file is read the way pip reads it: a line ending in ``\\`` continues on the next line
(unless it is a comment), ``#`` starts a comment at the start of a line or after whitespace,
and everything from the first token that starts with ``-`` is per-requirement options
(``--hash`` and friends). Each requirement is a PEP 508 string.

* ``name==1.2.3`` and ``name===1.2.3`` (with extras and markers) are components. Markers do not
  drop a component: which environment the file is installed in is not known here, and a
  package that may be installed is reported.
* A requirement that does not pin one version (``name``, ``name>=1``, ``name==1.*``) is
  ``Skipped`` with the reason "not pinned to one version".
* A wheel given by URL or path is a component read from the wheel's file name (PEP 427 names
  carry the exact name and version); any other URL, VCS or local path requirement is
  ``Skipped`` with its reason. ``-e`` of a local directory is the project itself and is not
  reported; ``-e`` of a VCS or URL is ``Skipped``.
* ``-r``/``--requirement`` and ``-c``/``--constraint`` files go to ``ParseResult.includes``;
  a remote one, or one named through an environment variable, is ``Skipped``. pip expands
  ``${VAR}`` when it reads a file; a requirement that uses one is ``Skipped`` since the value is
  not known here.
* ``direct``: a file compiled by pip-compile or ``uv pip compile`` says where each pin comes
  from in ``# via`` annotations: a pin is direct when one of them is ``-r <file>`` or
  ``<project> (pyproject.toml|setup.py|setup.cfg)``, and not direct when they only name other
  packages. Without annotations every pin in the file is a direct requirement of the install.
  ``path`` follows the ``# via`` graph from a direct pin to the package.
* Malformed input is a ``ParseError`` only when the file is not text (a NUL byte, or not
  UTF-8); a line pip would reject is ``Skipped`` with the reason, so one bad line does not hide
  the others.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Final

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from runink.inventory import _claims
from runink.inventory._python_common import (
    ECOSYSTEM,
    DependencyGraph,
    decode_text,
    merge_duplicates,
)
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = ["RequirementsTxtParser"]

_COMMENT: Final = re.compile(r"(^|\s+)#.*$")
_ENV_VAR: Final = re.compile(r"\$\{([A-Z0-9_]+)\}")
_VIA: Final = re.compile(r"^#\s*via\b\s*(.*)$")
_VIA_ITEM: Final = re.compile(r"^#\s{2,}(\S.*?)\s*$")
_PROJECT_ITEM: Final = re.compile(r"^(\S+)\s+\([^()]+\)$")
_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[A-Za-z][A-Za-z0-9+.-]*\+[A-Za-z]")
_EGG: Final = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_ARCHIVE_SUFFIXES: Final = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")
_VCS_PREFIXES: Final = ("git+", "hg+", "svn+", "bzr+")

_REQUIREMENT_OPTIONS: Final = {"-r": "r", "--requirement": "r", "-c": "c", "--constraint": "c"}
_EDITABLE_OPTIONS: Final = ("-e", "--editable")


@dataclass(slots=True)
class _Logical:
    """One logical line: the physical line it starts on, its content and its comment."""

    line: int
    content: str
    comment: str


@dataclass(slots=True)
class _Pin:
    name: str
    version: str
    line: int
    via: list[str] = field(default_factory=list)
    annotated: bool = False


def _logical_lines(text: str) -> list[_Logical]:
    """pip's line joining and comment stripping, keeping the comment for ``# via``."""
    result: list[_Logical] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        is_comment = _COMMENT.match(raw) is not None
        if is_comment or not raw.endswith("\\"):
            if is_comment:
                raw = " " + raw  # a comment line ends a continuation and stays a comment
            if pending:
                pending.append(raw)
                result.append(_split_comment(start, "".join(pending)))
                pending = []
            else:
                result.append(_split_comment(number, raw))
        else:
            if not pending:
                start = number
            pending.append(raw.strip("\\"))
    if pending:
        result.append(_split_comment(start, "".join(pending)))
    return result


def _split_comment(line: int, text: str) -> _Logical:
    m = _COMMENT.search(text)
    if m is None:
        return _Logical(line, text.strip(), "")
    return _Logical(line, text[: m.start()].strip(), m.group(0).strip())


def _option_value(tokens: list[str], option: str) -> str | None:
    """The value of a leading option, in the forms ``-r x``, ``-rx``, ``--req x``, ``--req=x``."""
    head = tokens[0]
    if head == option:
        return tokens[1] if len(tokens) > 1 else None
    if option.startswith("--") and head.startswith(option + "="):
        return head[len(option) + 1 :]
    if not option.startswith("--") and head.startswith(option) and len(head) > len(option):
        return head[len(option) :]
    return None


def _split_requirement(content: str) -> str:
    """pip's split of a requirement line: the tokens before the first one starting with ``-``."""
    args: list[str] = []
    for token in content.split(" "):
        if token.startswith("-"):
            break
        args.append(token)
    return " ".join(args).strip()


def _is_location(spec: str) -> bool:
    """Whether a requirement is a URL or a path rather than a PEP 508 name."""
    if _URL.match(spec):
        return True
    if spec.startswith((".", "/", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", spec):
        return True
    head = spec.split(";", 1)[0].strip()
    return "@" not in head and ("/" in head or "\\" in head or head.endswith(_ARCHIVE_SUFFIXES))


def _location_basename(location: str) -> str:
    no_fragment = location.split("#", 1)[0].split("?", 1)[0]
    return re.split(r"[\\/]", no_fragment.rstrip("/\\"))[-1]


class RequirementsTxtParser:
    """pip requirements files."""

    format = "requirements.txt"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.requirements_txt(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_text(path, data)
        pins: list[_Pin] = []
        skipped: list[Skipped] = []
        includes: list[str] = []
        current: _Pin | None = None
        in_via_list = False
        annotated_file = False

        for logical in _logical_lines(text):
            content, comment = logical.content, logical.comment
            if not content:
                if not comment:
                    current, in_via_list = None, False
                    continue
                via = _VIA.match(comment)
                if via is not None and current is not None:
                    annotated_file = current.annotated = True
                    rest = via.group(1).strip()
                    current.via.extend(_split_via(rest))
                    in_via_list = not rest
                    continue
                item = _VIA_ITEM.match(comment)
                if in_via_list and item is not None and current is not None:
                    current.via.append(item.group(1))
                    continue
                in_via_list = False
                continue

            in_via_list = False
            current = None
            if content.startswith("-"):
                self._option(logical, includes, skipped)
                continue
            pin = self._requirement(logical, skipped)
            if pin is None:
                continue
            via = _VIA.match(comment) if comment else None
            if via is not None:
                annotated_file = pin.annotated = True
                pin.via.extend(_split_via(via.group(1).strip()))
            pins.append(pin)
            current = pin

        return ParseResult(
            components=_components(path, pins, annotated_file),
            skipped=tuple(skipped),
            includes=tuple(dict.fromkeys(includes)),
        )

    @staticmethod
    def _option(logical: _Logical, includes: list[str], skipped: list[Skipped]) -> None:
        try:
            tokens = shlex.split(logical.content)
        except ValueError:
            tokens = logical.content.split()
        if not tokens:
            return
        for option, kind in _REQUIREMENT_OPTIONS.items():
            value = _option_value(tokens, option)
            if value is None:
                continue
            what = "requirements" if kind == "r" else "constraints"
            if _ENV_VAR.search(value):
                skipped.append(
                    Skipped(
                        value,
                        f"{what} file named through an environment variable, which is not "
                        "known when reading the file",
                        logical.line,
                    )
                )
            elif _URL.match(value):
                skipped.append(Skipped(value, f"remote {what} file is not read", logical.line))
            else:
                includes.append(value)
            return
        for option in _EDITABLE_OPTIONS:
            value = _option_value(tokens, option)
            if value is None:
                continue
            egg = _EGG.search(value)
            name = normalize_name(ECOSYSTEM, egg.group(1)) if egg else value
            if value.startswith(_VCS_PREFIXES):
                skipped.append(
                    Skipped(name, "editable VCS checkout, no released version", logical.line)
                )
            elif _URL.match(value):
                skipped.append(Skipped(name, "editable URL, no released version", logical.line))
            # Otherwise an editable local directory: the project's own code, not a dependency.
            return
        # Any other option (--index-url, --hash, --find-links, --pre, ...) installs nothing.

    @staticmethod
    def _requirement(logical: _Logical, skipped: list[Skipped]) -> _Pin | None:
        spec = _split_requirement(logical.content)
        line = logical.line
        if not spec:
            return None
        env = _ENV_VAR.search(spec)
        if env is not None:
            skipped.append(
                Skipped(
                    _name_hint(spec),
                    f"uses environment variable ${{{env.group(1)}}}, which is not known when "
                    "reading the file",
                    line,
                )
            )
            return None
        if _is_location(spec):
            return _from_location(spec, None, line, skipped)
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            reason = str(exc).splitlines()[0]
            skipped.append(Skipped(_name_hint(spec), f"invalid requirement: {reason}", line))
            return None
        name = normalize_name(ECOSYSTEM, req.name)
        if req.url:
            return _from_location(req.url, name, line, skipped)
        pinned = {
            s.version
            for s in req.specifier
            if s.operator == "===" or (s.operator == "==" and not s.version.endswith(".*"))
        }
        if len(pinned) != 1:
            skipped.append(Skipped(name, "not pinned to one version", line))
            return None
        return _Pin(name, pinned.pop(), line)


def _name_hint(spec: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return normalize_name(ECOSYSTEM, m.group(1)) if m else spec


def _from_location(
    location: str, name: str | None, line: int, skipped: list[Skipped]
) -> _Pin | None:
    """A requirement given by URL or path: a wheel names its version; anything else is skipped."""
    location = location.split(";", 1)[0].strip()
    basename = _location_basename(location)
    if basename.endswith(".whl"):
        try:
            wheel_name, wheel_version, _, _ = parse_wheel_filename(basename)
        except InvalidWheelFilename:
            pass
        else:
            normalized = normalize_name(ECOSYSTEM, str(wheel_name))
            if name is None or name == normalized:
                return _Pin(normalized, str(wheel_version), line)
            skipped.append(
                Skipped(name, f"wheel file {basename} is for {normalized}, not {name}", line)
            )
            return None
    if name is None:
        egg = _EGG.search(location)
        name = normalize_name(ECOSYSTEM, egg.group(1)) if egg else location
    if location.startswith(_VCS_PREFIXES):
        reason = "VCS requirement, no released version"
    elif _URL.match(location) and not location.startswith("file:"):
        reason = "direct URL requirement, the version is not known"
    else:
        reason = "local path requirement, the version is not known"
    skipped.append(Skipped(name, reason, line))
    return None


def _split_via(rest: str) -> list[str]:
    return [item.strip() for item in rest.split(",") if item.strip()] if rest else []


def _components(path: str, pins: list[_Pin], annotated_file: bool) -> tuple[Component, ...]:
    if not pins:
        return ()
    index: dict[str, list[int]] = {}
    for i, pin in enumerate(pins):
        index.setdefault(pin.name, []).append(i)
    graph = DependencyGraph(len(pins))
    direct: list[bool | None] = []
    for i, pin in enumerate(pins):
        if not annotated_file:
            direct.append(True)
            continue
        if not pin.annotated:
            direct.append(None)
            continue
        is_direct = False
        has_parent = False
        for item in pin.via:
            if item.startswith("-r ") or item.startswith("--requirement"):
                is_direct = True
            elif item.startswith("-"):
                continue  # -c constraints, --override ...: say where a pin came from, not why
            elif _PROJECT_ITEM.match(item):
                is_direct = True
            else:
                parent = normalize_name(ECOSYSTEM, item.split("[", 1)[0])
                for j in index.get(parent, ()):
                    graph.add(j, i)
                has_parent = True
        direct.append(True if is_direct else (False if has_parent else None))
    starts = [i for i, d in enumerate(direct) if d is True]
    paths = graph.shortest(starts)
    out: list[Component] = []
    for i, pin in enumerate(pins):
        nodes = paths[i]
        out.append(
            Component(
                ecosystem=ECOSYSTEM,
                name=pin.name,
                version=pin.version,
                source=path,
                line=pin.line,
                direct=direct[i],
                path=tuple(pins[n].name for n in nodes) if nodes else (),
            )
        )
    return merge_duplicates(out)
