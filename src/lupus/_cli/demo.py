"""``lupus demo``: score an example patient with every instrument and show the results."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from lupus import DISCLAIMER


def demo(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Score the example patient of every instrument (a demonstration; synthetic data)."""
    from rich.console import Console  # lazy: `lupus --help` stays fast
    from rich.table import Table

    from lupus.clinical import instruments

    results = {
        inst.id: {"input": dict(inst.example), "output": inst.run(dict(inst.example))}
        for inst in instruments().values()
    }
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    console = Console()
    console.print(f"[bold]lupus-immunotherapy demo[/bold]: synthetic example patient. {DISCLAIMER}")
    table = Table("instrument", "result (headline values)", "version")
    for inst in instruments().values():
        output = results[inst.id]["output"]
        headline = ", ".join(
            f"{key}={json.dumps(value)}"
            for key, value in output.items()
            if isinstance(value, bool | int | float | str) and key not in ("note", "rule")
        )
        table.add_row(inst.id, headline, inst.version)
    console.print(table)
    console.print("Full inputs and outputs: lupus demo --json. Sources: docs/instruments.md.")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
