"""The trial engine on a test-double biology: determinism, chunking, executors, analysis rules."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lupus.simulation.trial import load_protocol, run_trial
from lupus.simulation.trial.engine import CHUNK_SIZE, chunk_tasks
from lupus.simulation.trial.report import render_report
from tests.trial.toy_biology import ToyBiology

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


def _tulip(weeks: int = 12) -> Any:
    protocol = load_protocol(EXAMPLES / "tulip-2.toml")
    endpoints = tuple(e for e in protocol.endpoints if e.week <= weeks)
    published = tuple(p for p in protocol.published if p.week <= weeks)
    return dataclasses.replace(protocol, weeks=weeks, endpoints=endpoints, published=published)


def _reversed(fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterable[Any]:
    return [fn(item) for item in reversed(list(items))]


def test_same_seed_same_result_and_executor_does_not_matter() -> None:
    protocol = _tulip()
    n = CHUNK_SIZE + 40  # two chunks
    first = run_trial(protocol, patients_per_arm=n, seed=5, model=ToyBiology()).to_json()
    again = run_trial(
        protocol, patients_per_arm=n, seed=5, model=ToyBiology(), executor=_reversed
    ).to_json()
    assert first == again
    other = run_trial(protocol, patients_per_arm=n, seed=6, model=ToyBiology()).to_json()
    assert other["arms"][0]["endpoints"] != first["arms"][0]["endpoints"]


def test_dask_local_cluster_gives_the_same_result() -> None:
    import cloudpickle

    import tests.trial.toy_biology as toy
    from lupus._cli.trial import _dask_executor

    cloudpickle.register_pickle_by_value(toy)
    try:
        protocol = _tulip(8)
        n = CHUNK_SIZE + 10
        single = run_trial(protocol, patients_per_arm=n, seed=2, model=ToyBiology()).to_json()
        with _dask_executor(2, None) as executor:
            assert executor is not None
            dask = run_trial(
                protocol, patients_per_arm=n, seed=2, model=ToyBiology(), executor=executor
            ).to_json()
    finally:
        cloudpickle.unregister_pickle_by_value(toy)
    assert json.dumps(single, sort_keys=True) == json.dumps(dask, sort_keys=True)


def test_chunks_are_fixed_size() -> None:
    tasks = chunk_tasks(2 * CHUNK_SIZE + 1)
    assert [t.size for t in tasks] == [CHUNK_SIZE, CHUNK_SIZE, 1]
    assert [t.index for t in tasks] == [0, 1, 2]


def test_result_shape_and_proportions() -> None:
    protocol = _tulip()
    result = run_trial(protocol, patients_per_arm=120, seed=0, model=ToyBiology())
    data = result.to_json()
    assert data["trial"] == "TULIP-2" and data["seed"] == 0
    assert data["model_version"] == "toy-biology-1"
    assert [a["name"] for a in data["arms"]] == ["placebo", "anifrolumab 300 mg IV"]
    for arm in data["arms"]:
        assert arm["n"] == 120
        for key in ("bicla@4", "bicla@8", "bicla@12"):
            s = arm["endpoints"][key]
            assert 0.0 <= s["ci95"][0] <= s["value"] <= s["ci95"][1] <= 1.0
        weeks = [p["week"] for p in arm["timecourse"]["bicla"]]
        assert weeks == [4, 8, 12]
    # the toy drug helps, so the active arm responds more than placebo
    placebo, active = (a["endpoints"]["bicla@12"]["value"] for a in data["arms"])
    assert active > placebo
    assert {c["endpoint"] for c in data["published"]} == {"bicla@4", "bicla@8", "bicla@12"}
    assert "population.sledai_mean" in data["population"]["defaults_used"]


def test_population_matches_targets_roughly() -> None:
    from lupus.simulation.trial.protocol import Endpoint

    protocol = load_protocol(EXAMPLES / "bliss-52.toml")
    protocol = dataclasses.replace(
        protocol, weeks=4, arms=protocol.arms[:1], endpoints=(Endpoint("bicla", 4),), published=()
    )
    result = run_trial(protocol, patients_per_arm=600, seed=1, model=ToyBiology())
    base = result.arms[0].baseline
    assert abs(base["prednisone_users"] - 0.96) < 0.04
    assert abs(base["anti_dsdna_positive"] - 0.745) < 0.08
    assert abs(base["sledai_mean"] - 9.8) < 1.0


def test_everyone_drops_out_means_no_responders() -> None:
    protocol = _tulip()
    conduct = dataclasses.replace(protocol.conduct, dropout_per_year=0.99)
    protocol = dataclasses.replace(protocol, conduct=conduct)
    data = run_trial(protocol, patients_per_arm=80, seed=0, model=ToyBiology()).to_json()
    for arm in data["arms"]:
        dropped = sum(arm["dropouts"].values())
        responders = arm["endpoints"]["bicla@12"]["value"] * arm["n"]
        assert responders <= arm["n"] - dropped + 1e-9


def test_car_t_endpoints_and_report(tmp_path: Path) -> None:
    protocol = load_protocol(EXAMPLES / "mackensen-2022.toml")
    result = run_trial(protocol, patients_per_arm=40, seed=0, model=ToyBiology())
    data = result.to_json()
    arm = data["arms"][0]
    assert arm["endpoints"]["b-cell-aplasia-days@52"]["value"] == pytest.approx(110.0)
    assert arm["endpoints"]["sledai-2k-mean@0"]["value"] >= 8
    html = render_report(result)
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    assert "Mackensen-2022" in html and "toy-biology-1" in html


def test_aplasia_days_rule() -> None:
    from lupus.simulation.trial.endpoints import _aplasia_days

    base = 100.0
    cells = np.full((3, 200), base)
    cells[0, 10:120] = 0.5  # below 1% from day index 10, back above 10% at 120
    cells[1, 10:] = 0.5  # never back: censored at the horizon (index 199)
    days = _aplasia_days(cells)
    assert days.tolist() == [110.0, 189.0, 0.0]


def test_prednisone_limit_makes_treatment_failures() -> None:
    from lupus.simulation.trial.protocol import PrednisoneLimit

    protocol = _tulip()
    strict = dataclasses.replace(
        protocol,
        conduct=dataclasses.replace(protocol.conduct, prednisone_max_mg=PrednisoneLimit(4, 0.0)),
    )
    # users on a dose high enough that the remission taper (halving at a visit with clinical
    # SLEDAI-2K 0, stopping below 2.5 mg) cannot reach 0 mg by week 4
    pop = dataclasses.replace(protocol.population, prednisone_users=0.5, prednisone_mg_mean=20.0)
    strict = dataclasses.replace(strict, population=pop)
    data = run_trial(strict, patients_per_arm=200, seed=0, model=ToyBiology()).to_json()
    for arm in data["arms"]:
        users = arm["baseline"]["prednisone_users"]
        # everyone on prednisone above 0 mg at week 4 or later is a treatment failure
        assert arm["endpoints"]["bicla@12"]["value"] <= 1.0 - users + 1e-9
