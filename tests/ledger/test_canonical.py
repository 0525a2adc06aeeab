"""Canonical JSON (RFC 8785): the RFC's own examples, and refusals that name the field."""

from __future__ import annotations

import json

import pytest

from runink.errors import InputError
from runink.ledger.canonical import canonical_json


def test_rfc8785_section_3_2_2_example() -> None:
    text = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    assert canonical_json(json.loads(text)) == (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )


def test_rfc8785_sorts_keys_by_utf16_code_units() -> None:
    keys = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    canonical = canonical_json({k: i for i, k in enumerate(keys)})
    assert list(json.loads(canonical)) == [
        "\r",
        "1",
        "\u0080",
        "\u00f6",
        "\u20ac",
        "\U0001f600",
        "\ufb33",
    ]


def test_same_data_same_bytes_whatever_the_input_order() -> None:
    a = {"b": [1, 2.0, {"y": None, "x": True}], "a": "é"}
    b = {"a": "é", "b": (1, 2, {"x": True, "y": None})}
    assert canonical_json(a) == canonical_json(b) == '{"a":"é","b":[1,2,{"x":true,"y":null}]}'


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"n": 2**53}, r"payload\.n: integer 9007199254740992 is outside ±\(2\*\*53 - 1\)"),
        ({"a": [1, float("nan")]}, r"payload\.a\[1\]: nan is not a JSON number"),
        ({"a": {"b": float("inf")}}, r"payload\.a\.b: inf is not a JSON number"),
        ({"a": {1: "x"}}, r"payload\.a: key 1 is not a string"),
        ({"when": {1, 2}}, r"payload\.when: a set is not a JSON value"),
        ({"s": "\ud800"}, r"payload\.s: text contains a lone surrogate"),
    ],
)
def test_non_json_values_are_refused_with_their_path(
    payload: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        canonical_json(payload)
