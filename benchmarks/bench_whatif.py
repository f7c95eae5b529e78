"""Benchmark of the what-if panel (not a test): time to predict one patient's courses.

Target (issue "Web interface"): the panel answers within 5 seconds on the 2-core machine, or runs
in the background with progress. This measures the prediction itself, after one warm-up call
that compiles the simulator (numba caches), for a patient with recorded characteristics.

Usage::

    .venv/bin/python benchmarks/bench_whatif.py [--repeats 5]

Prints one JSON object; docs/benchmarks.md records the numbers with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

from lupus.web.pages.whatif import Characteristics, predict_courses

PATIENT = Characteristics(
    weight_kg=68.0, anti_dsdna_iu_ml=120.0, c3_mg_dl=70.0, c4_mg_dl=11.0, upcr_g_g=0.7
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    predict_courses(PATIENT, seed=0, candidates=8, matched=4, weeks=2)
    warm_up = time.perf_counter() - start
    times = []
    for seed in range(1, args.repeats + 1):
        start = time.perf_counter()
        predict_courses(PATIENT, seed=seed)
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
                "python": platform.python_version(),
                "load_average": os.getloadavg(),
                "warm_up_s": round(warm_up, 2),
                "predict_s": [round(t, 2) for t in times],
                "median_s": round(statistics.median(times), 2),
                "max_s": round(max(times), 2),
                "target_s": 5.0,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
