"""Shared bits of the Python inventory tests: where the fixtures are and how to read them."""

from __future__ import annotations

from pathlib import Path

from runink.inventory.base import Parser, ParseResult
from runink.model.component import Component

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def parse_fixture(parser: Parser, *parts: str) -> ParseResult:
    path = FIXTURES.joinpath(*parts)
    return parser.parse(f"fixtures/{'/'.join(parts)}", path.read_bytes())


def by_key(result: ParseResult) -> dict[tuple[str, str], Component]:
    """Components by (name, version); fails the test if a key repeats."""
    out: dict[tuple[str, str], Component] = {}
    for comp in result.components:
        key = (comp.name, comp.version)
        assert key not in out, f"duplicate component {key}"
        out[key] = comp
    return out


def names_versions(result: ParseResult) -> list[tuple[str, str]]:
    return [(c.name, c.version) for c in result.components]
