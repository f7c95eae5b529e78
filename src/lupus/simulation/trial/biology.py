"""The interface between the trial engine and the mechanistic simulator.

The engine needs one thing from the biology: for a batch of virtual patients (population on the
leading axis), their states at given days under an arm's therapy and a per-patient prednisone
schedule. :class:`BiologyModel` is that contract; :mod:`lupus.simulation.trial.simulator` wires it
to :mod:`lupus.simulation`. Tests may provide their own implementation.

States the observation model reads (each ``(patients, days)``):

* ``organs``: latent organ activity, 0 (none) to 1 (maximal), for the names in :data:`ORGANS`
  (an organ the model does not carry is absent and reads as 0);
* ``labs``: the names in :data:`LABS` with their units in the name (absent = not modelled).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import numpy as np
from numpy.typing import NDArray

from lupus.simulation.trial.protocol import Arm

__all__ = [
    "LABS",
    "ORGANS",
    "Biology",
    "BiologyModel",
    "Covariates",
    "PrednisoneSchedule",
]

ORGANS: Final = (
    "musculoskeletal",
    "mucocutaneous",
    "renal",
    "hematological",
    "serosal",
    "constitutional",
    "vasculitis",
    "neuropsychiatric",
)
LABS: Final = (
    "anti_dsdna_iu_ml",
    "c3_g_l",
    "c4_g_l",
    "upcr_g_g",
    "egfr_ml_min",
    "b_cells_per_ul",
    "igg_g_l",
    "ifngs_fold",
    "platelets_10e9_l",
    "leukocytes_10e9_l",
    "damage",
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Covariates:
    """Patient characteristics the trial engine draws (one entry per patient).

    ``induction``: 0 none, 1 mycophenolate, 2 cyclophosphamide (lupus nephritis background).
    """

    age_years: FloatArray
    female: BoolArray
    weight_kg: FloatArray
    prednisone_mg: FloatArray
    immunosuppressant: BoolArray
    antimalarial: BoolArray
    nephritis: BoolArray
    refractory: BoolArray
    induction: NDArray[np.int8]
    egfr_ml_min: FloatArray

    @property
    def n(self) -> int:
        return int(self.age_years.shape[0])

    def take(self, index: NDArray[np.intp]) -> Covariates:
        return Covariates(**{k: getattr(self, k)[index] for k in self.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class PrednisoneSchedule:
    """Prednisone-equivalent mg/day per patient, constant from ``start_days[j]`` to the next."""

    start_days: FloatArray
    mg_per_day: FloatArray  # (patients, len(start_days))


@dataclass(frozen=True, slots=True)
class Biology:
    """States of a batch of patients at ``days``; ``ok`` is False where a solve failed."""

    days: FloatArray
    organs: Mapping[str, FloatArray]
    labs: Mapping[str, FloatArray]
    ok: BoolArray
    failure_reasons: Mapping[str, int] = field(default_factory=dict)

    def organ(self, name: str) -> FloatArray:
        """Activity of an organ, zeros when the model does not carry it."""
        shape = (self.ok.shape[0], self.days.shape[0])
        value = self.organs.get(name)
        return np.zeros(shape) if value is None else value

    def lab(self, name: str) -> FloatArray | None:
        return self.labs.get(name)


class BiologyModel(Protocol):
    """What the trial engine calls; see :mod:`lupus.simulation.trial.simulator`."""

    @property
    def version(self) -> str: ...

    def ifngs_high_fold(self) -> float:
        """IFN gene signature (fold over healthy) at or above which a patient is IFNGS-high."""
        ...

    def draw(self, covariates: Covariates, seed: np.random.SeedSequence) -> Any:
        """Plausible patients (parameters from the priors) for these covariates."""
        ...

    def take(self, patients: Any, index: NDArray[np.intp]) -> Any:
        """The sub-batch of ``patients`` at ``index``."""
        ...

    def simulate(
        self,
        patients: Any,
        arm: Arm | None,
        prednisone: PrednisoneSchedule,
        days: FloatArray,
    ) -> Biology:
        """States at ``days`` (day 0 = first dose); ``arm`` None = untreated screening."""
        ...
