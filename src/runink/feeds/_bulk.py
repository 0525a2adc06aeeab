"""Bulk inserts at the driver level for the large feed tables (EPSS: ~300,000 rows a day).

SQLAlchemy's per-row parameter processing costs more than the insert itself at this size, so
rows go to the DBAPI's ``executemany`` directly as tuples. Dates and datetimes must be passed
through ``db_value`` (once per distinct value, e.g. the one score date of an EPSS file), which
renders them the way SQLAlchemy stores them on SQLite so that reads through SQLAlchemy agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": "?"}


def db_value(conn: Connection, value: Any) -> Any:
    """``value`` as ``bulk_insert`` must pass it to the driver."""
    if conn.dialect.name != "sqlite":
        return value
    if isinstance(value, dt.datetime):  # naive UTC, as SQLAlchemy's SQLite DateTime stores it
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def bulk_insert(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order, dates through ``db_value``)."""
    if not rows:
        return
    dialect = conn.dialect
    mark = _MARKS.get(dialect.paramstyle)
    if mark is None:  # pragma: no cover - named paramstyles: let SQLAlchemy do it
        conn.execute(sa.insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    preparer = dialect.identifier_preparer
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    conn.exec_driver_sql(sql, list(rows))
