"""Reading "A < B" vector files and univers' JSON comparison files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

OPERATORS = {"<": -1, "=": 0, ">": 1}


@dataclass(frozen=True, slots=True)
class Vector:
    """One expected comparison: ``sign(compare(left, right)) == expected``."""

    source: str
    line: int
    left: str
    right: str
    expected: int

    def __str__(self) -> str:
        op = {-1: "<", 0: "=", 1: ">"}[self.expected]
        return f"{self.source}:{self.line}: {self.left} {op} {self.right}"

    @property
    def text(self) -> str:
        op = {-1: "<", 0: "=", 1: ">"}[self.expected]
        return f"{self.left} {op} {self.right}"


def read_vectors(path: Path) -> list[Vector]:
    """Lines ``A < B`` / ``A = B`` / ``A > B``; blank lines and ``#`` or ``//`` comments skipped."""
    vectors: list[Vector] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[1] not in OPERATORS:
            raise ValueError(f"{path}:{number}: not 'A <|=|> B': {raw!r}")
        vectors.append(Vector(path.name, number, parts[0], parts[2], OPERATORS[parts[1]]))
    return vectors


def read_univers_json(path: Path) -> list[Vector]:
    """univers' ``*_version_cmp.json``: "comparison" lists sorted ascending, "equality" pairs."""
    vectors: list[Vector] = []
    for number, case in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        versions = case["input"]["versions"]
        if case["test_type"] == "equality":
            expected = 0 if case["expected_output"] else None
            if expected is None:
                continue  # "not equal" says nothing about the direction
            vectors.append(Vector(path.name, number, versions[0], versions[1], expected))
        else:
            ordered = case["expected_output"]
            for lower, higher in pairwise(ordered):
                vectors.append(Vector(path.name, number, lower, higher, -1))
    return vectors
