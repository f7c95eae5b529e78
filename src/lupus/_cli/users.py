"""``lupus users create|list``: manage the care service's user accounts.

``lupus users create --username U --password-stdin --role clinician|nurse|patient|researcher|admin
[--patient ID]`` reads the password from standard input (never from the command line, where it
would show in the process list and the shell history). ``--patient`` is the FHIR Patient id of
the patient a ``patient`` user may see; it must exist.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lupus._cli._common import echo_json, fail, translate_errors

# ``lupus.store.ROLES`` (a test checks they agree); lupus.store itself (SQLAlchemy, Alembic,
# psycopg: about a second) is imported inside the commands so that `lupus --help` stays fast.
ROLES = ("clinician", "nurse", "patient", "researcher", "admin")

users_app = typer.Typer(help="Manage user accounts of the care service.", no_args_is_help=True)


@users_app.command("create")
def create(
    username: Annotated[str, typer.Option("--username", help="Login name.")],
    role: Annotated[str, typer.Option("--role", help="One of: " + ", ".join(ROLES))],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    patient: Annotated[
        str | None, typer.Option("--patient", help="Patient id (role patient only).")
    ] = None,
) -> None:
    """Create a user (the password is hashed with argon2)."""
    from lupus.care import NotFoundError
    from lupus.store import SYSTEM, Database, create_user

    if not password_stdin:
        fail("option '--password-stdin': missing; allowed: pass the password on standard input")
    password = sys.stdin.readline().rstrip("\r\n")
    with translate_errors():
        db = Database()
        db.migrate()
        try:
            with db.transaction() as conn:
                user = create_user(
                    conn,
                    SYSTEM,
                    username=username,
                    password=password,
                    role=role,
                    patient_id=patient,
                )
        except NotFoundError as exc:
            fail(f"option '--patient': {exc}; allowed: the id of an existing patient")
        finally:
            db.dispose()
    echo_json(user.to_json())


@users_app.command("list")
def list_() -> None:
    """List the users (no password hashes)."""
    from lupus.store import Database, list_users

    with translate_errors():
        db = Database()
        db.migrate()
        with db.transaction() as conn:
            found = list_users(conn)
        db.dispose()
    echo_json([u.to_json() for u in found])


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
