"""``lupus simulate``: output files, sampling, plot and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from lupus.simulation import SERIES
from tests.conftest import assert_usage_error


def test_typical_patient_csv_daily(cli, tmp_path: Path) -> None:
    out = tmp_path / "bel.csv"
    res = cli("simulate", "--therapy", "belimumab", "--weeks", "4", "--out", str(out))
    assert res.exit_code == 0, res.stderr
    assert "1 patient(s) x 29 time points" in res.stdout
    table = pcsv.read_csv(out)
    names = table.column_names
    assert names[:2] == ["patient", "time_day"]
    assert names[2:-1] == [s[0] for s in SERIES]
    assert names[-1] == "solve_status"
    assert table.num_rows == 29
    conc = np.asarray(table.column("bel_conc"))
    assert conc[0] == 0 and conc[1] > 100


def test_population_parquet_with_plot(cli, tmp_path: Path) -> None:
    out = tmp_path / "car.parquet"
    png = tmp_path / "car.png"
    res = cli(
        "simulate",
        "--therapy",
        "cd19-car-t",
        "--dose",
        "1e6 cells/kg",
        "--patients",
        "6",
        "--seed",
        "4",
        "--weeks",
        "8",
        "--out",
        str(out),
        "--plot",
        str(png),
    )
    assert res.exit_code == 0, res.stderr
    table = pq.read_table(out)
    times = np.unique(np.asarray(table.column("time_day")))
    assert times[0] == -7.0 and times[1] == 0.0 and np.all(np.diff(times) == 7.0)
    assert len(set(table.column("patient").to_pylist())) == 6
    assert png.stat().st_size > 10_000


def test_same_seed_same_file(cli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (a, b):
        res = cli(
            "simulate",
            "--therapy",
            "anifrolumab",
            "--patients",
            "3",
            "--seed",
            "2",
            "--weeks",
            "6",
            "--every",
            "3",
            "--out",
            str(path),
        )
        assert res.exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_events_file(cli, tmp_path: Path) -> None:
    ev = tmp_path / "ev.csv"
    ev.write_text("ID,TIME,AMT,CMT,DUR,II,ADDL,WT_KG\nA,0,600,bel_central,0.0416667,28,2,60\n")
    out = tmp_path / "o.csv"
    res = cli("simulate", "--events", str(ev), "--weeks", "10", "--out", str(out))
    assert res.exit_code == 0, res.stderr
    table = pcsv.read_csv(out)
    assert set(table.column("patient").to_pylist()) == {"A"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--therapy", "rituximab"], "therapy"),
        (["--therapy", "belimumab", "--dose", "10 mg"], "mg/kg for belimumab IV"),
        (
            ["--therapy", "belimumab", "--route", "sc", "--dose", "10 mg/kg"],
            "in mg for belimumab SC",
        ),
        (["--therapy", "cd19-car-t", "--dose", "300 mg"], "cells/kg"),
        (["--weeks", "-2"], "--weeks"),
        (["--patients", "0"], "--patients"),
        (["--every", "0"], "--every"),
        (["--therapy", "belimumab", "--interval-days", "-1"], "interval-days"),
        (["--plot", "x.pdf"], "--plot"),
        (["--dose", "lots"], "dose"),
        (["--events", "/no/such/file.csv"], "readable CSV"),
    ],
)
def test_bad_input_exits_2(cli, tmp_path: Path, args: list[str], fragment: str) -> None:
    res = cli("simulate", *args, "--out", str(tmp_path / "x.csv"))
    assert_usage_error(res, fragment)


def test_bad_output_suffix(cli, tmp_path: Path) -> None:
    assert_usage_error(cli("simulate", "--out", str(tmp_path / "x.xlsx")), "--out")
