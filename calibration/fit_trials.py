"""Fit the population-level parameters of the virtual-trial model to the calibration set.

One model for all trials: the fitted values are population-level (simulator parameters and
observation/conduct parameters), never per-trial switches. Targets: every ``[[published]]`` value
of the four calibration protocols in ``examples/trials/`` (BLISS-52, BLISS-76, TULIP-2,
Mackensen-2022), plus the Mackensen SLEDAI-2K at 3 months (published as a median of 0, range 0-2,
so the simulated mean is pulled toward 0.4 with an SD of 0.4; derived, see docs/trials.md).

Objective: sum over targets of ((simulated - published) / SE)^2, SE = the width of the published
95% interval (Wilson for proportions, t for means) / (2 x 1.96). Search: coordinate descent on the
parameters scaled to [0, 1] within their bounds (each sweep tries every parameter one step up and
one step down and keeps an improvement, then repeats the sweep's net move once, Hooke-Jeeves
style; the step halves after each sweep), with common random numbers (fixed seed), from the
committed values or ``--start`` values. Usage::

    .venv/bin/python calibration/fit_trials.py [--patients-per-arm 150] [--sweeps 2] [--step 0.2]
        [--trace calibration/fit_result.json]

The committed calibration (session 4, after the model gained tissue-niche BLyS, a sigmoid
immune-complex organ drive, convex proteinuria and serological drift) came from four stages, each
starting from the file the previous wrote, all with ``--serology-prior`` and seed 11:
``--patients-per-arm 400 --sweeps 2 --step 0.12 --trace calibration/fit_result_stage3.json`` (20
parameters; its start, in the trace, is the interim best of an aborted run on an intermediate
model version, with ``organ_ic_saturation=0.6 w_ifn_renal=0.1``), ``--patients-per-arm 600
--sweeps 1 --step 0.06`` (stage 4, 20 parameters), ``--patients-per-arm 1000 --sweeps 1 --step
0.04`` (stage 5, 14 parameters) and ``--patients-per-arm 1000 --sweeps 1 --step 0.05`` (stage 6,
16 parameters, loss 93.46: the committed values). The ``--only`` lists are in docs/trials.md;
the stage-6 trace also records them as ``fitted``. The session-2 traces (stages 1 and 2) belong
to the earlier model.

``--serology-prior`` adds soft priors on BLISS-52 serology to the loss (SEROLOGY_PRIOR), and the
parameters of ``EXTRA_SPACE`` (global factors on the organ weights of immune complexes and
plasmablasts, BILAG assessor noise) are fitted when named in ``--only`` or ``--start``.

Writes ``src/lupus/simulation/trial/data/calibrated.toml`` (the committed calibration read by the
engine) and the trace (every evaluation and the final fit).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ("bliss-52", "bliss-76", "tulip-2", "mackensen-2022")
OUTPUT = ROOT / "src" / "lupus" / "simulation" / "trial" / "data" / "calibrated.toml"
TRACE = ROOT / "calibration" / "fit_result.json"

# name -> (table, lower, upper); table "parameters" = simulator, "observation" = observation model
SPACE: dict[str, tuple[str, float, float]] = {
    "enrolment_excess": ("observation", 0.0, 2.0),
    "bilag_a": ("observation", 0.55, 0.95),
    "bilag_b": ("observation", 0.25, 0.6),
    "w_ifn_mucocutaneous": ("parameters", 0.02, 1.0),
    "w_ifn_musculoskeletal": ("parameters", 0.02, 1.0),
    "w_ifn_renal": ("parameters", 0.02, 1.0),
    "bel_block": ("parameters", 0.1, 0.9),
    "organ_drive_hill": ("parameters", 1.0, 4.0),
    "car_alpha": ("parameters", 0.04, 0.2),
    "b_pre_recovery": ("parameters", 0.015, 0.08),
    "ifn_ic_share": ("parameters", 0.3, 0.95),
    "gc_emax": ("parameters", 0.3, 0.9),
    "visit_noise_sd": ("observation", 0.0, 0.1),
    "pga_intercept": ("observation", 0.05, 0.5),
    "dropout_efficacy_share": ("observation", 0.1, 1.0),
    "anti_dsdna_llpc_share": ("parameters", 0.03, 0.35),
    "organ_basal_drive": ("parameters", 0.0, 0.2),
    "upcr_k": ("parameters", 0.01, 0.15),
    "organ_resolution": ("parameters", 0.015, 0.15),
    "enrolment_days": ("observation", 5.0, 180.0),
    "enrolment_fast_excess": ("observation", 0.0, 1.5),
    "enrolment_fast_days": ("observation", 3.0, 30.0),
    "mild_flare_rescue_probability": ("observation", 0.05, 1.0),
    "severe_flare_rescue_probability": ("observation", 0.05, 1.0),
    "severe_flare_immunosuppressant_probability": ("observation", 0.05, 1.0),
    "threshold_scale": ("observation", 0.7, 1.3),
    "fluctuation_sd": ("observation", 0.01, 0.12),
    "fluctuation_days": ("observation", 20.0, 180.0),
    "organ_ic_saturation": ("parameters", 0.05, 2.0),
    "organ_ic_hill": ("parameters", 1.0, 4.0),
    "bel_local_ec50": ("parameters", 20.0, 600.0),
    "upcr_exponent": ("parameters", 1.0, 4.0),
    "upcr_gain": ("parameters", 2.0, 10.0),
    "serology_fluctuation_sd": ("observation", 0.0, 0.4),
    "serology_fluctuation_days": ("observation", 20.0, 180.0),
}
# Opt-in parameters, fitted only when named in --only or --start (or already carried by the
# committed calibration: the session-4 stages 3-5 fitted w_ic_scale, w_pb_scale and
# bilag_noise_sd). "scale": one factor on the table's per-organ weights of immune complexes /
# plasmablasts in the organ drive (w_ic_<organ>, w_pb_<organ>), so the organs keep their relative
# (prior) weights.
EXTRA_SPACE: dict[str, tuple[str, float, float]] = {
    "w_ic_scale": ("scale", 0.05, 1.5),
    "w_pb_scale": ("scale", 0.05, 1.5),
    "bilag_noise_sd": ("observation", 0.0, 0.25),
}
MACKENSEN_SLEDAI_TARGET = (0.4, 0.4)  # derived: median 0, range 0-2 at 3 months (n = 5)
# Opt-in (--serology-prior): soft priors on serology in BLISS-52, each a mean and an SD (not a
# published interval): anti-dsDNA -41% over 52 weeks on belimumab (BLISS summary,
# trials-calibration.md section 1, [V2]; pkpd.md section 7.4; Stohl 2012 gives about -30 to -40%,
# [M], hence the SD) and about -10% on placebo; low C3 normalised at week 52 in about 38% on
# belimumab 10 mg/kg and 17% on placebo (Stohl 2012, [M], approximate, hence the wide SDs).
SEROLOGY_PRIOR: tuple[tuple[str, str, str, tuple[float, float]], ...] = (
    ("bliss-52", "belimumab 10 mg/kg IV", "anti-dsdna-change@52", (-41.0, 10.0)),
    ("bliss-52", "placebo", "anti-dsdna-change@52", (-10.0, 6.0)),
    ("bliss-52", "belimumab 10 mg/kg IV", "c3-normalized@52", (0.38, 0.08)),
    ("bliss-52", "placebo", "c3-normalized@52", (0.17, 0.06)),
)


def _space(name: str) -> tuple[str, float, float]:
    return SPACE[name] if name in SPACE else EXTRA_SPACE[name]


def _current(extra: tuple[str, ...] = ()) -> dict[str, float]:
    """The committed values of the fitted parameters (and of the opt-in ``extra`` ones)."""
    from lupus.simulation import default_parameters
    from lupus.simulation.trial.calibration import calibration_table
    from lupus.simulation.trial.observation import load_observation_parameters

    table = calibration_table()
    obs = load_observation_parameters()["calibrated"]
    sim = default_parameters()
    out = {}
    for name in (*SPACE, *extra):
        where = _space(name)[0]
        if where == "parameters":
            out[name] = float(table["parameters"].get(name, sim[name]))
        elif where == "scale":  # the committed renal weight over the table's renal weight
            weight = name.replace("_scale", "_renal")
            out[name] = float(table["parameters"].get(weight, sim[weight])) / float(sim[weight])
        else:
            out[name] = float(obs[name])
    return out


def _committed_scales() -> set[str]:
    """The organ-weight scales a committed calibration already carries (its w_*_renal)."""
    from lupus.simulation.trial.calibration import calibration_table

    table = calibration_table()["parameters"]
    return {
        k
        for k, v in EXTRA_SPACE.items()
        if v[0] == "scale" and k.replace("_scale", "_renal") in table
    }


def _split(values: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Simulator parameters (organ-weight scales expanded into the per-organ weights) and
    observation parameters."""
    sim = {k: v for k, v in values.items() if _space(k)[0] == "parameters"}
    obs = {k: v for k, v in values.items() if _space(k)[0] == "observation"}
    scales = {k: v for k, v in values.items() if _space(k)[0] == "scale"}
    if scales:
        from lupus.simulation import default_parameters
        from lupus.simulation._derive import ORGANS

        table = default_parameters()
        for name, factor in scales.items():
            prefix = name.removesuffix("_scale")
            for organ in ORGANS:
                sim[f"{prefix}_{organ}"] = float(table[f"{prefix}_{organ}"]) * factor
    return sim, obs


