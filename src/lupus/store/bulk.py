"""Bulk inserts: one stream for many rows instead of one statement per row."""

from __future__ import annotations

import json
from typing import Any

from psycopg import sql
from sqlalchemy import JSON, Connection, Table, insert

__all__ = ["insert_rows"]


def insert_rows(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    json_text: dict[int, str] | None = None,
) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` in the caller's transaction.

    PostgreSQL: one ``COPY ... FROM STDIN`` stream through psycopg (no per-row statement, no
    per-row round trip). JSON columns are written as SQLAlchemy's ``JSON`` type writes them
    (``json.dumps``; ``None`` as the JSON ``null``); ``json_text`` (``id(value)`` -> text),
    shared between calls, serialises a value that goes into several rows (a record's data
    and its audit row's ``after``) once. SQLite runs in-process and uses ``executemany``."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    is_json = [isinstance(table.c[name].type, JSON) for name in columns]
    texts = {} if json_text is None else json_text

    def as_json(value: Any) -> str:
        key = id(value)
        found = texts.get(key)
        if found is None:
            found = texts[key] = json.dumps(value)
        return found

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    as_json(row[name]) if json_column else row[name]
                    for name, json_column in zip(columns, is_json, strict=True)
                ]
            )
