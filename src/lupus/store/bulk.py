"""Bulk inserts: one stream for many rows instead of one statement per row."""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg.types.json import Json
from sqlalchemy import JSON, Connection, Table, insert

__all__ = ["insert_rows"]


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` in the caller's transaction.

    PostgreSQL: one ``COPY ... FROM STDIN`` stream through psycopg (no per-row statement, no
    per-row round trip). JSON columns are written as SQLAlchemy's ``JSON`` type writes them
    (``None`` as the JSON ``null``). SQLite runs in-process and uses ``executemany``."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    is_json = [isinstance(table.c[name].type, JSON) for name in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    Json(row[name]) if json else row[name]
                    for name, json in zip(columns, is_json, strict=True)
                ]
            )
