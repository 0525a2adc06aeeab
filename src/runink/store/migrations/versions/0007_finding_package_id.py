"""The event path's two lookups become index-only for what it compares.

* ``ix_inventory_components_lookup`` (ecosystem base, name) becomes (ecosystem base, name,
  artifact id, snapshot id, ecosystem, version, purl): the fan-out of a change event reads
  the current components of a package and compares them by (ecosystem, name, version, purl)
  from the index alone, instead of visiting one table page per component (~1,400 for a
  popular package at 10,000 artifacts). Every query of the old index uses the same leading
  columns.
* ``ix_findings_package`` (ecosystem base, name) becomes ``ix_findings_package_vulnerability``
  (ecosystem base, name, vulnerability): the findings of one package with the canonical ids a
  changed advisory is cited by are read alone; through ``ix_findings_vulnerability`` a
  canonical id shared by several packages (a CVE naming ``mattermost-server``, ``/v5`` and
  ``/v6``) read every package's findings and dropped most.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_LOOKUP_COLUMNS = [
    "ecosystem_base",
    "name",
    "artifact_id",
    "snapshot_id",
    "ecosystem",
    "version",
    "purl",
]


def upgrade() -> None:
    op.drop_index("ix_inventory_components_lookup", table_name="inventory_components")
    op.create_index("ix_inventory_components_lookup", "inventory_components", _LOOKUP_COLUMNS)
    op.create_index(
        "ix_findings_package_vulnerability",
        "findings",
        ["ecosystem_base", "name", "vulnerability"],
    )
    op.drop_index("ix_findings_package", table_name="findings")


def downgrade() -> None:
    op.create_index("ix_findings_package", "findings", ["ecosystem_base", "name"])
    op.drop_index("ix_findings_package_vulnerability", table_name="findings")
    op.drop_index("ix_inventory_components_lookup", table_name="inventory_components")
    op.create_index(
        "ix_inventory_components_lookup", "inventory_components", ["ecosystem_base", "name"]
    )
