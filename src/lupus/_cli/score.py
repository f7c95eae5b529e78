"""``lupus score ID FILE``: score one clinical instrument from JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from lupus._cli._common import echo_json, fail, read_json, translate_errors


def score(
    instrument_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="Instrument id (see --list).")
    ] = None,
    file: Annotated[
        str | None, typer.Argument(metavar="FILE", help="JSON input file, or - for standard input.")
    ] = None,
    list_ids: Annotated[
        bool, typer.Option("--list", help="List the instrument ids and exit.")
    ] = False,
) -> None:
    """Score one instrument: reads one JSON object and prints one JSON object."""
    from lupus.clinical import get_instrument, instruments  # lazy: `lupus --help` stays fast

    if list_ids:
        for inst in instruments().values():
            typer.echo(f"{inst.id}\t{inst.title} ({inst.source})")
        return
    if instrument_id is None:
        fail("argument 'ID': missing; allowed: an instrument id (see lupus score --list)")
    if file is None:
        fail("argument 'FILE': missing; allowed: a path to a JSON file, or - for standard input")
    with translate_errors():
        instrument = get_instrument(instrument_id)
        data = read_json(file)
        result = instrument.run(data)
    echo_json(result)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
