"""Canonical JSON: RFC 8785 (JSON Canonicalization Scheme), via the ``rfc8785`` package.

Ledger payloads are hashed as their canonical form, so two programs that agree on the data
agree on the bytes. The rules (docs/ledger-format.md, "Canonical JSON"): objects with string
keys sorted by their UTF-16 code units, no whitespace, strings with the minimal JSON escapes
and UTF-8 for everything else, numbers in ECMAScript's shortest round-trip form, integers only
within ±(2**53 - 1) (I-JSON), no NaN or infinities.

``rfc8785`` (Trail of Bits) is a small, typed, pure-Python implementation of exactly that
RFC, with the RFC's own test vectors in its suite; writing one here would only add a place for
number-formatting bugs. This module adds what it does not do: refuse values that are not JSON
with the *field path* at fault, so an appender learns where its payload is wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Final

import rfc8785

from runink.errors import InputError

#: I-JSON (RFC 7493) and RFC 8785: integers beyond this lose precision in other languages.
MAX_SAFE_INTEGER: Final = 2**53 - 1


def check_json_value(value: Any, path: str) -> None:
    """Raise ``InputError`` naming ``path`` if ``value`` is not canonicalizable JSON."""
    if value is None or isinstance(value, bool | str):
        if isinstance(value, str):
            _check_text(value, path)
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise InputError(f"{path}: integer {value} is outside ±(2**53 - 1) (RFC 8785)")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{path}: {value} is not a JSON number")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_json_value(item, f"{path}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{path}: key {key!r} is not a string")
            _check_text(key, f"{path}.{key}")
            check_json_value(item, f"{path}.{key}")
        return
    raise InputError(f"{path}: a {type(value).__name__} is not a JSON value")


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{path}: text contains a lone surrogate (not UTF-8)") from None


def canonical_json(value: Mapping[str, Any], path: str = "payload") -> str:
    """The RFC 8785 form of a JSON object, as text (hash its UTF-8 encoding)."""
    check_json_value(value, path)
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:  # pragma: no cover - checked above
        raise InputError(f"{path}: {exc}") from None


def parse_object(text: str, path: str) -> dict[str, Any]:
    """Parse stored canonical JSON back into a dict (for display and bundles)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON: {exc.msg} at offset {exc.pos}") from None
    if not isinstance(value, dict):
        raise InputError(f"{path}: not a JSON object")
    return value
