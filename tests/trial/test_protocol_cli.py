"""Bad protocol files exit with code 2 and one line naming the key (through the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunnerFn, assert_usage_error

BASE = """
name = "T"
weeks = 52
{top}
[population]
{population}
[conduct]
{conduct}
[[arms]]
name = "placebo"
therapy = "placebo"
{arm}
[[endpoints]]
id = "sri-4"
week = 52
{extra}
"""


def _protocol(**parts: str) -> str:
    fields = {"top": "", "population": "", "conduct": "", "arm": "", "extra": ""}
    fields.update(parts)
    return BASE.format(**fields)


CASES = [
    ("unknown top key", _protocol(top="colour = 1"), ["'colour'", "known key"]),
    ("unknown population key", _protocol(population="sledai_max = 3"), ["population.sledai_max"]),
    ("fraction above 1", _protocol(population="low_c3 = 1.2"), ["population.low_c3", "1.2"]),
    ("bool as number", _protocol(population="low_c4 = true"), ["population.low_c4", "true"]),
    ("string as bool", _protocol(population='refractory = "yes"'), ["population.refractory"]),
    ("bad sledai version", _protocol(population='sledai_version = "1992"'), ["sledai_version"]),
    (
        "unknown subgroup key",
        _protocol(population='subgroup = { sex = "female" }'),
        ["population.subgroup.sex"],
    ),
    (
        "bad subgroup value",
        _protocol(population='subgroup = { ifngs = "medium" }'),
        ["population.subgroup.ifngs", "medium"],
    ),
    (
        "upcr without nephritis",
        _protocol(population="upcr_mean = 2.0"),
        ["population.upcr_mean", "lupus_nephritis"],
    ),
    (
        "mean below entry",
        _protocol(population="entry_sledai_min = 8\nsledai_mean = 6"),
        ["population.sledai_mean"],
    ),
    ("visit beyond weeks", _protocol(conduct="visit_weeks = [0, 60]"), ["conduct.visit_weeks[1]"]),
    ("dropout of 1", _protocol(conduct="dropout_per_year = 1.0"), ["conduct.dropout_per_year"]),
    (
        "prednisone limit missing mg",
        _protocol(conduct="prednisone_max_mg = { after_week = 24 }"),
        ["conduct.prednisone_max_mg.mg", "missing"],
    ),
    (
        "unknown therapy",
        _protocol(extra='[[arms]]\nname = "x"\ntherapy = "rituximab"'),
        ["arms[1].therapy"],
    ),
    (
        "belimumab iv dose in mg",
        _protocol(
            extra='[[arms]]\nname = "b"\ntherapy = "belimumab"\nroute = "iv"\ndose = "10 mg"'
        ),
        ["arms[1].dose", "mg/kg"],
    ),
    (
        "belimumab without route",
        _protocol(extra='[[arms]]\nname = "b"\ntherapy = "belimumab"\ndose = "10 mg/kg"'),
        ["arms[1].route", "missing"],
    ),
    (
        "belimumab sc without interval",
        _protocol(
            extra='[[arms]]\nname = "b"\ntherapy = "belimumab"\nroute = "sc"\ndose = "200 mg"'
        ),
        ["arms[1].interval_days", "missing"],
    ),
    (
        "loading dose without count",
        _protocol(
            extra='[[arms]]\nname = "b"\ntherapy = "belimumab"\nroute = "sc"\ndose = "200 mg"\n'
            'interval_days = 7\nloading_dose = "400 mg"'
        ),
        ["arms[1].loading_doses"],
    ),
    (
        "loading doses not an integer",
        _protocol(
            extra='[[arms]]\nname = "b"\ntherapy = "belimumab"\nroute = "sc"\ndose = "200 mg"\n'
            'interval_days = 7\nloading_dose = "400 mg"\nloading_doses = 4.5'
        ),
        ["arms[1].loading_doses", "4.5"],
    ),
    (
        "anifrolumab sc",
        _protocol(
            extra='[[arms]]\nname = "a"\ntherapy = "anifrolumab"\nroute = "sc"\ndose = "300 mg"'
        ),
        ["arms[1].route", "sc"],
    ),
    (
        "car-t dose in mg",
        _protocol(extra='[[arms]]\nname = "c"\ntherapy = "cd19-car-t"\ndose = "100 mg"'),
        ["arms[1].dose", "cells/kg"],
    ),
    (
        "car-t unknown lymphodepletion",
        _protocol(
            extra='[[arms]]\nname = "c"\ntherapy = "cd19-car-t"\ndose = "1e6 cells/kg"\n'
            'lymphodepletion = "bendamustine"'
        ),
        ["arms[1].lymphodepletion"],
    ),
    ("placebo with dose", _protocol(arm='dose = "10 mg/kg"'), ["arms[0].dose", "placebo"]),
    (
        "duplicate arm",
        _protocol(extra='[[arms]]\nname = "placebo"\ntherapy = "placebo"'),
        ["arms[1].name"],
    ),
    ("unknown arm key", _protocol(arm="colour = 1"), ["arms[0].colour"]),
    (
        "unknown endpoint",
        _protocol(extra='[[endpoints]]\nid = "sri-9"\nweek = 52'),
        ["endpoints[1].id", "sri-9"],
    ),
    (
        "endpoint week beyond",
        _protocol(extra='[[endpoints]]\nid = "bicla"\nweek = 53'),
        ["endpoints[1].week", "53"],
    ),
    (
        "published unknown arm",
        _protocol(
            extra='[[published]]\narm = "x"\nendpoint = "sri-4"\nweek = 52\nvalue = 0.5\nn = 10'
        ),
        ["published[0].arm"],
    ),
    (
        "published proportion above 1",
        _protocol(
            extra='[[published]]\narm = "placebo"\nendpoint = "sri-4"\nweek = 52\n'
            "value = 43.6\nn = 287"
        ),
        ["published[0].value", "43.6"],
    ),
    (
        "published sd on proportion",
        _protocol(
            extra='[[published]]\narm = "placebo"\nendpoint = "sri-4"\nweek = 52\nvalue = 0.4\n'
            "n = 287\nsd = 3.0"
        ),
        ["published[0].sd"],
    ),
    (
        "published missing n",
        _protocol(
            extra='[[published]]\narm = "placebo"\nendpoint = "sri-4"\nweek = 52\nvalue = 0.4'
        ),
        ["published[0].n", "missing"],
    ),
    ("weeks zero", _protocol().replace("weeks = 52", "weeks = 0"), ["'weeks'", "0"]),
    ("weeks missing", _protocol().replace("weeks = 52", ""), ["'weeks'", "missing"]),
    (
        "no arms",
        'name = "T"\nweeks = 4\n[[endpoints]]\nid = "bicla"\nweek = 4\n',
        ["'arms'", "missing"],
    ),
]


@pytest.mark.parametrize(("text", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_protocol_is_a_usage_error(
    cli: CliRunnerFn, tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = tmp_path / "protocol.toml"
    path.write_text(text, encoding="utf-8")
    result = cli("trial", "run", str(path), "--patients-per-arm", "10")
    assert_usage_error(result, *fragments)


def test_unreadable_and_invalid_files(cli: CliRunnerFn, tmp_path: Path) -> None:
    assert_usage_error(cli("trial", "run", str(tmp_path / "none.toml")), "cannot be read")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [\n", encoding="utf-8")
    assert_usage_error(cli("trial", "run", str(bad)), "invalid TOML")


def test_bad_options(cli: CliRunnerFn, tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(_protocol(), encoding="utf-8")
    assert_usage_error(
        cli("trial", "run", str(path), "--patients-per-arm", "0"), "--patients-per-arm"
    )
    assert_usage_error(cli("trial", "run", str(path), "--seed", "-1"), "--seed")
    assert_usage_error(
        cli("trial", "run", str(path), "--workers", "2", "--scheduler", "tcp://x:1"), "--workers"
    )
    assert_usage_error(cli("trial", "run", str(path), "--workers", "0"), "--workers")
    assert_usage_error(
        cli("trial", "run", str(path), "--json", str(tmp_path / "no" / "x.json")), "--json"
    )


def test_the_shipped_protocols_parse() -> None:
    from lupus.simulation.trial import load_protocol

    root = Path(__file__).resolve().parents[2] / "examples" / "trials"
    names = {load_protocol(p).name for p in sorted(root.glob("*.toml"))}
    assert names == {"BLISS-52", "BLISS-76", "TULIP-2", "Mackensen-2022"}


def test_trial_errors_survive_pickling() -> None:
    # chunks run in worker processes (Dask, process pools): their errors must cross back intact
    import pickle

    from lupus.simulation.trial.errors import ProtocolError, ProtocolFileError, TrialRunError

    for err in (
        ProtocolError("weeks", -1, "an integer >= 1"),
        ProtocolError("name", None, "a string", missing=True),
        ProtocolFileError("x.toml", "not found"),
        TrialRunError("population", "X", "a population the plausible patients can fill"),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert str(back) == str(err)
