"""``LineIndex(..., counted=True)`` (the scan stops once each wanted value has been seen as many
times as it will be asked for) against the full scan and the frozen reference.

The SPDX 2 JSON parser asks for the line of each package's ``SPDXID`` once per package, in
document order; the counted index must hand out exactly the lines the full index would, for
every real SPDX JSON document in ../shared/data/sbom (skipped when absent) and for generated
documents with repeated values, escapes, values named before or after their packages, and
pairs that are not wanted.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runink.inventory._sbom_common import LineIndex, _prefixes
from tests.inventory.sbom._reference_spdx.sbom_common import LineIndex as RefLineIndex
from tests.inventory.sbom.test_spdx_differential import id_documents, real_files


def same_lines(doc: bytes, asked: list[str | None]) -> None:
    """The counted index's ``take_all`` of ``asked`` is the full index's, the uncounted
    restricted index's, and the reference's ``take`` of each value in turn."""
    wanted = [value for value in asked if value is not None]
    counted = LineIndex(doc, ("SPDXID",), wanted, counted=True).take_all("SPDXID", asked)
    full = LineIndex(doc, ("SPDXID",)).take_all("SPDXID", asked)
    restricted = LineIndex(doc, ("SPDXID",), wanted).take_all("SPDXID", asked)
    reference = RefLineIndex(doc, ("SPDXID",), wanted)
    expected = [reference.take("SPDXID", value) for value in asked]
    assert counted == full == restricted == expected


@settings(max_examples=1500, deadline=None)
@given(id_documents(), st.randoms(use_true_random=False))
def test_generated_documents(case: tuple[bytes, list[str]], rng: random.Random) -> None:
    doc, wanted = case
    asked: list[str | None] = [*wanted, None, *rng.sample(wanted, len(wanted) // 2)]
    rng.shuffle(asked)
    same_lines(doc, asked)


@st.composite
def package_documents(draw: st.DrawFn) -> tuple[bytes, list[str | None]]:
    """An SPDX-like document: ids named before the packages (documentDescribes), the
    packages' ids (some repeated, some escaped), then files and relationships naming them."""
    ids = draw(
        st.lists(
            st.sampled_from(["SPDXRef-Package-a", "SPDXRef-Package-b", "SPDXRef-x", "a\\b", "é"])
            | st.text('ab-\\"é', max_size=5),
            max_size=10,
        )
    )
    ascii_only = draw(st.booleans())
    early = draw(st.lists(st.sampled_from(ids or ["x"]), max_size=3))
    parts = [
        json.dumps({"SPDXID": value}, ensure_ascii=ascii_only)
        for value in [*early, *ids, *draw(st.lists(st.sampled_from(ids or ["y"]), max_size=4))]
    ]
    parts += [json.dumps({"spdxElementId": value}) for value in ids[:2]]
    sep = draw(st.sampled_from([",", ",\n", "\n,\n  "]))
    doc = ("[" + sep.join(parts) + "]").encode("utf-8")
    asked: list[str | None] = [*ids, *draw(st.lists(st.none(), max_size=2))]
    return doc, asked


@settings(max_examples=1500, deadline=None)
@given(package_documents())
def test_generated_package_documents(case: tuple[bytes, list[str | None]]) -> None:
    same_lines(*case)


def test_real_spdx_documents() -> None:
    files = real_files()
    if not files:
        pytest.skip("no SBOM in ../shared/data/sbom")
    rng = random.Random(3)
    checked = 0
    for name, data in files:
        if not name.endswith(".json") or b'"spdxVersion"' not in data:
            continue
        try:
            doc = json.loads(data)
        except ValueError:
            continue
        packages = doc.get("packages") if isinstance(doc, dict) else None
        if not isinstance(packages, list):
            continue
        ids: list[str | None] = [
            value.strip() or None if isinstance(value := p.get("SPDXID"), str) else None
            for p in packages
            if isinstance(p, dict)
        ]
        same_lines(data, ids)  # as the parser asks
        present = [value for value in ids if value is not None]
        if present:
            repeated = [*ids, *rng.sample(present, min(len(present), 5))]
            same_lines(data, repeated)
        checked += 1
    assert checked > 20


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text('ab-\\"é\ud800', max_size=8), max_size=20))
def test_prefixes_cover_every_value_written_without_escapes(values: list[str]) -> None:
    starts = _prefixes(values)
    if starts is None:
        return
    for value in values:
        if "\\" in value or '"' in value:
            continue
        try:
            raw = value.encode("utf-8")
        except UnicodeEncodeError:
            continue  # only an escape can spell a lone surrogate
        assert raw.startswith(tuple(starts)), value
