"""Helpers shared by the ecosystem parser tests."""

from __future__ import annotations

from pathlib import Path

from runink.inventory.base import Parser, ParseResult
from runink.model.component import Component

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def parse_fixture(parser: Parser, *parts: str) -> ParseResult:
    path = fixture(*parts)
    return parser.parse(f"fixtures/{'/'.join(parts)}", path.read_bytes())


def by_name(result: ParseResult) -> dict[str, Component]:
    """Components keyed by name (the fixtures hold one version per name unless said)."""
    out = {c.name: c for c in result.components}
    assert len(out) == len(result.components), "fixture has one name at two versions"
    return out


def keys(result: ParseResult) -> list[tuple[str, str]]:
    return [(c.name, c.version) for c in result.components]
