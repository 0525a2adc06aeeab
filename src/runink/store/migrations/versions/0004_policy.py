"""Policy action deliveries: what each trigger did for each finding (issue 4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_key", sa.String(64), nullable=False),
        sa.Column("trigger", sa.String(255), nullable=False),
        sa.Column("action_index", sa.Integer, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(512), nullable=False),
        sa.Column("artifact", sa.String(255), nullable=False),
        sa.Column("vulnerability", sa.String(255), nullable=False),
        sa.Column("purl", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint(
            "finding_key", "trigger", "action_index", "target", name="uq_action_deliveries_once"
        ),
    )
    op.create_index("ix_action_deliveries_artifact", "action_deliveries", ["artifact"])


def downgrade() -> None:
    op.drop_index("ix_action_deliveries_artifact", table_name="action_deliveries")
    op.drop_table("action_deliveries")
