"""``lupus simulate``: virtual patients on a therapy, time courses to CSV or Parquet.

Output columns (wide format): ``patient``, ``time_day``, one column per model state and output
(ids and units in docs/model.md and ``lupus.simulation.SERIES``), then ``solve_status``
(0 = solved). ``--patients 1`` simulates the typical patient (no random effects, no flares);
more patients get seeded random effects, covariates and flare triggers.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lupus._cli._common import fail, translate_errors

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from numpy.typing import NDArray

    from lupus.simulation import Population, Schedule, Trajectories

__all__ = ["register", "simulate_command"]

OUT_SUFFIXES = (".csv", ".parquet")
PLOT_SUFFIXES = (".png", ".svg")


def _check(out: str, plot: str | None, weeks: float, patients: int, every: float | None) -> None:
    if not math.isfinite(weeks) or weeks <= 0:
        fail(f"option '--weeks': got {weeks:g}; allowed: a number of weeks > 0")
    if patients < 1:
        fail(f"option '--patients': got {patients}; allowed: an integer >= 1")
    if every is not None and (not math.isfinite(every) or every <= 0):
        fail(f"option '--every': got {every:g}; allowed: a number of days > 0")
    if Path(out).suffix.lower() not in OUT_SUFFIXES:
        fail(f"option '--out': got '{out}'; allowed: a file name ending in .csv or .parquet")
    if plot is not None and Path(plot).suffix.lower() not in PLOT_SUFFIXES:
        fail(f"option '--plot': got '{plot}'; allowed: a file name ending in .png or .svg")


def simulate_command(
    out: Annotated[str, typer.Option("--out", help="Output file, .csv or .parquet.")],
    therapy: Annotated[
        str, typer.Option(help="placebo, belimumab, anifrolumab or cd19-car-t.")
    ] = "placebo",
    route: Annotated[str, typer.Option(help="iv or sc (sc: belimumab only).")] = "iv",
    dose: Annotated[
        str | None,
        typer.Option(help='Dose with unit: "10 mg/kg", "200 mg", "300 mg", "1e6 cells/kg".'),
    ] = None,
    interval_days: Annotated[
        float | None,
        typer.Option("--interval-days", help="Maintenance interval in days (loading kept)."),
    ] = None,
    weeks: Annotated[float, typer.Option(help="Simulated weeks.")] = 52.0,
    patients: Annotated[int, typer.Option(help="Number of virtual patients.")] = 1,
    seed: Annotated[int, typer.Option(help="Seed of random effects and flares.")] = 0,
    every: Annotated[
        float | None,
        typer.Option(help="Sampling interval in days (default 7, or 1 for one patient)."),
    ] = None,
    events: Annotated[
        str | None,
        typer.Option(help="NONMEM-style event table (CSV) instead of --therapy."),
    ] = None,
    plot: Annotated[str | None, typer.Option(help="Also draw a figure, .png or .svg.")] = None,
) -> None:
    """Simulate virtual patients and write their time courses."""
    import numpy as np  # lazy: `lupus --help` stays fast

    _check(out, plot, weeks, patients, every)
    with translate_errors():
        from lupus.simulation import (
            Regimen,
            build_schedule,
            flare_schedule,
            parse_dose,
            read_event_table,
            sample_population,
            simulate,
            typical_population,
        )

        dose_value, dose_unit = (None, None) if dose is None else parse_dose(dose)
        end_day = weeks * 7.0
        if events is not None:
            if therapy != "placebo" or dose is not None or interval_days is not None:
                fail(
                    "option '--events': given with --therapy/--dose/--interval-days; "
                    "allowed: one of them"
                )
            table = read_event_table(events)
            n = table.schedule.n_patients
            ids = table.ids
            if n == 1:
                pop = typical_population(1, covariates=table.covariates)
            else:
                pop = sample_population(n, seed, covariates=table.covariates)
            schedule = table.schedule
            variability = n > 1
        else:
            regimen = Regimen(
                therapy,
                route.lower(),
                dose=dose_value,
                dose_unit=dose_unit,
                interval_days=interval_days,
            )
            n = patients
            ids = tuple(str(i + 1) for i in range(n))
            variability = n > 1
            pop = sample_population(n, seed) if variability else typical_population(1)
            schedule = build_schedule(regimen, pop, end_day)
        if variability:
            schedule = schedule.merge(flare_schedule(pop, 0.0, end_day, seed))
        step = every if every is not None else (7.0 if n > 1 else 1.0)
        # start before day 0 when doses come earlier (lymphodepletion), on the sampling grid
        first = float(schedule.time.min()) if schedule.time.size else 0.0
        start = min(0.0, math.floor(first / step) * step)
        t = np.arange(start, end_day + 1e-9, step)
        traj = _run(pop, schedule, t, ids, simulate)
        _write(traj, out)
        if plot is not None:
            plot_population(traj, schedule, plot)
    failed = traj.failures()
    typer.echo(
        f"wrote {traj.n_patients} patient(s) x {traj.time.size} time points to {out}"
        + (f"; {len(failed)} failed: {failed[0][1]}" if failed else "")
    )


def _run(
    pop: Population,
    schedule: Schedule,
    t: NDArray[np.float64],
    ids: tuple[str, ...],
    simulate: Callable[..., Trajectories],
) -> Trajectories:
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    show = console.is_terminal and pop.size >= 2000
    with Progress(console=console, transient=True, disable=not show) as bar:
        task = bar.add_task("simulating", total=pop.size)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done)

        return simulate(pop, schedule, t, ids=ids, progress=progress)


def _write(traj: Trajectories, out: str) -> None:
    import pyarrow as pa

    from lupus.simulation.export import wide_columns

    cols = wide_columns(traj)
    arrays = {k: pa.array(v) for k, v in cols.items()}
    # patient ids as a dictionary-encoded text column (ids are the event table's or 1..N)
    arrays["patient"] = pa.DictionaryArray.from_arrays(
        arrays["patient"], pa.array(list(traj.ids), type=pa.string())
    )
    table = pa.table(arrays)
    try:
        if out.lower().endswith(".parquet"):
            import pyarrow.parquet as pq

            # dictionary encoding only for the patient ids: trying it on float columns costs
            # more time than it saves space
            pq.write_table(table, out, compression="zstd", use_dictionary=["patient"])
        else:
            import pyarrow.csv as pcsv

            pcsv.write_csv(table, out)
    except OSError as exc:
        fail(f"option '--out': cannot write '{out}' ({exc.strerror or exc})")


# Panels of --plot: (title, unit, series ids)
PANELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Drug concentration", "ug/mL (CAR T: cells/uL)", ("bel_conc", "ani_conc", "car_t_cells")),
    ("B-cell subsets", "cells/uL", ("b_naive", "b_memory_blood", "plasmablasts", "cd19_b_cells")),
    ("Anti-dsDNA", "IU/mL", ("anti_dsdna",)),
    ("Complement", "g/L", ("c3", "c4")),
    ("Interferon gene signature", "fold over healthy", ("ifngs",)),
    (
        "Organ activity",
        "index 0-1",
        ("organ_renal", "organ_mucocutaneous", "organ_musculoskeletal", "organ_activity"),
    ),
)


def plot_population(traj: Trajectories, schedule: Schedule, path: str) -> None:
    """Median and 90% band (5th-95th percentile) of each series over patients; dose times of
    the first patient as vertical lines."""
    import matplotlib
    import numpy as np  # lazy: `lupus --help` stays fast

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lupus.simulation import STATE_NAMES

    fig, axes = plt.subplots(3, 2, figsize=(12, 10), sharex=True)
    t = traj.time
    drug_states = {
        STATE_NAMES.index(s) for s in ("bel_central", "bel_depot", "ani_central", "car_effector")
    }
    doses = sorted(
        {
            float(x)
            for x, c, p in zip(schedule.time, schedule.compartment, schedule.patient, strict=True)
            if p == 0 and int(c) in drug_states and t[0] <= x <= t[-1]
        }
    )
    ok = traj.ok
    for ax, (title, unit, names) in zip(axes.ravel(), PANELS, strict=True):
        for name in names:
            data = traj[name][ok]
            if data.size == 0 or (name.endswith("conc") and not np.any(data > 0)):
                continue
            if name == "car_t_cells" and not np.any(data > 0):
                continue
            med = np.median(data, axis=0)
            (line,) = ax.plot(t, med, label=name)
            if data.shape[0] > 1:
                lo, hi = np.percentile(data, [5, 95], axis=0)
                ax.fill_between(t, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
        for d in doses:
            ax.axvline(d, color="grey", linewidth=0.5, alpha=0.5)
        ax.set_title(title)
        ax.set_ylabel(unit)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("day")
    fig.suptitle(
        f"{traj.n_patients} virtual patient(s): median and 90% band; grey lines = doses "
        "(research and education only)"
    )
    fig.tight_layout()
    try:
        fig.savefig(path)
    except OSError as exc:
        fail(f"option '--plot': cannot write '{path}' ({exc.strerror or exc})")
    finally:
        plt.close(fig)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)
