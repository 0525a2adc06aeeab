"""docs/policy-language.md stays true: every field and action is documented, and the complete
policy examples in it check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runink.policy import ACTIONS, FIELDS, parse_policy_text

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy-language.md"
TEXT = DOC.read_text(encoding="utf-8")


def test_every_field_is_documented() -> None:
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_.A-Z]+)` \|", TEXT, flags=re.MULTILINE)
    documented = {r for r in rows if r.split(".")[0] in ("cve", "package", "artifact", "team")}
    canonical = {n for n in FIELDS if n.split(".")[0] in ("cve", "package", "artifact", "team")}
    assert canonical - documented == set()
    assert documented - canonical == {"artifact.labels.KEY"}


def test_every_action_and_parameter_is_documented() -> None:
    for spec in ACTIONS.values():
        row = next(line for line in TEXT.splitlines() if line.startswith(f"| `{spec.name}` |"))
        for parameter in spec.parameters:
            assert f"`{parameter}`" in row, (spec.name, parameter)


EXAMPLES = [
    block
    for block in re.findall(r"```yaml\n(.*?)```", TEXT, flags=re.DOTALL)
    if re.match(r"(artifact|trigger|triggers|exceptions):", block)
]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.split(":")[0] for e in EXAMPLES])
def test_complete_examples_check(example: str) -> None:
    parse_policy_text(example, "docs/policy-language.md")


def test_the_examples_include_the_seed() -> None:
    assert len(EXAMPLES) >= 2
    assert (
        'when: cve.score >= 8 AND cve.package = "openssl" AND image.environment = "prod"'
        in EXAMPLES[0]
    )
