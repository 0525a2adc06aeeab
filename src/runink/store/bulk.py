"""Bulk inserts at the driver level, for the large tables (advisories, change events, EPSS
scores, inventory components, findings).

SQLAlchemy's per-row parameter processing costs more than the insert itself at these sizes, so
rows go to the DBAPI's ``executemany`` directly as tuples. On SQLite, datetimes are rendered
the way SQLAlchemy's ``DateTime`` type stores them (naive UTC text) so that reads through
SQLAlchemy agree; ``tests/store/test_advisory_repo.py`` compares both paths on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_MARKS: Final = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": "?"}


def sqlite_datetime(value: dt.datetime) -> str:
    """The storage format of SQLAlchemy's SQLite ``DateTime`` (naive UTC)."""
    if value.tzinfo is dt.UTC:  # the usual case: drop the "+00:00" isoformat appends
        return value.isoformat(" ", "microseconds")[:-6]
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def _same(value: dt.datetime) -> Any:
    return value


def datetime_param(conn: Connection) -> Callable[[dt.datetime], Any]:
    """How a datetime is passed to the driver for a ``DateTime`` column of ``conn``'s backend."""
    return sqlite_datetime if conn.dialect.name == "sqlite" else _same


def db_value(conn: Connection, value: Any) -> Any:
    """``value`` (a date, a datetime, or anything else) as ``insert_rows`` must pass it."""
    if conn.dialect.name != "sqlite":
        return value
    if isinstance(value, dt.datetime):
        return sqlite_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def insert_rows(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows``: tuples in ``columns`` order, dates already through ``db_value`` (or
    ``datetime_param``)."""
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


def insert_dicts(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` given as mappings (all with the keys of the first); datetimes in the
    table's ``DateTime`` columns are rendered for the backend here."""
    if not rows:
        return
    columns = list(rows[0])
    get = operator.itemgetter(*columns)
    params: list[tuple[Any, ...]] = (
        [tuple(get(row)) for row in rows] if len(columns) > 1 else [(get(row),) for row in rows]
    )
    if conn.dialect.name == "sqlite":
        dt_columns = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.DateTime)]
        if dt_columns:
            for n, values in enumerate(params):
                converted = list(values)
                for i in dt_columns:
                    if isinstance(converted[i], dt.datetime):
                        converted[i] = sqlite_datetime(converted[i])
                params[n] = tuple(converted)
    insert_rows(conn, table, columns, params)
