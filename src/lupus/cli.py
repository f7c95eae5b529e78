"""The ``lupus`` command: a thin shell over the layers (see ``lupus/_cli``)."""

from __future__ import annotations

import importlib

import typer

from lupus import DISCLAIMER, __version__

app = typer.Typer(
    name="lupus",
    help=f"Lupus immunotherapy toolkit. {DISCLAIMER}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One module per command group under lupus/_cli, each with register(app).
_COMMAND_MODULES = ("score", "plan", "simulate", "model", "trial", "users", "serve", "demo")

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"lupus._cli.{_name}")
    except ModuleNotFoundError as _exc:  # a command group not written yet
        if _exc.name != f"lupus._cli.{_name}":
            raise
        continue
    _module.register(app)


@app.command("version")
def version() -> None:
    """Print the package version."""
    typer.echo(__version__)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
