"""``lupus plan``: every example through the command, options, and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import CliRunnerFn, assert_usage_error
from tests.therapy._factory import request_json

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.json"))


def test_there_is_an_example_per_therapy() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {"belimumab-iv", "belimumab-sc", "anifrolumab", "cd19-car-t"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(cli: CliRunnerFn, path: Path) -> None:
    result = cli("plan", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    data = result.json()
    assert data["eligible"] is True
    assert data["administrations"]
    assert data["therapy"] == json.loads(path.read_text("utf-8"))["therapy"]


def test_stdin_and_blockers_still_give_a_plan(cli: CliRunnerFn) -> None:
    data = request_json("belimumab", {"anaphylaxis_to": ["belimumab"]})
    result = cli("plan", "-", input=json.dumps(data))
    assert result.exit_code == 0
    out = result.json()
    assert out["eligible"] is False
    assert out["blockers"][0]["code"] == "belimumab.contraindication_anaphylaxis"


def test_missed_and_ics(cli: CliRunnerFn, tmp_path: Path) -> None:
    ics = tmp_path / "plan.ics"
    data = json.dumps(request_json("belimumab", route="sc", weeks=3))
    result = cli("plan", "-", "--missed", "2026-01-14", "--ics", str(ics), input=data)
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert [a["date"] for a in out["administrations"]] == ["2026-01-05", "2026-01-14", "2026-01-19"]
    assert out["missed"] == ["2026-01-14"]
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == len(out["administrations"]) + len(out["monitoring"])


def test_missing_file_argument(cli: CliRunnerFn) -> None:
    assert_usage_error(cli("plan"), "FILE", "missing")


def test_unreadable_file(cli: CliRunnerFn) -> None:
    assert_usage_error(cli("plan", "/nonexistent/plan.json"), "/nonexistent/plan.json")


def test_invalid_json(cli: CliRunnerFn) -> None:
    assert_usage_error(cli("plan", "-", input="{"), "invalid JSON")


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        (
            request_json("belimumab", {"prior_therapies": ["aspirin"]}),
            ("prior_therapies[0]", "aspirin"),
        ),
        (request_json("anifrolumab", route="sc"), ("route", "sc")),
        (request_json("belimumab", route=None), ("route", "missing")),
        (request_json("belimumab", weeks=0), ("weeks", "0")),
        (request_json("cd19-car-t", {"manufacturing_days": None}), ("manufacturing_days",)),
        (request_json("belimumab", {"weight_kg": True}), ("weight_kg", "true")),
        (request_json("belimumab", colour="red"), ("colour",)),
    ],
)
def test_bad_input_exits_2(cli: CliRunnerFn, data: object, fragments: tuple[str, ...]) -> None:
    assert_usage_error(cli("plan", "-", input=json.dumps(data)), *fragments)


@pytest.mark.parametrize("therapy", ["belimumab", "cd19-car-t"])
def test_missed_without_label_rule_exits_2(cli: CliRunnerFn, therapy: str) -> None:
    data = json.dumps(request_json(therapy))
    assert_usage_error(cli("plan", "-", "--missed", "2026-01-20", input=data), "no", "rule")


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "20260120"])
def test_bad_missed_date(cli: CliRunnerFn, value: str) -> None:
    data = json.dumps(request_json("anifrolumab"))
    assert_usage_error(cli("plan", "-", "--missed", value, input=data), "--missed", "YYYY-MM-DD")


def test_missed_outside_plan(cli: CliRunnerFn) -> None:
    data = json.dumps(request_json("anifrolumab", weeks=4))
    assert_usage_error(cli("plan", "-", "--missed", "2027-01-01", input=data), "missed")


def test_unwritable_ics(cli: CliRunnerFn, tmp_path: Path) -> None:
    data = json.dumps(request_json("anifrolumab", weeks=4))
    target = tmp_path / "no-such-dir" / "out.ics"
    assert_usage_error(cli("plan", "-", "--ics", str(target), input=data), "--ics")