def run_protocol(name: str, values: dict[str, float], n: int, seed: int) -> dict[str, Any]:
    """Simulate one calibration protocol; return its comparisons (JSON-ready)."""
    from lupus.simulation.trial import load_protocol, run_trial
    from lupus.simulation.trial.calibration import calibrated_parameters
    from lupus.simulation.trial.simulator import MechanisticBiology

    sim, obs = _split(values)
    protocol = load_protocol(ROOT / "examples" / "trials" / f"{name}.toml")
    model = MechanisticBiology(calibrated_parameters(sim))
    result = run_trial(
        protocol, patients_per_arm=n, seed=seed, model=model, observation_overrides=obs
    )
    return result.to_json()


def objective_terms(
    results: dict[str, dict[str, Any]], *, serology_prior: bool = False
) -> list[tuple[str, float]]:
    terms: list[tuple[str, float]] = []
    for name, data in results.items():
        for c in data["published"]:
            lo, hi = c["published_ci95"]
            se = max((hi - lo) / (2 * 1.959964), 1e-3)
            sim = c["simulated"]["value"]
            z = 10.0 if sim is None else (sim - c["published"]) / se
            terms.append((f"{name}:{c['arm']}:{c['endpoint']}", z))
        terms.extend(baseline_terms(name, data))
        for protocol, arm_name, endpoint, (target, sd) in SEROLOGY_PRIOR if serology_prior else ():
            if protocol != name:
                continue
            arm = next(a for a in data["arms"] if a["name"] == arm_name)
            value = arm["endpoints"][endpoint]["value"]
            terms.append((f"{name}:{arm_name}:{endpoint} (prior)", (value - target) / sd))
        if name == "mackensen-2022":
            arm = data["arms"][0]
            value = arm["endpoints"]["sledai-2k-mean@12"]["value"]
            target, sd = MACKENSEN_SLEDAI_TARGET
            terms.append((f"{name}:sledai-2k-mean@12", (value - target) / sd))
    return terms


