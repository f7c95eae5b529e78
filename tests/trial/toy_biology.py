"""A small closed-form biology for testing the trial engine without the mechanistic simulator.

It honours the :class:`~lupus.simulation.trial.biology.BiologyModel` contract (patients on the
leading axis, deterministic in the patients drawn, any subset reproducible) with obvious dynamics:
organ activity relaxes from its baseline toward a lower level, faster on an active drug, and
anti-dsDNA and complement follow activity. It is a test double, not a disease model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lupus.simulation.trial.biology import ORGANS, Biology, Covariates, PrednisoneSchedule
from lupus.simulation.trial.protocol import Arm

_EFFECT = {"placebo": 0.0, "belimumab": 0.35, "anifrolumab": 0.45, "cd19-car-t": 0.95}


@dataclass(frozen=True)
class ToyPatients:
    activity: NDArray[np.float64]  # (n, organs)
    dsdna: NDArray[np.float64]
    c3: NDArray[np.float64]
    c4: NDArray[np.float64]
    ifngs: NDArray[np.float64]
    upcr: NDArray[np.float64]
    b_cells: NDArray[np.float64]
    nephritis: NDArray[np.bool_]


class ToyBiology:
    version = "toy-biology-1"

    def ifngs_high_fold(self) -> float:
        return 2.0

    def draw(self, covariates: Covariates, seed: np.random.SeedSequence) -> ToyPatients:
        rng = np.random.default_rng(seed)
        n = covariates.n
        activity = rng.beta(1.2, 3.0, (n, len(ORGANS)))
        renal = ORGANS.index("renal")
        activity[:, renal] = np.where(
            covariates.nephritis, rng.beta(4, 2, n), activity[:, renal] * 0.4
        )
        return ToyPatients(
            activity=activity,
            dsdna=np.exp(rng.normal(3.5, 1.2, n)),
            c3=np.exp(rng.normal(np.log(0.9), 0.3, n)),
            c4=np.exp(rng.normal(np.log(0.13), 0.4, n)),
            ifngs=np.exp(rng.normal(1.3, 0.8, n)),
            upcr=np.where(covariates.nephritis, np.exp(rng.normal(1.0, 0.5, n)), 0.1),
            b_cells=np.exp(rng.normal(np.log(200), 0.4, n)),
            nephritis=covariates.nephritis,
        )

    def take(self, patients: ToyPatients, index: NDArray[np.intp]) -> ToyPatients:
        return ToyPatients(
            **{k: getattr(patients, k)[index] for k in patients.__dataclass_fields__}
        )

    def simulate(
        self,
        patients: Any,
        arm: Arm | None,
        prednisone: PrednisoneSchedule,
        days: NDArray[np.float64],
    ) -> Biology:
        p: ToyPatients = patients
        effect = 0.0 if arm is None else _EFFECT[arm.therapy]
        t = days[None, :]
        mean_pred = prednisone.mg_per_day[:, :1]
        relief = 1.0 - (0.15 + effect) * (1.0 - np.exp(-t / 40.0)) - 0.005 * mean_pred
        relief = np.clip(relief, 0.02, 1.0)
        organs = {o: np.clip(p.activity[:, k : k + 1] * relief, 0, 1) for k, o in enumerate(ORGANS)}
        b = p.b_cells[:, None] * np.ones_like(t)
        if arm is not None and arm.therapy == "cd19-car-t":
            back = 110.0
            b = np.where(
                t < 0, b, np.where(t < back, p.b_cells[:, None] * 0.001, p.b_cells[:, None] * 0.3)
            )
        labs = {
            "anti_dsdna_iu_ml": p.dsdna[:, None] * relief,
            "c3_g_l": p.c3[:, None] / np.sqrt(relief),
            "c4_g_l": p.c4[:, None] / np.sqrt(relief),
            "ifngs_fold": p.ifngs[:, None] * relief,
            "upcr_g_g": p.upcr[:, None] * relief,
            "egfr_ml_min": np.full_like(relief, 95.0),
            "b_cells_per_ul": b,
            "igg_g_l": np.full_like(relief, 14.0),
            "damage": 0.01 * t * np.ones((p.dsdna.shape[0], 1)),
        }
        ok = np.ones(p.dsdna.shape[0], dtype=bool)
        return Biology(days=days, organs=organs, labs=labs, ok=ok)
