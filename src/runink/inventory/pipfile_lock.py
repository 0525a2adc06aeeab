"""``Pipfile.lock``: Pipenv's lockfile (JSON, ``pipfile-spec`` 6).

The top-level object holds ``_meta`` and one object per package category: ``default`` (what
``pipenv install`` installs: scope ``runtime``), ``develop`` (``--dev``: scope ``dev``) and,
since Pipenv 2023, any custom category (``pipenv install --categories docs``), which is
installed only on request like ``develop``: scope ``dev``.

Each entry maps a package name to its lock data. ``"version": "==1.2.3"`` (or ``===``) is the
pinned version. An entry without a version (``git``/``path``/``file`` sources, editable
checkouts) is ``Skipped`` with the reason. A package listed in several categories at one
version is reported once, with the strongest scope.

Pipfile.lock records no dependency graph and does not say which packages the Pipfile asked for,
so ``direct`` is None and ``path`` is empty.
"""

from __future__ import annotations

import re
from typing import Any, Final

import orjson

from runink.errors import ParseError
from runink.inventory import _claims
from runink.inventory._python_common import (
    ECOSYSTEM,
    bad_name_skip,
    decode_text,
    merge_duplicates,
    valid_name,
)
from runink.inventory.base import ParseResult
from runink.model.component import Component, Skipped
from runink.model.ecosystems import normalize_name

__all__ = ["PipfileLockParser"]

_SCOPES: Final = {"default": "runtime", "develop": "dev"}

# JSON tokens that matter for finding where keys are: strings (with a following colon when they
# are keys) and the brackets that open and close objects and arrays.
_TOKEN: Final = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"(\s*:)?|[{}\[\]]')


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """The line of every key two levels deep: ``(category, package) -> line``."""
    result: dict[tuple[str, str], int] = {}
    depth = 0
    category = ""
    line = 1
    last = 0
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token in "{[":
            depth += 1
            continue
        if token in "}]":
            depth -= 1
            continue
        if m.group(2) is None or depth not in (1, 2):
            continue
        key = m.group(1)
        if "\\" in key:
            key = orjson.loads(f'"{key}"')
        line += text.count("\n", last, m.start())
        last = m.start()
        if depth == 1:
            category = key
            result.setdefault(("", key), line)
        else:
            result.setdefault((category, key), line)
    return result


def _pinned(version: str) -> str | None:
    for operator in ("===", "=="):
        if version.startswith(operator):
            pinned = version[len(operator) :].strip()
            return pinned if pinned and not pinned.endswith(".*") else None
    return None


class PipfileLockParser:
    """Pipenv's ``Pipfile.lock``."""

    format = "Pipfile.lock"

    def claims(self, filename: str, head: bytes) -> bool:
        return _claims.pipfile_lock(filename, head)

    def parse(self, path: str, data: bytes) -> ParseResult:
        text = decode_text(path, data)
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            reason = exc.msg.split(": line ", 1)[0]
            raise ParseError(path, f"invalid JSON: {reason}", line=exc.lineno) from None
        if not isinstance(doc, dict):
            raise ParseError(path, "not a Pipfile.lock: the top level is not a JSON object", line=1)
        lines = _key_lines(text)
        components: list[Component] = []
        skipped: list[Skipped] = []
        for category, entries in doc.items():
            if category == "_meta":
                continue
            if not isinstance(entries, dict):
                raise ParseError(
                    path,
                    f"{category}: a package category must be a JSON object",
                    line=lines.get(("", category)),
                )
            scope = _SCOPES.get(category, "dev")
            for raw_name, entry in entries.items():
                line = lines.get((category, raw_name))
                if not valid_name(raw_name):
                    skipped.append(bad_name_skip(raw_name, line))
                    continue
                name = normalize_name(ECOSYSTEM, raw_name)
                if not isinstance(entry, dict):
                    skipped.append(Skipped(name, f"{category}: entry is not an object", line))
                    continue
                component = _component(path, name, entry, scope, line, skipped)
                if component is not None:
                    components.append(component)
        return ParseResult(components=merge_duplicates(components), skipped=tuple(skipped))


def _component(
    path: str,
    name: str,
    entry: dict[str, Any],
    scope: str,
    line: int | None,
    skipped: list[Skipped],
) -> Component | None:
    version = entry.get("version")
    if not isinstance(version, str):
        kind = next((k for k in ("git", "hg", "svn", "bzr", "path", "file") if k in entry), None)
        what = f"{kind} source" if kind else "entry"
        skipped.append(Skipped(name, f"no version recorded ({what})", line))
        return None
    pinned = _pinned(version.strip())
    if pinned is None:
        skipped.append(Skipped(name, f"version {version!r} is not pinned to one version", line))
        return None
    return Component(
        ecosystem=ECOSYSTEM,
        name=name,
        version=pinned,
        source=path,
        line=line,
        direct=None,
        scope=scope,
    )
