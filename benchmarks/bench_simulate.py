"""Benchmark of ``lupus simulate`` and two baselines (a measurement script, not a test).

Workload (the issue's): ``lupus simulate --therapy belimumab --route iv --weeks 52 --patients
10000 --seed 1 --out FILE.parquet`` at the default (weekly) sampling. Reported:

1. whole-command wall time and peak memory (RSS of the child process), first run with the
   numba cache of ``lupus.simulation._kernels`` removed ("cold") and then warm runs;
2. accuracy of each method against a reference solve (scipy DOP853 at rtol 1e-10, atol 1e-12 x
   state scale) on a subset of patients: maximum over patients, times and series of
   |x - ref| / max_t |ref| (each series on its own scale, so values near zero are compared on
   the series' range); every method must be within 1e-4;
3. at matched accuracy, the solve time of (a) scipy.integrate.solve_ivp looping over patients
   and (b) libroadrunner looping over patients on the exported SBML (one compiled model, the
   patient's parameters, initial state and dose sizes set before each run), each on both cores
   (two worker processes), on a sampled subset scaled to 10,000 patients, against our solver on
   the same 10,000 patients. Stochastic flare triggers differ per patient and would force one
   SBML compile per patient, so the baseline comparison uses the workload without flares (the
   command itself includes them).

Usage: ``.venv/bin/python benchmarks/bench_simulate.py [--patients 10000] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LUPUS = ROOT / ".venv" / "bin" / "lupus"
T = np.arange(0.0, 364.0 + 1e-9, 7.0)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numba
    import roadrunner
    import scipy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "scipy": scipy.__version__,
        "libroadrunner": roadrunner.__version__,
        "load_average_at_start": os.getloadavg(),
    }


def clear_numba_cache() -> int:
    removed = 0
    cache = ROOT / "src" / "lupus" / "simulation" / "__pycache__"
    for f in cache.glob("_kernels*.nb[ic]"):
        f.unlink()
        removed += 1
    return removed


def run_command(patients: int, out: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one ``lupus simulate``
    run. CPU time is robust to other load on the machine: CPU/cores bounds the idle wall time."""
    cmd = [
        str(LUPUS),
        "simulate",
        "--therapy",
        "belimumab",
        "--route",
        "iv",
        "--weeks",
        "52",
        "--patients",
        str(patients),
        "--seed",
        "1",
        "--out",
        str(out),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"command failed with status {status}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def workload(patients: int, flares: bool):  # type: ignore[no-untyped-def]
    from lupus.simulation import Regimen, build_schedule, flare_schedule, sample_population

    pop = sample_population(patients, 1)
    sched = build_schedule(Regimen("belimumab", "iv"), pop, 364.0)
    if flares:
        sched = sched.merge(flare_schedule(pop, 0.0, 364.0, 1))
    return pop, sched


def max_rel_error(x: np.ndarray, ref: np.ndarray) -> float:
    scale = np.maximum(np.abs(ref).max(axis=1, keepdims=True), 1e-12)
    return float(np.max(np.abs(x - ref) / scale))


def stacked(traj) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.concatenate([traj.states, traj.outputs], axis=2)


# ---- baselines (run in worker processes)
def _scipy_worker(args: tuple[list[int], float, str]) -> tuple[float, np.ndarray]:
    idx, rtol, method = args
    from lupus.simulation import simulate

    pop, sched = workload(PATIENTS, flares=False)
    sub_pop, sub_sched = pop.select(idx), sched.select(idx)
    t0 = time.perf_counter()
    tr = simulate(
        sub_pop, sub_sched, T, method="scipy", rtol=rtol, atol=rtol * 1e-2, scipy_method=method
    )
    return time.perf_counter() - t0, stacked(tr)


def _rr_worker(args: tuple[list[int], float]) -> tuple[float, np.ndarray]:
    idx, rtol = args
    import roadrunner

    from lupus.interop.sbml import model_to_sbml, patient_values
    from lupus.simulation import OUTPUT_NAMES, STATE_NAMES

    pop, sched = workload(PATIENTS, flares=False)
    xml = model_to_sbml(pop.select([idx[0]]), sched.select([idx[0]]))
    rr = roadrunner.RoadRunner(xml)
    rr.timeCourseSelections = ["time", *STATE_NAMES, *OUTPUT_NAMES]
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = rtol * 1e-2
    dosable = {
        f"rin_{s}"
        for s in STATE_NAMES
        if not rr.model.getGlobalParameterIds() or f"rin_{s}" in rr.model.getGlobalParameterIds()
    }
    out = np.empty((len(idx), T.size, len(STATE_NAMES) + len(OUTPUT_NAMES)))
    t0 = time.perf_counter()
    for k, i in enumerate(idx):
        values = patient_values(pop, sched, i)
        for name, v in values.items():
            if not name.startswith("init(") and (not name.startswith("rin_") or name in dosable):
                rr.setValue(name, v)
        rr.model.setFloatingSpeciesInitAmounts(
            np.array([values[f"init({s})"] for s in STATE_NAMES])
        )
        rr.reset()
        res = rr.simulate(times=T)
        out[k] = np.asarray(res)[:, 1:]
    return time.perf_counter() - t0, out


PATIENTS = 10_000


def in_pool(fn, chunks):  # type: ignore[no-untyped-def]
    """Run the chunks on two worker processes; returns (solve wall time = the slower worker's
    loop time, excluding process start and model loading; results)."""
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        parts = pool.map(fn, chunks)
    return max(p[0] for p in parts), np.concatenate([p[1] for p in parts], axis=0)


def markdown(r: dict[str, Any]) -> str:
    """The docs/benchmarks.md table for one result."""
    m = r["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']}, "
        f"numba {m['numba']}, scipy {m['scipy']}, libroadrunner {m['libroadrunner']}; load average "
        f"at start {m['load_average_at_start'][0]:.1f}, at end {r['load_average_at_end'][0]:.1f}.",
        "",
        "| measurement | value |",
        "|---|---|",
        f"| `lupus simulate`, {r['patients']} patients, cold (numba cache removed) | "
        f"{r['command_cold']['wall_s']:.1f} s wall, "
        f"{r['command_cold'].get('cpu_s', float('nan')):.1f} s CPU, "
        f"peak RSS {r['command_cold']['peak_rss_mib']:.0f} MiB |",
        f"| same, warm caches (median of {len(r['command_warm']['wall_s'])}) | "
        f"{r['command_warm']['median_wall_s']:.1f} s wall, "
        f"{r['command_warm'].get('median_cpu_s', float('nan')):.1f} s CPU (user+sys, both cores), "
        f"peak RSS {r['command_warm']['peak_rss_mib']:.0f} MiB, "
        f"Parquet {r['command_warm']['parquet_mib']:.0f} MiB |",
        f"| our solver alone (`simulate`, no flares) | {r['ours']['solve_wall_s']:.2f} s wall, "
        f"{r['ours'].get('solve_cpu_s', float('nan')):.1f} s CPU, "
        f"{r['ours']['mean_steps']:.0f} steps/patient, "
        f"max rel. error {r['ours']['max_rel_error']:.1e} |",
    ]
    for key, label in (
        ("scipy_solve_ivp", "scipy solve_ivp loop"),
        ("libroadrunner", "libroadrunner loop"),
    ):
        b = r.get(key)
        if b:
            extra = f" {b['method']}" if "method" in b else ""
            lines.append(
                f"| {label}{extra} rtol {b['rtol']:g}, 2 processes, {b['patients_timed']} patients "
                f"scaled to {r['patients']} | {b['scaled_wall_s']:.0f} s, max rel. error "
                f"{b['max_rel_error']:.1e}; **{b['speed_ratio_vs_ours_solve']:.0f}x** our solver, "
                f"{b['speed_ratio_vs_ours_command']:.0f}x our whole command |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    global PATIENTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--ref-patients", type=int, default=12)
    ap.add_argument("--scipy-patients", type=int, default=24)
    ap.add_argument("--rr-patients", type=int, default=200)
    ap.add_argument("--warm-runs", type=int, default=3)
    ap.add_argument("--json", type=str, default=None)
    args = ap.parse_args()
    PATIENTS = args.patients
    result: dict[str, Any] = {"machine": machine(), "patients": PATIENTS}
    print(json.dumps(result["machine"]), flush=True)

    tmp = Path(tempfile.mkdtemp())
    try:
        removed = clear_numba_cache()
        wall, rss, cpu = run_command(PATIENTS, tmp / "cold.parquet")
        result["command_cold"] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "peak_rss_mib": rss,
            "cache_files_removed": removed,
        }
        print("cold", wall, rss, cpu, flush=True)
        warm = [run_command(PATIENTS, tmp / f"warm{i}.parquet") for i in range(args.warm_runs)]
        result["command_warm"] = {
            "wall_s": [w for w, _, _ in warm],
            "cpu_s": [c for _, _, c in warm],
            "median_wall_s": float(np.median([w for w, _, _ in warm])),
            "median_cpu_s": float(np.median([c for _, _, c in warm])),
            "peak_rss_mib": max(r for _, r, _ in warm),
            "parquet_mib": (tmp / "warm0.parquet").stat().st_size / 2**20,
        }
        print("warm", warm, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    from lupus.simulation import simulate

    pop, sched = workload(PATIENTS, flares=False)
    simulate(pop.select([0]), sched.select([0]), T)  # load compiled kernels
    t0 = time.perf_counter()
    c0 = time.process_time()
    ours = simulate(pop, sched, T)
    ours_wall = time.perf_counter() - t0
    ours_cpu = time.process_time() - c0
    print("ours solve", ours_wall, flush=True)

    rng = np.random.default_rng(0)
    sub = sorted(
        rng.choice(
            PATIENTS,
            size=max(args.rr_patients, args.scipy_patients, args.ref_patients),
            replace=False,
        ).tolist()
    )
    ref_idx = sub[: args.ref_patients]
    ref = simulate(
        pop.select(ref_idx), sched.select(ref_idx), T, method="scipy", rtol=1e-10, atol=1e-12
    )
    ref_arr = stacked(ref)
    ours_err = max_rel_error(stacked(ours)[ref_idx], ref_arr)
    result["ours"] = {
        "solve_wall_s": ours_wall,
        "solve_cpu_s": ours_cpu,
        "max_rel_error": ours_err,
        "mean_steps": float(ours.steps.mean()),
        "failed": int((ours.status != 0).sum()),
    }
    print("ours err", ours_err, flush=True)

    # (a) scipy: loosest rtol (and the faster of DOP853 / LSODA) that meets 1e-4
    best_scipy = None
    for method in ("DOP853", "LSODA"):
        for rtol in (1e-5, 1e-6, 1e-7, 1e-8):
            half = len(ref_idx) // 2
            _, arr = in_pool(
                _scipy_worker, [(ref_idx[:half], rtol, method), (ref_idx[half:], rtol, method)]
            )
            err = max_rel_error(arr, ref_arr)
            print("scipy", method, rtol, err, flush=True)
            if err <= 1e-4:
                idx = sub[: args.scipy_patients]
                h = len(idx) // 2
                wall, _ = in_pool(_scipy_worker, [(idx[:h], rtol, method), (idx[h:], rtol, method)])
                per_patient = wall / len(idx)
                cand = {
                    "method": method,
                    "rtol": rtol,
                    "max_rel_error": err,
                    "patients_timed": len(idx),
                    "wall_s_subset": wall,
                    "scaled_wall_s": per_patient * PATIENTS,
                }
                if best_scipy is None or cand["scaled_wall_s"] < best_scipy["scaled_wall_s"]:
                    best_scipy = cand
                break
    result["scipy_solve_ivp"] = best_scipy

    best_rr = None
    for rtol in (1e-6, 1e-7, 1e-8, 1e-9):
        half = len(ref_idx) // 2
        _, arr = in_pool(_rr_worker, [(ref_idx[:half], rtol), (ref_idx[half:], rtol)])
        err = max_rel_error(arr, ref_arr)
        print("roadrunner", rtol, err, flush=True)
        if err <= 1e-4:
            idx = sub[: args.rr_patients]
            h = len(idx) // 2
            wall, _ = in_pool(_rr_worker, [(idx[:h], rtol), (idx[h:], rtol)])
            best_rr = {
                "rtol": rtol,
                "max_rel_error": err,
                "patients_timed": len(idx),
                "wall_s_subset": wall,
                "scaled_wall_s": wall / len(idx) * PATIENTS,
                "note": "includes one SBML load+JIT per worker",
            }
            break
    result["libroadrunner"] = best_rr
    for key in ("scipy_solve_ivp", "libroadrunner"):
        if result[key]:
            result[key]["speed_ratio_vs_ours_solve"] = result[key]["scaled_wall_s"] / ours_wall
            result[key]["speed_ratio_vs_ours_command"] = (
                result[key]["scaled_wall_s"] / result["command_warm"]["median_wall_s"]
            )
    result["load_average_at_end"] = os.getloadavg()
    result["self_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    text = json.dumps(result, indent=2, default=float)
    print(text)
    print(markdown(result))
    if args.json:
        Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
