"""``lupus trial run PROTOCOL.toml``: a virtual clinical trial from a protocol file.

Options: ``--patients-per-arm N`` (default 1000), ``--seed S`` (default 0), ``--json OUT.json``,
``--report OUT.html``, and either ``--workers K`` (a local Dask cluster of K processes) or
``--scheduler ADDRESS`` (a running Dask scheduler). Without either, the trial runs in this
process. The results are the same for the same seed whatever runs the chunks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from lupus._cli._common import fail, translate_errors

trial_app = typer.Typer(
    name="trial",
    help="Virtual clinical trials from protocol files (research use; not a medical device).",
    no_args_is_help=True,
)

Executor = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]


@contextmanager
def _dask_executor(workers: int | None, scheduler: str | None) -> Iterator[Executor | None]:
    """A Dask-backed ``map`` (local cluster of ``workers`` processes, or a running scheduler)."""
    if workers is None and scheduler is None:
        yield None
        return
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is not None:
        client = Client(scheduler)  # type: ignore[no-untyped-call]
    else:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]

    def executor(fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterable[Any]:
        futures = client.map(fn, list(items), pure=False)
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            yield future.result()

    try:
        yield executor
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()  # type: ignore[no-untyped-call]


def run(
    protocol_file: Annotated[str, typer.Argument(metavar="PROTOCOL.toml", help="Protocol file.")],
    patients_per_arm: Annotated[
        int, typer.Option("--patients-per-arm", help="Virtual patients per arm.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")] = 0,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the JSON result here.")
    ] = None,
    report_out: Annotated[
        str | None, typer.Option("--report", help="Write the HTML report here.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run on a local Dask cluster of K workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run on the Dask scheduler at ADDRESS.")
    ] = None,
) -> None:
    """Run a virtual trial: simulated endpoints next to the published ones."""
    from lupus.simulation.trial import load_protocol, run_trial

    if workers is not None and scheduler is not None:
        fail("options '--workers' and '--scheduler': both given; allowed: at most one of them")
    if workers is not None and workers < 1:
        fail(f"option '--workers': got {workers}; allowed: an integer of at least 1")
    if patients_per_arm < 1:
        fail(
            f"option '--patients-per-arm': got {patients_per_arm}; "
            "allowed: an integer of at least 1"
        )
    if seed < 0:
        fail(f"option '--seed': got {seed}; allowed: an integer of at least 0")
    for option, path in (("--json", json_out), ("--report", report_out)):
        if path is not None and not Path(path).resolve().parent.is_dir():
            fail(
                f"option '{option}': got {json.dumps(path)}; allowed: a path in an existing folder"
            )
    with translate_errors():
        protocol = load_protocol(protocol_file)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn(f"{protocol.name}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} chunks"),
        TimeElapsedColumn(),
        transient=True,
        console=_stderr_console(),
    )
    with progress, _dask_executor(workers, scheduler) as executor:
        task = progress.add_task("trial", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        with translate_errors():
            result = run_trial(
                protocol,
                patients_per_arm=patients_per_arm,
                seed=seed,
                executor=executor,
                progress=tick,
            )
    data = result.to_json()
    if json_out is not None:
        Path(json_out).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if report_out is not None:
        from lupus.simulation.trial.report import render_report

        Path(report_out).write_text(render_report(result), encoding="utf-8")
    _print_summary(data)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stderr)


def _print_summary(data: dict[str, Any]) -> None:
    lines = [f"{data['trial']}  (seed {data['seed']}, model {data['model_version']})"]
    for arm in data["arms"]:
        lines.append(f"  {arm['name']}  n={arm['n']}")
        for key, s in arm["endpoints"].items():
            value, (lo, hi) = s["value"], s["ci95"]
            if value is None:
                lines.append(f"    {key:<26} not available ({s.get('note', '')})")
            else:
                lines.append(f"    {key:<26} {value:.4g}  [{lo:.4g}, {hi:.4g}]")
    for c in data["published"]:
        mark = {True: "within", False: "OUTSIDE", None: "no interval"}[c["within_published_ci95"]]
        lines.append(
            f"  published {c['arm']} {c['endpoint']}: {c['published']:.4g} "
            f"vs simulated {c['simulated']['value']}: {mark}"
        )
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    trial_app.command("run")(run)
    app.add_typer(trial_app, name="trial")
