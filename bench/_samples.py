"""What the parse-rate benchmark times: (parser, path shown, bytes) samples, and the helpers
the converters share."""

from __future__ import annotations

from typing import Any

Sample = tuple[Any, str, bytes]  # (parser, path shown in messages, bytes)


class Labelled:
    """A parser shown under another row label (its ``parse`` is the parser's own method, so
    the timing carries no extra call)."""

    def __init__(self, parser: Any, label: str) -> None:
        self.format = label
        self.parse = parser.parse


def package_keys(parser: Any, path: str, data: bytes) -> set[tuple[str, str, str, str]]:
    """(ecosystem, name, version, purl) of every component a document yields."""
    result = parser.parse(path, data)
    return {(c.ecosystem, c.name, c.version, c.purl) for c in result.components}
