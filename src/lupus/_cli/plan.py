"""``lupus plan FILE [--missed DATE] [--ics OUT.ics]``: a treatment plan from JSON."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Annotated

import typer

from lupus._cli._common import echo_json, fail, read_json, translate_errors


def _date(option: str, value: str) -> _dt.date:
    from lupus.therapy import PlanInputError

    try:
        if len(value) != 10:
            raise ValueError(value)
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise PlanInputError(option, value, "a calendar date as YYYY-MM-DD") from None


def plan(
    file: Annotated[
        str | None,
        typer.Argument(metavar="FILE", help="Plan request JSON (docs/therapy.md), or - for stdin."),
    ] = None,
    missed: Annotated[
        str | None,
        typer.Option(
            "--missed",
            metavar="YYYY-MM-DD",
            help="The scheduled dose before this date was missed and is given on it.",
        ),
    ] = None,
    ics: Annotated[
        str | None, typer.Option("--ics", metavar="OUT.ics", help="Also write an iCalendar file.")
    ] = None,
) -> None:
    """Suitability, checklist and schedule for belimumab, anifrolumab or CD19 CAR T."""
    from lupus.therapy import make_plan, plan_to_ics, read_plan_request  # lazy: fast --help
    from lupus.therapy import replan_missed_dose as replan

    if file is None:
        fail("argument 'FILE': missing; allowed: a path to a JSON file, or - for standard input")
    with translate_errors():
        request = read_plan_request(read_json(file))
        result = make_plan(request)
        if missed is not None:
            result = replan(result, _date("--missed", missed))
        if ics is not None:
            data = plan_to_ics(result)
            try:
                Path(ics).write_bytes(data)
            except OSError as exc:
                fail(f"option '--ics' '{ics}': cannot be written ({exc.strerror or exc})")
    echo_json(result.to_json())


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
