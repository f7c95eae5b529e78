"""Engines, transactions and migrations.

``Database(url)`` wraps one SQLAlchemy engine. SQLite (the default, a file in the user's data
folder) gets foreign keys, WAL and ``BEGIN IMMEDIATE`` transactions so that concurrent writers
wait for each other instead of failing; PostgreSQL is used through psycopg 3
(``postgresql+psycopg://...``). :meth:`Database.transaction` is the unit of work: everything
inside commits together or not at all. :meth:`Database.migrate` applies pending Alembic
migrations (shipped in ``lupus/store/migrations``; no ``alembic.ini`` needed).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from lupus.store.errors import DatabaseConfigError

__all__ = ["DATABASE_URL_ENV", "Database", "alembic_config", "default_database_url"]

DATABASE_URL_ENV = "LUPUS_DATABASE_URL"


def default_database_url() -> str:
    """``LUPUS_DATABASE_URL``, else a SQLite file in the user's data folder."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    folder = Path(platformdirs.user_data_dir("lupus-immunotherapy", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+pysqlite:///{folder / 'lupus.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take over
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code, pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "lupus.store:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """One database: an engine, transactions and migrations."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        url = url or default_database_url()
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseConfigError(
                f"database URL {url!r}: not a URL; allowed: sqlite+pysqlite:///FILE or "
                "postgresql+psycopg://USER@HOST/DB"
            ) from None
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise DatabaseConfigError(
                f"database URL backend {backend!r}: not supported; allowed: sqlite, postgresql"
            )
        if backend == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.url = parsed
        self.backend = backend
        self._on_dispose: list[Callable[[], None]] = []
        if backend == "sqlite":
            self.engine: Engine = create_engine(
                parsed, echo=echo, connect_args={"check_same_thread": False}
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self.engine = create_engine(
                parsed, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True
            )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: commit on success, roll back on any error."""
        with self.engine.begin() as conn:
            yield conn

    def migrate(self, revision: str = "head") -> None:
        """Apply pending migrations up to ``revision``."""
        with self.engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)

    def libpq_url(self) -> str:
        """The PostgreSQL URL for psycopg itself (no SQLAlchemy driver name)."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def on_dispose(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` in :meth:`dispose` (to close connections opened beside the
        engine, such as the summary fast path's)."""
        self._on_dispose.append(callback)

    def dispose(self) -> None:
        while self._on_dispose:
            self._on_dispose.pop()()
        self.engine.dispose()
