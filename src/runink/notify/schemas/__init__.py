"""The JSON Schemas (draft 2020-12) of the versioned notification payloads.

``runink.alert/v1`` is the generic webhook body, ``runink.ticket/v1`` the ticket body; the
ticket schema refers to the alert schema's ``alert`` definition by its ``$id``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

__all__ = ["SCHEMA_FILES", "load_schema"]

#: Payload schema name → file in this package.
SCHEMA_FILES: Final = {
    "runink.alert/v1": "alert-v1.schema.json",
    "runink.ticket/v1": "ticket-v1.schema.json",
}


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a payload schema name such as ``runink.alert/v1``."""
    text = resources.files(__package__).joinpath(SCHEMA_FILES[name]).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
