"""The trial engine's biology: :mod:`lupus.simulation` (the QSP model) behind :class:`BiologyModel`.

* Patients: :func:`lupus.simulation.sample_population` (random effects from the parameter table)
  with the trial's covariates (weight; background prednisone, hydroxychloroquine and
  mycophenolate as the model's standard-of-care covariates). For lupus nephritis populations the
  baseline renal activity is drawn from a renal-active prior (below), since the protocol says
  every patient has active nephritis.
* Flares: :func:`lupus.simulation.flare_schedule`, drawn once per pool so any subset of patients
  keeps its own flares.
* Doses: the simulator's regimen builder (:func:`lupus.simulation.build_schedule`) for the label
  regimens; belimumab SC loading doses (lupus nephritis start) as extra depot doses.
* Glucocorticoid changes made by the trial conduct: the difference between the conduct's dose
  and the patient's background dose enters the model's glucocorticoid effect compartment as a
  zero-order input for each visit interval: positive for a rescue increase, negative for a taper
  (the simulator's taper records, :mod:`lupus.simulation.events`), so organ activity follows a
  taper through the model's own glucocorticoid Emax and organ dynamics.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

import lupus
from lupus.simulation import (
    ModelParameters,
    Population,
    Regimen,
    Schedule,
    build_schedule,
    default_parameters,
    flare_schedule,
    sample_covariates,
    sample_population,
    simulate,
)
from lupus.simulation.trial.biology import Biology, Covariates, PrednisoneSchedule
from lupus.simulation.trial.protocol import Arm

__all__ = ["MechanisticBiology", "default_model"]

# Background standard-of-care exposures for the model's covariates [A]: hydroxychloroquine at
# 5 mg/kg/day of real weight, at most 400 mg/day (the usual ceiling, see the care issue);
# mycophenolate 2 g/day maintenance, 3 g/day during lupus nephritis induction (mycophenolate or
# cyclophosphamide, expressed as mycophenolate-equivalent effect).
HCQ_MG_PER_KG: Final = 5.0
HCQ_MAX_MG: Final = 400.0
MMF_MAINTENANCE_MG: Final = 2000.0
MMF_INDUCTION_MG: Final = 3000.0
# Lupus nephritis populations: baseline renal activity index drawn logit-normal around this [A]
NEPHRITIS_RENAL0: Final = 0.35
NEPHRITIS_RENAL0_LOGIT_SD: Final = 0.8
# Belimumab SC loading (lupus nephritis): 400 mg weekly for the loading doses
# (BENLYSTA US PI section 2.2) [V]; then the maintenance dose every interval_days.
BEL_SC_LOADING_INTERVAL_DAYS: Final = 7.0
FLARE_START_DAY: Final = -7.0

_ORGAN_MAP: Final = {
    "renal": "organ_renal",
    "mucocutaneous": "organ_mucocutaneous",
    "musculoskeletal": "organ_musculoskeletal",
    "hematological": "organ_haematological",
    "serosal": "organ_serosal",
    "neuropsychiatric": "organ_neuropsychiatric",
    # constitutional features (fever) follow overall activity [A]
    "constitutional": "organ_activity",
}
_LAB_MAP: Final = {
    "anti_dsdna_iu_ml": "anti_dsdna",
    "c3_g_l": "c3",
    "c4_g_l": "c4",
    "upcr_g_g": "upcr",
    "b_cells_per_ul": "cd19_b_cells",
    "igg_g_l": "igg",
    "ifngs_fold": "ifngs",
    "damage": "damage",
}


@dataclass(frozen=True, slots=True)
class _Patients:
    population: Population
    egfr: NDArray[np.float64]
    induction_mg: NDArray[np.float64]  # extra mycophenolate-equivalent mg/day from day 0
    flare_patient: NDArray[np.int64]
    flare_time: NDArray[np.float64]
    flare_amount: NDArray[np.float64]
    flare_compartment: NDArray[np.int64]


def _zero_order(
    size: int,
    rows: NDArray[np.intp],
    starts: NDArray[np.float64],
    compartment: str,
    mg_per_day: NDArray[np.float64],
    duration: NDArray[np.float64],
) -> Schedule:
    """Zero-order inputs (``mg_per_day`` for ``duration`` days from ``starts``) into one
    effect compartment, for patients ``rows`` of a population of ``size``."""
    from lupus.simulation.events import compartment_index

    return Schedule(
        size,
        np.asarray(rows, dtype=np.int64),
        np.asarray(starts, dtype=float),
        np.full(len(rows), compartment_index(compartment), dtype=np.int64),
        np.asarray(mg_per_day, dtype=float) * duration,
        np.asarray(duration, dtype=float),
    )


class MechanisticBiology:
    """:class:`~lupus.simulation.trial.biology.BiologyModel` backed by :mod:`lupus.simulation`."""

    def __init__(
        self, parameters: ModelParameters | None = None, *, horizon_days: float = 3650.0
    ) -> None:
        self.parameters = parameters or default_parameters()
        self.horizon_days = horizon_days
        digest = hashlib.sha256(self.parameters.values.tobytes()).hexdigest()[:10]
        self._version = f"lupus-immunotherapy {lupus.__version__}; qsp parameters {digest}"

    @property
    def version(self) -> str:
        return self._version

    def ifngs_high_fold(self) -> float:
        return float(self.parameters["ifngs_high_cut"])

    def draw(self, covariates: Covariates, seed: np.random.SeedSequence) -> _Patients:
        n = covariates.n
        seeds = seed.generate_state(3, dtype=np.uint32)
        cov = sample_covariates(n, int(seeds[0]))
        cov[:, 0] = covariates.weight_kg
        cov[:, 4] = covariates.prednisone_mg
        cov[:, 5] = np.where(
            covariates.antimalarial,
            np.minimum(HCQ_MAX_MG, HCQ_MG_PER_KG * covariates.weight_kg),
            0.0,
        )
        # Lupus nephritis induction starts at day 0: the pre-trial steady state carries the
        # patient's previous immunosuppressant (maintenance dose, or none for those drawn as
        # immunosuppressant users only because of the induction), and the induction dose is an
        # extra input from day 0 (see _induction).
        previous = covariates.immunosuppressant & (covariates.induction == 0)
        cov[:, 6] = np.where(previous, MMF_MAINTENANCE_MG, 0.0)
        induction_extra = np.where(covariates.induction > 0, MMF_INDUCTION_MG - cov[:, 6], 0.0)
        pop = sample_population(n, int(seeds[1]), self.parameters, covariates=cov)
        if covariates.nephritis.any():
            rng = np.random.default_rng(int(seeds[2]))
            theta = np.array(pop.theta)
            j = self.parameters.index("organ_renal0")
            logit = np.log(NEPHRITIS_RENAL0 / (1 - NEPHRITIS_RENAL0)) + rng.normal(
                0.0, NEPHRITIS_RENAL0_LOGIT_SD, n
            )
            theta[:, j] = np.where(covariates.nephritis, 1 / (1 + np.exp(-logit)), theta[:, j])
            pop = Population(pop.parameters, theta, pop.covariates)
        flares = flare_schedule(pop, FLARE_START_DAY, self.horizon_days, int(seeds[2]))
        return _Patients(
            pop,
            np.asarray(covariates.egfr_ml_min, dtype=float),
            induction_extra,
            np.asarray(flares.patient),
            np.asarray(flares.time),
            np.asarray(flares.amount),
            np.asarray(flares.compartment),
        )

    def take(self, patients: Any, index: NDArray[np.intp]) -> _Patients:
        p: _Patients = patients
        idx = np.asarray(index, dtype=np.int64)
        new_id = np.full(p.population.size, -1, dtype=np.int64)
        new_id[idx] = np.arange(idx.size)
        keep = new_id[p.flare_patient] >= 0
        return _Patients(
            p.population.select(idx),
            p.egfr[idx],
            p.induction_mg[idx],
            new_id[p.flare_patient[keep]],
            p.flare_time[keep],
            p.flare_amount[keep],
            p.flare_compartment[keep],
        )

    def _flares(self, p: _Patients, end_day: float) -> Schedule:
        keep = p.flare_time < end_day
        return Schedule(
            p.population.size,
            p.flare_patient[keep],
            p.flare_time[keep],
            p.flare_compartment[keep],
            p.flare_amount[keep],
            np.zeros(int(keep.sum())),
        )

    def _regimen(self, arm: Arm | None, pop: Population, end_day: float) -> Schedule:
        n = pop.size
        if arm is None or arm.therapy == "placebo":
            return Schedule.empty(n)
        assert arm.dose is not None
        if arm.therapy == "belimumab" and arm.route == "sc":
            interval = float(arm.interval_days or 7)
            start = 0.0
            parts = Schedule.empty(n)
            if arm.loading_dose is not None and arm.loading_doses:
                times = [BEL_SC_LOADING_INTERVAL_DAYS * k for k in range(arm.loading_doses)]
                times = [t for t in times if t < end_day]
                if times:
                    parts = Schedule.from_doses(n, "bel_depot", times, arm.loading_dose.value)
                start = BEL_SC_LOADING_INTERVAL_DAYS * arm.loading_doses
            maintenance = list(np.arange(start, end_day, interval))
            if maintenance:
                parts = parts.merge(
                    Schedule.from_doses(n, "bel_depot", maintenance, arm.dose.value)
                )
            return parts
        route = "iv" if arm.therapy != "belimumab" else str(arm.route)
        regimen = Regimen(arm.therapy, route, arm.dose.value, arm.dose.unit, arm.interval_days)
        return build_schedule(regimen, pop, end_day)

    @staticmethod
    def _glucocorticoid(
        pop: Population, prednisone: PrednisoneSchedule, end_day: float
    ) -> Schedule:
        base = pop.covariate("GC_MG_DAY")
        starts = prednisone.start_days
        ends = np.append(starts[1:], end_day)
        # mg/day above (rescue) or below (taper) the background dose, per visit interval
        extra = prednisone.mg_per_day - base[:, None]
        rows, cols = np.nonzero(np.abs(extra) > 1e-9)
        duration = (ends - starts)[cols]
        ok = duration > 0
        rows, cols, duration = rows[ok], cols[ok], duration[ok]
        return _zero_order(pop.size, rows, starts[cols], "gc_effect", extra[rows, cols], duration)

    @staticmethod
    def _induction(p: _Patients, end_day: float) -> Schedule:
        """Lupus nephritis induction from day 0: extra mycophenolate-equivalent input (mg/day)."""
        rows = np.flatnonzero(p.induction_mg > 0)
        return _zero_order(
            p.population.size,
            rows,
            np.zeros(rows.size),
            "mmf_effect",
            p.induction_mg[rows],
            np.full(rows.size, end_day),
        )

    def simulate(
        self,
        patients: Any,
        arm: Arm | None,
        prednisone: PrednisoneSchedule,
        days: NDArray[np.float64],
    ) -> Biology:
        p: _Patients = patients
        pop = p.population
        end_day = float(days[-1]) + 1.0
        schedule = self._regimen(arm, pop, end_day)
        schedule = schedule.merge(self._flares(p, end_day))
        schedule = schedule.merge(self._glucocorticoid(pop, prednisone, end_day))
        if arm is not None and arm.therapy != "cd19-car-t":
            schedule = schedule.merge(self._induction(p, end_day))
        traj = simulate(pop, schedule, np.asarray(days, dtype=float))
        organs = {name: np.nan_to_num(traj[series]) for name, series in _ORGAN_MAP.items()}
        labs = {name: np.nan_to_num(traj[series]) for name, series in _LAB_MAP.items()}
        labs["egfr_ml_min"] = np.repeat(p.egfr[:, None], days.shape[0], axis=1)
        reasons: dict[str, int] = {}
        for _, message in traj.failures():
            reasons[message] = reasons.get(message, 0) + 1
        return Biology(
            days=np.asarray(days, dtype=float),
            organs=organs,
            labs=labs,
            ok=np.asarray(traj.ok),
            failure_reasons=reasons,
        )


def default_model() -> MechanisticBiology:
    """The calibrated model: the parameter table with the committed calibration applied."""
    from lupus.simulation.trial.calibration import calibrated_parameters

    return MechanisticBiology(calibrated_parameters())
