"""The ``lupus`` command: a thin shell over the layers (see ``lupus/_cli``)."""

from __future__ import annotations

import importlib
import sys

import typer

from lupus import DISCLAIMER, __version__
from lupus._cli._common import USAGE_ERROR

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
    """Console-script entry point.

    Usage errors (an unknown option, a missing argument) follow the same contract as bad input:
    one line on standard error and exit code 2.
    """
    try:
        code = app(standalone_mode=False)
    except _USAGE_ERROR as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help())
            raise SystemExit(0) from None
        path = " ".join(ctx.command_path.split()[1:]) if ctx is not None else ""
        text = exc.format_message()  # type: ignore[attr-defined]  # click UsageError API
        message = " ".join(f"{text} (see: lupus {path} --help)".split())
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(USAGE_ERROR) from None
    except typer.Abort:
        sys.stderr.write("aborted\n")
        raise SystemExit(130) from None
    raise SystemExit(code if isinstance(code, int) else 0)


# Click's UsageError (vendored inside Typer in recent versions): the base of BadParameter.
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)


if __name__ == "__main__":
    main()