def baseline_terms(name: str, data: dict[str, Any]) -> list[tuple[str, float]]:
    """The enrolled virtual population against the protocol's own baseline values.

    Only characteristics the protocol states (not model defaults) count; the SE is that of the
    published value for the whole trial (binomial for fractions, SD / sqrt(N) for the SLEDAI
    mean; N = the published arm sizes added up) combined with the simulated value's Monte-Carlo
    error. Without these terms the fit can move the
    observation model until the selection weights no longer reproduce the enrolled population.
    """
    population = data["population"]
    defaults = population.get("defaults_used", {})
    targets = population["targets"]
    achieved = data["arms"][0]["baseline"]
    sizes = {c["arm"]: c["n"] for c in data["published"] if c.get("n")}
    total = max(sum(sizes.values()), 1)
    n_sim = max(int(data["arms"][0]["n"]), 1)
    terms: list[tuple[str, float]] = []
    for key, target in targets.items():
        if f"population.{key}" in defaults or key not in achieved or achieved[key] is None:
            continue
        # sampling error of the published value and of the simulated one (n_sim patients)
        if key == "sledai_mean":
            var = targets.get("sledai_sd", 4.0) ** 2
        elif key in BASELINE_FRACTIONS:
            var = max(target * (1 - target), 0.01)
        else:
            continue
        se = math.sqrt(var / total + var / n_sim)
        terms.append((f"{name}:baseline:{key}", (achieved[key] - target) / se))
    return terms


BASELINE_FRACTIONS = (
    "anti_dsdna_positive",
    "low_c3",
    "low_c4",
    "bilag_1a_or_2b",
)


def evaluate(
    values: dict[str, float],
    n: int,
    seed: int,
    pool: ProcessPoolExecutor,
    *,
    serology_prior: bool = False,
) -> Any:
    futures = {p: pool.submit(run_protocol, p, values, n, seed) for p in PROTOCOLS}
    results = {p: f.result() for p, f in futures.items()}
    terms = objective_terms(results, serology_prior=serology_prior)
    return sum(z * z for _, z in terms), terms, results


