"""Check the committed calibration: simulate every calibration protocol and compare.

For each protocol in ``examples/trials/`` of the calibration set, run the trial with the
committed model (no refit) at a fixed seed and enough virtual patients that Monte-Carlo error is
small against the published interval (2,000 per arm by default), and compare every simulated
endpoint with its published value's 95% interval (Wilson from value and n for proportions;
value +/- t x SD / sqrt(n) for a mean with an SD).

Usage::

    .venv/bin/python calibration/check_trials.py [--patients-per-arm 2000] [--seed 0]

Writes ``calibration/check_result.json`` (committed) and prints one line per target.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ("bliss-52", "bliss-76", "tulip-2", "mackensen-2022")
RESULT = ROOT / "calibration" / "check_result.json"


def check_protocol(name: str, patients_per_arm: int, seed: int) -> dict[str, Any]:
    from lupus.simulation.trial import load_protocol, run_trial

    protocol = load_protocol(ROOT / "examples" / "trials" / f"{name}.toml")
    data = run_trial(protocol, patients_per_arm=patients_per_arm, seed=seed).to_json()
    rows = [
        {
            "arm": c["arm"],
            "endpoint": c["endpoint"],
            "published": c["published"],
            "published_ci95": c["published_ci95"],
            "simulated": c["simulated"]["value"],
            "simulated_ci95": c["simulated"]["ci95"],
            "within": c["within_published_ci95"],
        }
        for c in data["published"]
    ]
    extra: dict[str, Any] = {}
    if name == "mackensen-2022":
        extra["sledai-2k-mean@12"] = data["arms"][0]["endpoints"]["sledai-2k-mean@12"]
    if name == "bliss-52":
        # serology against the fit's soft priors (fit_trials.SEROLOGY_PRIOR; not published CIs)
        extra["serology"] = {
            arm["name"]: {
                k: arm["endpoints"][k]["value"]
                for k in ("anti-dsdna-change@52", "c3-normalized@52")
            }
            for arm in data["arms"]
        }
    return {"protocol": name, "model_version": data["model_version"], "targets": rows, **extra}


def run_checks(patients_per_arm: int, seed: int, workers: int = 2) -> dict[str, Any]:
    # spawn, not fork: the compiled solver's thread pool is not fork-safe (a forked child of a
    # process that already ran it can die), and pytest-xdist workers may already have run it
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(check_protocol, p, patients_per_arm, seed) for p in PROTOCOLS]
        results = [f.result() for f in futures]
    met = sum(bool(t["within"]) for r in results for t in r["targets"])
    total = sum(len(r["targets"]) for r in results)
    return {
        "patients_per_arm": patients_per_arm,
        "seed": seed,
        "met": met,
        "total": total,
        "protocols": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients-per-arm", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = run_checks(args.patients_per_arm, args.seed)
    for r in result["protocols"]:
        for t in r["targets"]:
            lo, hi = t["published_ci95"]
            mark = "ok " if t["within"] else "OUT"
            print(
                f"{mark} {r['protocol']:15s} {t['arm']:26s} {t['endpoint']:26s} "
                f"published {t['published']:.3f} [{lo:.3f}, {hi:.3f}]  "
                f"simulated {t['simulated']:.3f}"
            )
    print(f"{result['met']} of {result['total']} targets within the published 95% interval")
    RESULT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
