"""The ledger documents stay true: every kind documented, every worked-example value current."""

from __future__ import annotations

from pathlib import Path

from runink.ledger.kinds import KINDS

from .worked_example import worked_example

DOCS = Path(__file__).resolve().parents[2] / "docs"


def kinds_table() -> str:
    lines = [
        "| kind | when | subject (required) | payload fields (**required**) |",
        "|---|---|---|---|",
    ]
    for spec in KINDS.values():
        subject = ", ".join(spec.subject) or "—"
        fields = "; ".join(
            (f"**`{f.name}`**" if f.required else f"`{f.name}`") + f": {f.description}"
            for f in spec.fields
        )
        lines.append(f"| `{spec.name}` | {spec.description} | {subject} | {fields} |")
    return "\n".join(lines)


def test_user_guide_documents_every_kind_as_registered() -> None:
    assert kinds_table() in (DOCS / "ledger.md").read_text(encoding="utf-8")


def _flatten(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    return [str(value)]


def test_format_spec_worked_example_matches_the_code() -> None:
    text = (DOCS / "ledger-format.md").read_text(encoding="utf-8")
    example = worked_example()
    framing = example.pop("framing_1")
    message = example.pop("checkpoint_message")
    missing = [value for value in _flatten(example) if value not in text]
    assert missing == []
    assert message.replace("\n", "\\n") in text
    assert framing.startswith(
        "72756e696e6b2d6c65646765722f656e7472792f76310a" + example["header_1"]
    )
    assert len(bytes.fromhex(framing)) == 286 and "those 286 bytes" in text
