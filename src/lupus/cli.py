"""The ``lupus`` command: a thin shell over the layers (see ``lupus/_cli``)."""

from __future__ import annotations

import typer

from lupus import DISCLAIMER, __version__
from lupus._cli import score

app = typer.Typer(
    name="lupus",
    help=f"Lupus immunotherapy toolkit. {DISCLAIMER}",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (score,):
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
