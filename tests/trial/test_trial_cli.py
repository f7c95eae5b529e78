"""``lupus trial run`` end to end on the mechanistic simulator (small populations)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunnerFn

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"


def test_run_writes_json_and_report(cli: CliRunnerFn, tmp_path: Path) -> None:
    out, report = tmp_path / "r.json", tmp_path / "r.html"
    result = cli(
        "trial",
        "run",
        str(EXAMPLES / "tulip-2.toml"),
        "--patients-per-arm",
        "40",
        "--seed",
        "3",
        "--json",
        str(out),
        "--report",
        str(report),
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["trial"] == "TULIP-2" and data["seed"] == 3
    assert data["model_version"].startswith("lupus-immunotherapy")
    assert [a["n"] for a in data["arms"]] == [40, 40]
    s = data["arms"][1]["endpoints"]["bicla@52"]
    assert 0 <= s["ci95"][0] <= s["value"] <= s["ci95"][1] <= 1
    assert [p["week"] for p in data["arms"][0]["timecourse"]["bicla"]][:3] == [4, 8, 12]
    html = report.read_text()
    assert "<svg" in html and "TULIP-2" in html and "Protocol target" in html
    assert "TULIP-2" in result.stdout


@pytest.mark.slow
def test_local_cluster_gives_identical_results(cli: CliRunnerFn, tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    args = ["trial", "run", str(EXAMPLES / "mackensen-2022.toml"), "--patients-per-arm", "260"]
    assert cli(*args, "--seed", "4", "--json", str(one)).exit_code == 0
    assert cli(*args, "--seed", "4", "--json", str(two), "--workers", "2").exit_code == 0
    assert json.loads(one.read_text()) == json.loads(two.read_text())
