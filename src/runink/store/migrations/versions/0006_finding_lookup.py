"""Findings by package, and which canonical ids cite each advisory: what the event path reads
a changed advisory's findings through.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_findings_package", "findings", ["ecosystem_base", "name"])
    citations = op.create_table(
        "finding_citations",
        sa.Column("advisory_id", sa.String(255), primary_key=True),
        sa.Column("ecosystem_base", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(512), primary_key=True),
        sa.Column("vulnerability", sa.String(255), primary_key=True),
    )
    # Backfill from the stored findings: one row per (advisory, package, canonical id).
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT DISTINCT ecosystem_base, name, vulnerability, advisories FROM findings")
    )
    seen: set[tuple[str, str, str, str]] = set()
    for base, name, vulnerability, advisories in rows:
        for advisory_id in json.loads(advisories):
            seen.add((str(advisory_id)[:255], base, name, vulnerability))
    batch = [
        {"advisory_id": a, "ecosystem_base": b, "name": n, "vulnerability": v}
        for a, b, n, v in sorted(seen)
    ]
    for i in range(0, len(batch), 5000):
        op.bulk_insert(citations, batch[i : i + 5000])


def downgrade() -> None:
    op.drop_table("finding_citations")
    op.drop_index("ix_findings_package", table_name="findings")
