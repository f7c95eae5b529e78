"""Test databases: a fresh SQLite file or a fresh database on a real PostgreSQL server.

The PostgreSQL server comes from ``pgserver`` (PyPI: the PostgreSQL binaries in a wheel) and is
started once per pytest-xdist worker, in a private temporary folder. Each worker migrates one
template per backend (and creates the test users, whose argon2 hashing is slow on purpose);
every test then gets its own copy: ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, a file copy
on SQLite.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from lupus.store import SYSTEM, Database, create_user

BACKENDS = ("sqlite", "postgresql")
PASSWORD = "correct horse battery"
USERS = (("dr", "clinician"), ("nurse", "nurse"), ("res", "researcher"), ("root", "admin"))

_server: Any = None
_templates: dict[str, str] = {}
_base = Path(tempfile.mkdtemp(prefix="lupus-testdb-"))


def postgres_server() -> Any:
    """The worker's running PostgreSQL server (started on first use, stopped at exit).

    Not under pytest's tmp_path: its 0700 folders keep out the unprivileged user that pgserver
    runs PostgreSQL as when the tests run as root."""
    global _server
    if _server is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset
            import pgserver

            _server = pgserver.get_server(_base / "pgdata", cleanup_mode="delete")
    return _server


def _pg_url(name: str) -> str:
    host = postgres_server().get_uri().split("host=", 1)[1]
    return f"postgresql+psycopg://postgres@/{name}?host={host}"


def _prepare(db: Database) -> None:
    db.migrate()
    with db.transaction() as conn:
        for username, role in USERS:
            create_user(conn, SYSTEM, username=username, password=PASSWORD, role=role)
    db.dispose()


def _template(backend: str) -> str:
    if backend not in _templates:
        if backend == "sqlite":
            path = _base / "template.sqlite3"
            _prepare(Database(f"sqlite+pysqlite:///{path}"))
            _templates[backend] = str(path)
        else:
            name = "tmpl_" + uuid.uuid4().hex[:12]
            with psycopg.connect(postgres_server().get_uri(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            _prepare(Database(_pg_url(name)))
            _templates[backend] = name
    return _templates[backend]


@contextmanager
def fresh_database(backend: str, tmp: Path) -> Iterator[Database]:
    """A migrated database of ``backend`` holding only the test users."""
    template = _template(backend)
    if backend == "sqlite":
        path = tmp / "test.sqlite3"
        shutil.copyfile(template, path)
        db = Database(f"sqlite+pysqlite:///{path}")
        try:
            yield db
        finally:
            db.dispose()
        return
    admin_uri = postgres_server().get_uri()
    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    db = Database(_pg_url(name))
    try:
        yield db
    finally:
        db.dispose()  # the database goes with the server's data folder at exit
