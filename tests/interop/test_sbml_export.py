"""SBML export: valid Level 3 that libroadrunner runs to the same trajectories as ours."""

from __future__ import annotations

from pathlib import Path

import libsbml
import numpy as np
import pytest
import roadrunner
from tests.conftest import assert_usage_error

from lupus.interop.sbml import SbmlExportError, model_to_sbml
from lupus.simulation import (
    OUTPUT_NAMES,
    STATE_NAMES,
    Regimen,
    build_schedule,
    sample_population,
    simulate,
    typical_population,
)


def _compare(xml: str, ours_t: np.ndarray, ours: np.ndarray, origin: float) -> float:
    rr = roadrunner.RoadRunner(xml)
    rr.timeCourseSelections = ["time", *STATE_NAMES, *OUTPUT_NAMES]
    rr.integrator.relative_tolerance = 1e-10
    rr.integrator.absolute_tolerance = 1e-12
    res = np.array(rr.simulate(times=ours_t - origin))[:, 1:]
    scale = np.maximum(np.abs(ours).max(axis=0), 1e-12)
    return float(np.max(np.abs(res - ours) / scale))


@pytest.mark.parametrize(
    "regimen",
    [
        Regimen("belimumab", "iv"),
        Regimen("belimumab", "sc"),
        Regimen("anifrolumab"),
        Regimen("cd19-car-t"),
    ],
    ids=["belimumab-iv", "belimumab-sc", "anifrolumab", "cd19-car-t"],
)
def test_roadrunner_reproduces_our_trajectories(regimen: Regimen) -> None:
    pop = typical_population(1)
    sched = build_schedule(regimen, pop, 84.0)
    xml = model_to_sbml(pop, sched)
    doc = libsbml.readSBMLFromString(xml)
    doc.checkConsistency()
    severe = [
        doc.getError(i).getMessage()
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    assert severe == []
    model = doc.getModel()
    assert model.getNumSpecies() == len(STATE_NAMES)
    assert model.getNumEvents() > 0
    assert model.getParameter("bel_v1").getUnits() == "litre"
    origin = model.getParameter("time_origin").getValue()
    assert origin == min(0.0, float(sched.time.min()))
    # compare off the dose times (a sample exactly at a dose time is pre- or post-dose by
    # convention), tolerance 1e-6 of each series' range at tight tolerances on both sides
    t = np.concatenate([[origin], np.arange(origin, 84.0, 0.5) + 0.25])
    ours = simulate(pop, sched, t, rtol=1e-10, atol=1e-12)
    mine = np.concatenate([ours.states[0], ours.outputs[0]], axis=1)
    assert _compare(xml, t, mine, origin) < 1e-6


def test_export_refuses_a_population() -> None:
    pop = sample_population(2, seed=1)
    with pytest.raises(SbmlExportError, match="exactly one patient"):
        model_to_sbml(pop, build_schedule(Regimen("placebo"), pop, 7.0))


def test_cli_sbml_and_simulate_agree(cli, tmp_path: Path) -> None:
    xml, csv = tmp_path / "m.xml", tmp_path / "t.csv"
    args = ["--therapy", "anifrolumab", "--weeks", "8"]
    assert cli("model", "sbml", *args, "--out", str(xml)).exit_code == 0
    res = cli("model", "simulate", *args, "--out", str(csv))
    assert res.exit_code == 0, res.stderr
    header = csv.read_text().splitlines()[0].split(",")
    assert header == ["time_day", *STATE_NAMES, *OUTPUT_NAMES]
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    assert np.allclose(np.diff(data[:, 0]), 1 / 24)
    doc = libsbml.readSBMLFromFile(str(xml))
    ids = {doc.getModel().getSpecies(i).getId() for i in range(doc.getModel().getNumSpecies())}
    ids |= {doc.getModel().getRule(i).getVariable() for i in range(doc.getModel().getNumRules())}
    assert set(header[1:]) <= ids
    # the hourly CSV shows the infusion peak (30-minute infusion of 300 mg into about 3 L)
    assert data[:, header.index("ani_conc")].max() > 80


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["sbml", "--therapy", "nope", "--out", "m.xml"], "therapy"),
        (["sbml", "--therapy", "belimumab", "--dose", "10 mg", "--out", "m.xml"], "mg/kg"),
        (["sbml", "--weeks", "-1", "--out", "m.xml"], "--weeks"),
        (["sbml", "--out", "m.txt"], "--out"),
        (["simulate", "--every", "0", "--out", "t.csv"], "--every"),
        (["simulate", "--out", "t.parquet"], "--out"),
    ],
)
def test_model_bad_input(cli, tmp_path: Path, args: list[str], fragment: str) -> None:
    fixed = [
        str(tmp_path / a) if a.endswith((".xml", ".txt", ".csv", ".parquet")) else a for a in args
    ]
    assert_usage_error(cli("model", *fixed), fragment)


def test_roadrunner_reproduces_a_cooperative_organ_drive() -> None:
    # organ_drive_hill != 1 (the calibrated model's cooperative drive) is exported as a power
    # of the drive; CD19 CAR T moves organ activity the most
    from lupus.simulation import default_parameters

    # (with a steeper immune-complex threshold and a convex proteinuria than the table's)
    params = default_parameters().replace(
        organ_drive_hill=2.5, organ_ic_hill=3.0, organ_ic_saturation=0.5, upcr_exponent=1.5
    )
    pop = typical_population(1, parameters=params)
    sched = build_schedule(Regimen("cd19-car-t"), pop, 84.0)
    xml = model_to_sbml(pop, sched)
    for name in ("org_hill", "org_ic_n", "org_ic_k", "upcr_exp", "bel_ec_local"):
        assert name in xml
    origin = float(sched.time.min())
    t = np.concatenate([[origin], np.arange(origin, 84.0, 0.5) + 0.25])
    ours = simulate(pop, sched, t, rtol=1e-10, atol=1e-12)
    mine = np.concatenate([ours.states[0], ours.outputs[0]], axis=1)
    renal = STATE_NAMES.index("organ_renal")
    assert mine[-1, renal] < 0.5 * mine[0, renal]  # the drive fell and the organ followed
    assert _compare(xml, t, mine, origin) < 1e-6
