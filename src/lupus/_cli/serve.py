"""``lupus serve [--host 127.0.0.1] [--port 8000]``: run the care service.

Settings come from the environment: ``LUPUS_DATABASE_URL`` (default: a SQLite file in the
user's data folder), ``LUPUS_SECRET_KEY`` (required outside development), ``LUPUS_ENV``
(``development`` or ``production``, the default). Pending migrations are applied on start.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lupus._cli._common import fail, translate_errors


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Worker processes (PostgreSQL).")
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request on standard error (uvicorn's access log). Every read and "
            "write of patient data is in the audit log either way.",
        ),
    ] = True,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Seed a synthetic demo clinic once and print the demo logins "
            "(LUPUS_ENV=development only).",
        ),
    ] = False,
) -> None:
    """Run the care service (JSON API under /api, FHIR under /fhir, OpenAPI at /openapi.json)."""
    import uvicorn

    from lupus.store import Database
    from lupus.web import create_app
    from lupus.web.settings import load_settings

    with translate_errors():
        settings = load_settings()
        database = Database(settings.database_url)
        if workers > 1 and database.backend == "sqlite":
            fail("option '--workers': got more than 1 on SQLite; allowed: 1, or use PostgreSQL")
        if demo and settings.env != "development":
            fail("option '--demo': needs LUPUS_ENV=development (the demo logins are public)")
        app = create_app(settings, database=database)  # applies pending migrations
    if demo:
        from lupus.store.demo import seed_demo_clinic

        seeded = seed_demo_clinic(database)
        what = "seeded" if seeded.created else "already seeded"
        typer.echo(f"demo clinic {what}: {seeded.patients} synthetic patients")
        for username, role, password in seeded.logins:
            typer.echo(f"  login {username} / {password}  ({role})")
        typer.echo(f"open http://{host}:{port}/ui/ and sign in with one of the logins above")
    typer.echo(
        f"lupus care service on http://{host}:{port} (pages: /ui/, API docs: /docs, "
        "FHIR: /fhir). Research and education only; not a medical device.",
        err=True,
    )
    if workers == 1:
        from lupus.web.main import warm_up

        warm_up()
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)
        return
    # each worker builds its own app (migrations are already applied above)
    database.dispose()
    from lupus.web.workers import WorkerStartError, reuse_port_supported, run_workers

    if reuse_port_supported():  # one listening socket per worker (lupus.web.workers)
        try:
            run_workers(host, port, workers, access_log=access_log)
        except OSError as error:
            fail(f"option '--port': cannot listen on {host}:{port} ({error.strerror})")
        except WorkerStartError as error:
            fail(f"option '--workers': {error}")
    else:
        uvicorn.run(
            "lupus.web.main:create_served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=access_log,
        )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