def write_calibration(values: dict[str, float], note: str) -> None:
    sim, obs = _split(values)
    lines = [
        "# Committed calibration, written by calibration/fit_trials.py (do not edit by hand).",
        f"# {note}",
        "# [parameters]: typical values of the simulator's assumed parameters (replace the table's",
        "# values); [observation]: the [calibrated] entries of data/observation.toml.",
        "[parameters]",
        *(f"{k} = {v:.6g}" for k, v in sim.items()),
        "",
        "[observation]",
        *(f"{k} = {v:.6g}" for k, v in obs.items()),
        "",
    ]
    OUTPUT.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients-per-arm", type=int, default=150)
    parser.add_argument("--sweeps", type=int, default=2)
    parser.add_argument("--step", type=float, default=0.2)
    parser.add_argument("--trace", type=Path, default=TRACE)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--start",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="starting values that replace the committed ones (e.g. after a model change)",
    )
    parser.add_argument(
        "--only",
        default="",
        metavar="NAME,NAME",
        help="fit only these parameters (the others keep their committed values)",
    )
    parser.add_argument(
        "--serology-prior",
        action="store_true",
        help="add the soft priors on BLISS-52 serology (SEROLOGY_PRIOR) to the loss",
    )
    args = parser.parse_args(argv)
    known = {**SPACE, **EXTRA_SPACE}
    names = list(SPACE)
    if args.only:
        chosen = [k.strip() for k in args.only.split(",") if k.strip()]
        unknown = [k for k in chosen if k not in known]
        if unknown:
            parser.error(f"--only: not fitted parameters: {unknown}")
        names = chosen
    starts = dict(item.partition("=")[::2] for item in args.start)
    for name in starts:
        if name not in known:
            parser.error(f"--start: {name!r} is not a fitted parameter")
    committed = _committed_scales()
    extra = tuple(k for k in EXTRA_SPACE if k in names or k in starts or k in committed)
    lower = np.array([known[k][1] for k in names])
    upper = np.array([known[k][2] for k in names])
    start = _current(extra)
    for name, value in starts.items():
        start[name] = float(value)
    x0 = np.array([(start[k] - lower[i]) / (upper[i] - lower[i]) for i, k in enumerate(names)])
    trace: list[dict[str, Any]] = []
    best: dict[str, Any] = {"loss": math.inf}
    t0 = time.time()

    with ProcessPoolExecutor(max_workers=args.workers) as pool:

        def loss(u: np.ndarray) -> float:
            values = dict(start)  # parameters left out by --only keep their start values
            values.update(
                {k: float(lower[i] + u[i] * (upper[i] - lower[i])) for i, k in enumerate(names)}
            )
            total, terms, _ = evaluate(
                values, args.patients_per_arm, args.seed, pool, serology_prior=args.serology_prior
            )
            trace.append({"values": values, "loss": total, "terms": dict(terms)})
            if total < best["loss"]:
                best.update(loss=total, values=values, terms=dict(terms))
                write_calibration(values, f"interim best, loss {total:.2f}")
            worst = sorted(terms, key=lambda t: -abs(t[1]))[:4]
            print(
                f"[{len(trace):3d}] {time.time() - t0:7.0f}s loss {total:9.2f} "
                f"best {best['loss']:9.2f}  worst: "
                + "; ".join(f"{name.split(':', 1)[1]} z={z:+.1f}" for name, z in worst),
                flush=True,
            )
            return total

        x = np.clip(x0, 0.0, 1.0)
        current = loss(x)
        step = args.step
        for _ in range(args.sweeps):
            sweep_start = x.copy()
            for i in range(x.size):
                for direction in (1.0, -1.0):
                    trial = x.copy()
                    trial[i] = float(np.clip(x[i] + direction * step, 0.0, 1.0))
                    if trial[i] == x[i]:
                        continue
                    value = loss(trial)
                    if value < current:
                        x, current = trial, value
                        break
            # pattern move (Hooke-Jeeves): repeat the sweep's net move once
            if np.any(x != sweep_start):
                trial = np.clip(x + (x - sweep_start), 0.0, 1.0)
                value = loss(trial)
                if value < current:
                    x, current = trial, value
            step /= 2.0
    write_calibration(
        best["values"],
        f"coordinate descent, {len(trace)} evaluations, {args.patients_per_arm} patients per arm, "
        f"seed {args.seed}; loss {best['loss']:.2f} (sum of squared z over "
        f"{len(best['terms'])} targets)",
    )
    args.trace.write_text(
        json.dumps(
            {
                "method": "coordinate descent on bounded, [0, 1]-scaled parameters; common random "
                "numbers",
                "patients_per_arm": args.patients_per_arm,
                "seed": args.seed,
                "space": {
                    k: {"table": t, "lower": lo, "upper": hi} for k, (t, lo, hi) in SPACE.items()
                },
                "fitted": names,
                "start": start,
                "best": best,
                "trace": trace,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
