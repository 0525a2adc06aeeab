"""``Finding``: a component plus shared details, behaving as the frozen dataclass it replaced."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from runink.model.component import Component
from runink.model.finding import FINDING_FIELDS, Finding, FindingDetails, MatchReason

COMPONENT = Component("PyPI", "django", "4.2.0", source="requirements.txt", line=3)
REASON = MatchReason("GHSA-x", 0, "PyPI", "range", 0, "ECOSYSTEM", "0", "4.2.11", "fixed")
VALUES: dict[str, object] = {
    "id": "CVE-2024-27351",
    "aliases": ("CVE-2024-27351", "GHSA-x"),
    "advisories": ("GHSA-x",),
    "summary": "ReDoS in Truncator.words()",
    "score": 7.5,
    "severity": "HIGH",
    "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    "fixed": "4.2.11",
    "reasons": (REASON,),
    "published": "2024-03-04T00:00:00Z",
    "modified": "2024-03-05T00:00:00Z",
}


def make(component: Component = COMPONENT, **changes: object) -> Finding:
    return Finding(component, **{**VALUES, **changes})  # type: ignore[arg-type]


def test_fields_read_as_given_positionally_or_by_keyword() -> None:
    by_keyword = make()
    positional = Finding(COMPONENT, *VALUES.values())  # type: ignore[arg-type]
    assert ("component", *VALUES) == FINDING_FIELDS
    for finding in (by_keyword, positional):
        assert finding.component is COMPONENT
        assert {name: getattr(finding, name) for name in VALUES} == VALUES
    assert by_keyword == positional


def test_optional_dates_default_to_none() -> None:
    finding = Finding(COMPONENT, "CVE-1", ("CVE-1",), ("A",), "", None, None, None, None, ())
    assert (finding.published, finding.modified) == (None, None)


def test_of_shares_details_and_equals_the_constructed_finding() -> None:
    details = FindingDetails(**VALUES)  # type: ignore[arg-type]
    finding = Finding.of(COMPONENT, details)
    assert finding.details is details
    assert finding == make() and hash(finding) == hash(make())
    assert finding.id == details.id and finding.reasons == (REASON,)


def test_equality_and_hash_are_by_value_over_every_field() -> None:
    assert make() == make() and hash(make()) == hash(make())
    assert make() != make(fixed=None)
    assert make() != make(reasons=())
    assert make() != make(Component("PyPI", "django", "4.2.0", source="other.txt"))
    assert make() != "not a finding"
    assert len({make(), make(), make(score=9.8)}) == 2


def test_immutable() -> None:
    finding = make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.id = "CVE-2"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.component = COMPONENT  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del finding.details
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.details.fixed = "5"  # type: ignore[misc]
    assert not hasattr(finding, "__dict__")


def test_dataclass_functions_still_apply() -> None:
    finding = make()
    assert dataclasses.is_dataclass(finding)
    assert tuple(f.name for f in dataclasses.fields(finding)) == FINDING_FIELDS
    other = Component("PyPI", "django", "4.2.0", source="b/requirements.txt")
    moved = dataclasses.replace(finding, component=other)
    assert moved.component is other and moved.details == finding.details
    assert dataclasses.replace(finding, fixed=None).fixed is None
    as_dict = dataclasses.asdict(finding)
    assert as_dict["id"] == VALUES["id"] and as_dict["component"]["source"] == "requirements.txt"


def test_repr_pickle_copy_and_match() -> None:
    finding = make()
    assert repr(finding).startswith("Finding(component=Component(")
    assert "id='CVE-2024-27351'" in repr(finding) and repr(finding).endswith(")")
    for clone in (
        pickle.loads(pickle.dumps(finding)),
        copy.copy(finding),
        copy.deepcopy(finding),
    ):
        assert clone == finding and isinstance(clone, Finding)
    match finding:
        case Finding(component, vuln_id):
            assert (component, vuln_id) == (COMPONENT, "CVE-2024-27351")
        case _:  # pragma: no cover
            pytest.fail("no match")


def test_sort_key_orders_by_score_then_purl_then_id() -> None:
    low = make(score=None, id="CVE-2")
    high = make(score=9.8)
    assert high.sort_key == (-9.8, "pkg:pypi/django@4.2.0", "CVE-2024-27351")
    assert sorted([low, high], key=lambda f: f.sort_key) == [high, low]
