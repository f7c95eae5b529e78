"""BLISS-LN PERR and CRR: golden vectors, properties and bad input via the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupus.clinical import get_instrument
from lupus.clinical.instruments.renal_response import RenalInput, score_renal_response
from tests.conftest import CliRunnerFn, assert_usage_error

CASES = json.loads(
    (Path(__file__).parents[1] / "golden" / "renal_response.json").read_text("utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    assert case["status"] in ("published", "derived")
    assert case.get("source") if case["status"] == "published" else case.get("derivation")
    out = get_instrument("renal-response").run(case["input"])
    for key, value in case["expected"].items():
        assert out[key] == pytest.approx(value), (key, out)


def test_cli_explains_each_component(cli: CliRunnerFn) -> None:
    data = {"upcr_g_per_g": 0.6, "egfr": 55, "egfr_preflare": 80, "treatment_failure": False}
    result = cli("score", "renal-response", "-", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    out = result.json()
    assert out["perr"] is False and out["crr"] is False
    perr = out["components"]["perr"]
    assert perr["upcr"] is True and perr["egfr"] is False
    assert "31.25% below pre-flare" in perr["rule"]


upcr = st.floats(min_value=0, max_value=10, allow_nan=False)
egfr = st.floats(min_value=0, max_value=200, allow_nan=False)
preflare = st.floats(min_value=1, max_value=200, allow_nan=False)


@given(upcr, egfr, preflare, st.booleans())
def test_crr_implies_perr(u: float, e: float, p: float, failure: bool) -> None:
    result = score_renal_response(RenalInput(u, e, p, failure))
    if result.crr:
        assert result.perr
    if failure:
        assert not result.perr and not result.crr


@given(upcr, upcr, egfr, preflare)
def test_lower_proteinuria_never_loses_a_response(a: float, b: float, e: float, p: float) -> None:
    low, high = sorted((a, b))
    worse = score_renal_response(RenalInput(high, e, p, False))
    better = score_renal_response(RenalInput(low, e, p, False))
    assert better.perr >= worse.perr and better.crr >= worse.crr


VALID = {"upcr_g_per_g": 0.4, "egfr": 80, "egfr_preflare": 85, "treatment_failure": False}


@pytest.mark.parametrize(
    ("patch", "remove", "fragments"),
    [
        ({"upcr_g_per_g": "0.4"}, None, ["upcr_g_per_g", '"0.4"', "g/g"]),
        ({"treatment_failure": "no"}, None, ["treatment_failure", '"no"', "true or false"]),
        ({"upcr_g_per_g": -0.1}, None, ["upcr_g_per_g", "-0.1"]),
        ({"egfr_preflare": 0}, None, ["egfr_preflare", "0", "above 0"]),
        ({"egfr": 400}, None, ["egfr", "400"]),
        ({}, "egfr_preflare", ["egfr_preflare", "missing"]),
        ({}, "treatment_failure", ["treatment_failure", "missing"]),
        ({"upcr_mg_per_mmol": 40}, None, ["upcr_mg_per_mmol", "no such key"]),
    ],
    ids=[
        "string-upcr",
        "string-bool",
        "negative-upcr",
        "zero-preflare",
        "egfr-out-of-range",
        "missing-preflare",
        "missing-treatment-failure",
        "unknown-key",
    ],
)
def test_bad_input_via_cli(
    cli: CliRunnerFn, patch: dict[str, Any], remove: str | None, fragments: list[str]
) -> None:
    data = {**VALID, **patch}
    if remove:
        del data[remove]
    assert_usage_error(cli("score", "renal-response", "-", input=json.dumps(data)), *fragments)
