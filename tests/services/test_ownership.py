"""Owner routing: artifact metadata, then the ownership map, then SBOM metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.errors import UsageError
from runink.services.ownership import OwnershipRule, parse_ownership, resolve_owners

RULES = (
    OwnershipRule("payments-*", "payments", ("payments-oncall@org.com",)),
    OwnershipRule("services/search/**", "search", ("search@org.com",)),
    OwnershipRule("*", "platform", ()),
)


def test_artifact_metadata_wins() -> None:
    owners = resolve_owners(
        artifact_name="payments-api",
        artifact_path=None,
        owners=["alice@org.com"],
        maintainer_email="bob@org.com",
        team_label="team-payments",
        rules=RULES,
    )
    assert owners.emails == ("alice@org.com", "bob@org.com")
    assert owners.team == "team-payments"
    assert (owners.emails_from, owners.team_from) == ("artifact", "artifact")


def test_ownership_map_by_name_then_by_path() -> None:
    by_name = resolve_owners(artifact_name="payments-api", artifact_path=None, rules=RULES)
    assert by_name.emails == ("payments-oncall@org.com",) and by_name.team == "payments"
    by_path = resolve_owners(
        artifact_name="search", artifact_path=Path("services/search/api"), rules=RULES
    )
    assert by_path.emails == ("search@org.com",) and by_path.team_from == "ownership map"


def test_map_fills_only_what_the_artifact_lacks() -> None:
    owners = resolve_owners(
        artifact_name="payments-api", artifact_path=None, team="core", rules=RULES
    )
    assert owners.team == "core"
    assert owners.emails == ("payments-oncall@org.com",)


def test_sbom_metadata_is_the_last_resort() -> None:
    meta = {"contact_emails": "sec@vendor.example, ops@vendor.example"}
    owners = resolve_owners(artifact_name="x", artifact_path=None, sbom_metadata=meta)
    assert owners.emails == ("sec@vendor.example", "ops@vendor.example")
    assert owners.emails_from == "sbom"
    nobody = resolve_owners(artifact_name="x", artifact_path=None)
    assert nobody.emails == () and nobody.team is None


def test_config_section_is_validated_with_the_field_named() -> None:
    rules = parse_ownership(
        {"ownership": [{"match": "a-*", "team": "a", "emails": "a@org.com"}]}, "config.yaml"
    )
    assert rules == (OwnershipRule("a-*", "a", ("a@org.com",)),)
    with pytest.raises(UsageError, match=r"config.yaml: ownership\[0\].emails"):
        parse_ownership({"ownership": [{"match": "a", "emails": ["not-an-email"]}]}, "config.yaml")
    with pytest.raises(UsageError, match=r"ownership\[0\]: unknown key 'owner'"):
        parse_ownership({"ownership": [{"match": "a", "owner": "x"}]}, "config.yaml")
