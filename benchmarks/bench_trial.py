"""Benchmark of the virtual-trial engine (not a test): wall time and throughput.

1. The BLISS-52 protocol (3 arms, 52 weeks) at N patients per arm (default 10,000) in one process
   (the single-machine default, no cluster), whole ``lupus trial run`` command included.
2. Throughput (patient-arms per second) against the number of Dask workers of a local cluster
   (``--workers K``), on the same protocol at a smaller N.

Usage::

    .venv/bin/python benchmarks/bench_trial.py [--patients-per-arm 10000] [--scaling-patients 2000]
        [--workers 1 2]

Prints one JSON object; docs/benchmarks.md records the numbers with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = ROOT / "examples" / "trials" / "bliss-52.toml"
LUPUS = str(Path(sys.executable).parent / "lupus")


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([LUPUS, "trial", "run", str(PROTOCOL), *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients-per-arm", type=int, default=10_000)
    parser.add_argument("--scaling-patients", type=int, default=2_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    arms = 3
    out: dict[str, object] = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        }
    }
    with tempfile.TemporaryDirectory() as tmp:
        _run(["--patients-per-arm", "20", "--json", f"{tmp}/warm.json"])  # warm numba caches
        wall = _run(["--patients-per-arm", str(args.patients_per_arm), "--json", f"{tmp}/a.json"])
        out["bliss52_single_process"] = {
            "patients_per_arm": args.patients_per_arm,
            "wall_s": round(wall, 1),
            "patient_arms_per_s": round(arms * args.patients_per_arm / wall, 1),
        }
        scaling = []
        base = _run(["--patients-per-arm", str(args.scaling_patients), "--json", f"{tmp}/s.json"])
        scaling.append({"workers": 0, "wall_s": round(base, 1)})
        for k in args.workers:
            wall_k = _run(
                [
                    "--patients-per-arm",
                    str(args.scaling_patients),
                    "--workers",
                    str(k),
                    "--json",
                    f"{tmp}/w{k}.json",
                ]
            )
            same = Path(f"{tmp}/w{k}.json").read_text() == Path(f"{tmp}/s.json").read_text()
            scaling.append({"workers": k, "wall_s": round(wall_k, 1), "identical_result": same})
        for row in scaling:
            row["patient_arms_per_s"] = round(
                arms * args.scaling_patients / float(row["wall_s"]),
                1,  # type: ignore[arg-type]
            )
        out["scaling"] = {"patients_per_arm": args.scaling_patients, "runs": scaling}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
