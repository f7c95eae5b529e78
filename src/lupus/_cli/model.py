"""``lupus model sbml|simulate``: the typical patient's model for other tools.

``sbml`` writes SBML Level 3 Version 2 (states as species, parameters with units, dosing as
events); ``simulate`` writes our own trajectory of the same model as CSV with ``time_day`` and
then one column per SBML species and output assignment-rule id, so the two can be compared.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lupus._cli._common import fail, translate_errors

if TYPE_CHECKING:
    from lupus.simulation import Population, Schedule

__all__ = ["register"]

model_app = typer.Typer(
    help="Export or simulate the typical patient's model (SBML, CSV).", no_args_is_help=True
)

Therapy = Annotated[str, typer.Option(help="placebo, belimumab, anifrolumab or cd19-car-t.")]
Route = Annotated[str, typer.Option(help="iv or sc (sc: belimumab only).")]
Dose = Annotated[
    str | None, typer.Option(help='Dose with unit: "10 mg/kg", "200 mg", "300 mg", "1e6 cells/kg".')
]
Interval = Annotated[
    float | None, typer.Option("--interval-days", help="Maintenance interval in days.")
]
Weeks = Annotated[float, typer.Option(help="Simulated weeks.")]


def _typical(
    therapy: str, route: str, dose: str | None, interval: float | None, weeks: float
) -> tuple[Population, Schedule]:
    from lupus.simulation import Regimen, build_schedule, parse_dose, typical_population

    if not math.isfinite(weeks) or weeks <= 0:
        fail(f"option '--weeks': got {weeks:g}; allowed: a number of weeks > 0")
    value, unit = (None, None) if dose is None else parse_dose(dose)
    regimen = Regimen(therapy, route.lower(), dose=value, dose_unit=unit, interval_days=interval)
    pop = typical_population(1)
    return pop, build_schedule(regimen, pop, weeks * 7.0)


@model_app.command("sbml")
def sbml_command(
    out: Annotated[str, typer.Option("--out", help="Output SBML file (.xml or .sbml).")],
    therapy: Therapy = "placebo",
    route: Route = "iv",
    dose: Dose = None,
    interval_days: Interval = None,
    weeks: Weeks = 52.0,
) -> None:
    """Write the typical patient's model with its dosing as SBML Level 3."""
    if Path(out).suffix.lower() not in (".xml", ".sbml"):
        fail(f"option '--out': got '{out}'; allowed: a file name ending in .xml or .sbml")
    with translate_errors():
        from lupus.interop.sbml import model_to_sbml

        pop, schedule = _typical(therapy, route, dose, interval_days, weeks)
        text = model_to_sbml(pop, schedule)
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"option '--out': cannot write '{out}' ({exc.strerror or exc})")
    typer.echo(
        f"wrote SBML Level 3 Version 2 model with {schedule.time.size} dose record(s) to {out}"
    )


@model_app.command("simulate")
def simulate_command(
    out: Annotated[str, typer.Option("--out", help="Output CSV file.")],
    therapy: Therapy = "placebo",
    route: Route = "iv",
    dose: Dose = None,
    interval_days: Interval = None,
    weeks: Weeks = 52.0,
    every: Annotated[
        float,
        typer.Option(help="Sampling interval in days (default 1 hour, shows infusion peaks)."),
    ] = 1.0 / 24.0,
) -> None:
    """Simulate the typical patient; CSV columns are time_day and the SBML ids."""
    import numpy as np  # lazy: `lupus --help` stays fast

    if Path(out).suffix.lower() != ".csv":
        fail(f"option '--out': got '{out}'; allowed: a file name ending in .csv")
    if not math.isfinite(every) or every <= 0:
        fail(f"option '--every': got {every:g}; allowed: a number of days > 0")
    with translate_errors():
        from lupus.simulation import STATE_NAMES, simulate
        from lupus.simulation.trajectories import OUTPUT_NAMES

        pop, schedule = _typical(therapy, route, dose, interval_days, weeks)
        first = float(schedule.time.min()) if schedule.time.size else 0.0
        start = min(0.0, math.floor(first / every) * every)
        t = start + every * np.arange(
            int(math.floor((weeks * 7.0 - start) / every + 1e-9)) + 1, dtype=np.float64
        )
        traj = simulate(pop, schedule, t)
        names = ("time_day", *STATE_NAMES, *OUTPUT_NAMES)
        data = np.column_stack([t, traj.states[0], traj.outputs[0]])
    try:
        np.savetxt(out, data, delimiter=",", header=",".join(names), comments="", fmt="%.10g")
    except OSError as exc:
        fail(f"option '--out': cannot write '{out}' ({exc.strerror or exc})")
    typer.echo(f"wrote {t.size} time points to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
