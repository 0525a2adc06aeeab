from __future__ import annotations

import pytest

from runink.errors import ParseError
from runink.inventory.terraform_lock import TerraformLockParser

from ._util import keys, parse_fixture

P = TerraformLockParser()


def test_claims() -> None:
    assert P.claims(".terraform.lock.hcl", b"")
    assert not P.claims("main.tf", b"")


def test_comments_only() -> None:
    result = parse_fixture(P, "terraform_lock", "empty.hcl")
    assert result.components == () and result.skipped == ()
    assert P.parse(".terraform.lock.hcl", b"").components == ()


def test_one_provider() -> None:
    result = parse_fixture(P, "terraform_lock", "one-provider.hcl")
    [aws] = result.components
    assert (aws.ecosystem, aws.name, aws.version, aws.line) == (
        "Terraform",
        "registry.terraform.io/hashicorp/aws",
        "5.31.0",
        4,
    )
    assert aws.direct is None and aws.scope is None


def test_many_providers() -> None:
    result = parse_fixture(P, "terraform_lock", "many-providers.hcl")
    assert keys(result) == [
        ("registry.terraform.io/hashicorp/random", "3.6.0"),
        ("registry.opentofu.org/hashicorp/kubernetes", "2.25.2"),  # addresses lower-cased
    ]
    assert [c.line for c in result.components] == [4, 13]
    assert [(s.name, s.line) for s in result.skipped] == [("example.com/acme/internal", 19)]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-unclosed.hcl", 5, "never closed"),
        ("malformed-attribute.hcl", 2, "unexpected character"),
        ("malformed-string.hcl", 2, "string is never closed"),
    ],
)
def test_malformed(name: str, line: int, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_fixture(P, "terraform_lock", name)
    assert info.value.line == line
    assert message in info.value.message


def test_duplicate_attribute_and_top_level_attribute() -> None:
    with pytest.raises(ParseError, match="set twice") as info:
        P.parse("x", b'provider "a/b/c" {\n  version = "1"\n  version = "2"\n}\n')
    assert info.value.line == 3
    with pytest.raises(ParseError, match="top-level attribute"):
        P.parse("x", b'version = "1"\n')
