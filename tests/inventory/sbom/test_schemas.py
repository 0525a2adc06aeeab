"""The CycloneDX and SPDX fixtures we author are valid against the official JSON schemas.

Only well-formed documents are checked (the ``malformed-*``, ``not-*`` and ``empty`` fixtures
are broken on purpose). Schemas exist here for CycloneDX 1.5 and 1.6 and SPDX 2.3; fixtures in
other versions (the SPDX 2.2 ``one-package.spdx.json``) are exercised by the parser tests only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import validators
from referencing import Registry, Resource

from tests.conftest import shared_path
from tests.inventory.sbom.conftest import FIXTURES

CYCLONEDX_FIXTURES = [
    "one-package.cdx.json",
    "many-packages.cdx.json",
    "no-components.cdx.json",
    "vex-only.cdx.json",
]
SPDX_FIXTURES = ["many-packages.spdx.json"]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _errors(schema: dict[str, Any], document: object, registry: Registry[Any]) -> list[str]:
    validator_class = validators.validator_for(schema)
    validator = validator_class(schema, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", CYCLONEDX_FIXTURES)
def test_cyclonedx_fixture_is_schema_valid(name: str) -> None:
    folder = shared_path("schemas", "cyclonedx")
    registry: Registry[Any] = Registry()
    for path in folder.glob("*.schema.json"):
        schema = _load(path)
        resource = Resource.from_contents(schema)
        registry = registry.with_resource(schema["$id"], resource).with_resource(
            path.name, resource
        )
    document = _load(FIXTURES / name)
    schema = _load(folder / f"bom-{document['specVersion']}.schema.json")
    assert _errors(schema, document, registry) == []


@pytest.mark.shared_data
@pytest.mark.parametrize("name", SPDX_FIXTURES)
def test_spdx_fixture_is_schema_valid(name: str) -> None:
    schema = _load(shared_path("schemas", "spdx-2.3-schema.json"))
    document = _load(FIXTURES / name)
    assert document["spdxVersion"] == "SPDX-2.3"
    assert _errors(schema, document, Registry()) == []


@pytest.mark.shared_data
def test_the_validation_catches_an_invalid_document() -> None:
    folder = shared_path("schemas", "cyclonedx")
    registry: Registry[Any] = Registry()
    for path in folder.glob("*.schema.json"):
        schema = _load(path)
        registry = registry.with_resource(path.name, Resource.from_contents(schema))
    document = _load(FIXTURES / "one-package.cdx.json")
    document["components"][0]["scope"] = "sometimes"
    schema = _load(folder / "bom-1.6.schema.json")
    assert any("sometimes" in e for e in _errors(schema, document, registry))
