"""Dose events: the schedule the solver is told about, and NONMEM/rxode2-style event tables.

A :class:`Schedule` holds dosing records as parallel arrays (one row per dose, any number of
patients). Records follow NONMEM/rxode2 conventions:

===========  =============================================================================
column       meaning
===========  =============================================================================
ID           patient identifier (any text or integer; patients keep first-appearance order)
TIME         dose time in days (may be negative, e.g. lymphodepletion before CAR T)
EVID         1 = dose; 0 (observation) and 2 (other) rows are ignored; 3/4 (reset) refused
AMT          amount: mg for drugs, cells for CAR T (``car_effector``), AU for ``flare_trigger``
CMT          compartment by name (see :data:`DOSING_COMPARTMENTS`), case-insensitive
RATE         zero-order rate in amount/day; 0 or empty = bolus (RATE -1/-2 refused)
DUR          infusion duration in days (alternative to RATE)
II           interdose interval in days for ADDL additional doses
ADDL         number of additional doses after this one, every II days
SS           must be 0 or empty (steady-state dosing is not supported)
MDV          accepted and ignored
===========  =============================================================================

A taper of a background standard-of-care dose (covariates ``GC_MG_DAY`` etc.) is a negative
zero-order record (negative AMT with DUR) into its effect compartment: it lowers the input rate by
AMT/DUR mg/day for DUR days.

Covariate columns are recognised by name (``WT_KG``, ``ALB_G_L``, ``IGG_G_L``, ``HEIGHT_CM``,
``GC_MG_DAY``, ``HCQ_MG_DAY``, ``MMF_MG_DAY``); each must be constant within a patient.
A dose into ``bel_depot`` is the subcutaneous route: bioavailability and absorption lag are
applied when the schedule is compiled. Standard-of-care compartments (``gc_effect``,
``hcq_effect``, ``mmf_effect``) take zero-order RATE records in mg/day.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from lupus.simulation import _layout as L
from lupus.simulation._derive import COVARIATE_NAMES, COVARIATES
from lupus.simulation.errors import EventTableError

__all__ = [
    "DOSING_COMPARTMENTS",
    "EventTable",
    "Schedule",
    "read_event_table",
]

# Compartments that accept doses: name -> (unit of AMT, allows zero-order rate)
DOSING_COMPARTMENTS: dict[str, tuple[str, bool]] = {
    "bel_central": ("mg", True),
    "bel_depot": ("mg", False),
    "ani_central": ("mg", True),
    "car_effector": ("cells", False),
    "cyclophosphamide": ("mg", True),
    "fludarabine": ("mg", True),
    "gc_effect": ("mg", True),
    "hcq_effect": ("mg", True),
    "mmf_effect": ("mg", True),
    "flare_trigger": ("AU", False),
}

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# standard-of-care effect compartments: negative zero-order records taper a background dose
_SOC_STATES = frozenset(
    L.STATE_NAMES.index(name) for name in ("gc_effect", "hcq_effect", "mmf_effect")
)


def _ro(a: NDArray[np.generic]) -> NDArray[np.generic]:
    a = np.array(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, slots=True)
class Schedule:
    """Dosing records for ``n_patients`` patients (row ``patient`` is a 0-based index).

    ``duration`` 0 means a bolus; otherwise ``amount`` is delivered at a constant rate over
    ``duration`` days.
    """

    n_patients: int
    patient: I64 = field(repr=False)
    time: F64 = field(repr=False)
    compartment: I64 = field(repr=False)  # state index
    amount: F64 = field(repr=False)
    duration: F64 = field(repr=False)

    def __post_init__(self) -> None:
        n = len(self.patient)
        for name in ("time", "compartment", "amount", "duration"):
            if len(getattr(self, name)) != n:
                raise EventTableError(name, len(getattr(self, name)), f"{n} entries")
        if self.n_patients < 0:
            raise EventTableError("n_patients", self.n_patients, "an integer >= 0")
        pat = np.asarray(self.patient, dtype=np.int64)
        if n and (pat.min() < 0 or pat.max() >= self.n_patients):
            raise EventTableError("patient", int(pat.max()), f"0 to {self.n_patients - 1}")
        time = np.asarray(self.time, dtype=np.float64)
        amount = np.asarray(self.amount, dtype=np.float64)
        duration = np.asarray(self.duration, dtype=np.float64)
        if not np.all(np.isfinite(time)):
            raise EventTableError("TIME", "non-finite", "finite days")
        if np.any(~np.isfinite(amount)):
            raise EventTableError("AMT", "non-finite", "finite amounts")
        cmt_arr = np.asarray(self.compartment, dtype=np.int64)
        negative = amount < 0
        if np.any(negative):
            # a negative zero-order record lowers a background standard-of-care input (taper)
            ok = np.isin(cmt_arr[negative], list(_SOC_STATES)) & (duration[negative] > 0)
            if not np.all(ok):
                raise EventTableError(
                    "AMT",
                    float(amount[negative][~ok][0]),
                    "an amount >= 0 (negative only for zero-order records into "
                    "gc_effect, hcq_effect or mmf_effect, to taper a background dose)",
                )
        if np.any(~np.isfinite(duration)) or np.any(duration < 0):
            raise EventTableError("DUR", float(duration.min()), "durations >= 0 days")
        cmt = np.asarray(self.compartment, dtype=np.int64)
        allowed = {L.STATE_NAMES.index(c) for c in DOSING_COMPARTMENTS}
        for c in np.unique(cmt):
            if int(c) not in allowed:
                raise EventTableError("CMT", int(c), "a dosing compartment")
        object.__setattr__(self, "patient", _ro(pat))
        object.__setattr__(self, "time", _ro(time))
        object.__setattr__(self, "compartment", _ro(cmt))
        object.__setattr__(self, "amount", _ro(amount))
        object.__setattr__(self, "duration", _ro(duration))

    @staticmethod
    def empty(n_patients: int) -> Schedule:
        z = np.zeros(0)
        return Schedule(n_patients, z.astype(np.int64), z, z.astype(np.int64), z, z)

    @staticmethod
    def from_doses(
        n_patients: int,
        compartment: str,
        times: Sequence[float] | F64,
        amount: float | F64,
        *,
        duration: float = 0.0,
    ) -> Schedule:
        """The same dose times for every patient; ``amount`` scalar or one per patient."""
        cmt = compartment_index(compartment)
        t = np.asarray(times, dtype=np.float64)
        amt = np.broadcast_to(np.asarray(amount, dtype=np.float64), (n_patients,))
        pat = np.repeat(np.arange(n_patients, dtype=np.int64), len(t))
        return Schedule(
            n_patients,
            pat,
            np.tile(t, n_patients),
            np.full(len(pat), cmt, dtype=np.int64),
            np.repeat(amt, len(t)),
            np.full(len(pat), duration),
        )

    def merge(self, other: Schedule) -> Schedule:
        """Both schedules' records (same patients)."""
        if other.n_patients != self.n_patients:
            raise EventTableError("n_patients", other.n_patients, f"{self.n_patients}")
        return Schedule(
            self.n_patients,
            np.concatenate([self.patient, other.patient]),
            np.concatenate([self.time, other.time]),
            np.concatenate([self.compartment, other.compartment]),
            np.concatenate([self.amount, other.amount]),
            np.concatenate([self.duration, other.duration]),
        )

    def select(self, patients: Sequence[int] | I64) -> Schedule:
        """The records of some patients, renumbered 0..len(patients)-1 in the given order."""
        idx = np.asarray(patients, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= self.n_patients):
            raise EventTableError("patients", int(idx.max()), f"0 to {self.n_patients - 1}")
        order = np.argsort(self.patient, kind="stable")
        counts = np.bincount(self.patient, minlength=self.n_patients)
        starts = np.concatenate([[0], np.cumsum(counts)])
        rows = (
            np.concatenate([order[starts[p] : starts[p + 1]] for p in idx])
            if idx.size
            else np.zeros(0, dtype=np.int64)
        )
        new_pat = np.repeat(np.arange(idx.size, dtype=np.int64), counts[idx])
        return Schedule(
            len(idx),
            new_pat,
            self.time[rows],
            self.compartment[rows],
            self.amount[rows],
            self.duration[rows],
        )

    def dose_times(self, patient: int) -> F64:
        return np.sort(self.time[self.patient == patient])


def compartment_index(name: str) -> int:
    key = name.strip().lower()
    if key not in DOSING_COMPARTMENTS:
        raise EventTableError("CMT", name, "one of: " + ", ".join(DOSING_COMPARTMENTS))
    return L.STATE_NAMES.index(key)


@dataclass(frozen=True, slots=True)
class EventTable:
    """A parsed event table: the schedule, the patient ids and the covariate matrix."""

    ids: tuple[str, ...]
    schedule: Schedule
    covariates: F64 = field(repr=False)  # patients x len(COVARIATE_NAMES)


_KNOWN = {"ID", "TIME", "EVID", "AMT", "CMT", "RATE", "DUR", "II", "ADDL", "SS", "MDV", "DV"}


def _num(row: int, col: str, text: str | None, *, default: float | None = None) -> float:
    if text is None or text.strip() in ("", "."):
        if default is None:
            raise EventTableError(f"row {row} column {col}", text or "", "a number")
        return default
    try:
        value = float(text)
    except ValueError:
        raise EventTableError(f"row {row} column {col}", text, "a number") from None
    if not math.isfinite(value):
        raise EventTableError(f"row {row} column {col}", text, "a finite number")
    return value


def read_event_table(source: str | Path | Iterable[str]) -> EventTable:
    """Parse a NONMEM/rxode2-style CSV event table (path, or an iterable of lines).

    II/ADDL are expanded; RATE and DUR become durations. Errors name the row (1 = first data
    row) and the column.
    """
    if isinstance(source, str | Path):
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise EventTableError("events", str(source), f"a readable CSV file ({exc})") from None
        lines: Iterable[str] = io.StringIO(text)
    else:
        lines = source
    reader = csv.DictReader(lines)
    header = [h.strip().upper() for h in (reader.fieldnames or [])]
    if not header:
        raise EventTableError("events", "empty", "a CSV table with a header row")
    reader.fieldnames = header
    for required in ("ID", "TIME", "AMT", "CMT"):
        if required not in header:
            raise EventTableError("header", ",".join(header), f"a column named {required}")
    unknown = [h for h in header if h not in _KNOWN and h not in COVARIATE_NAMES]
    if unknown:
        raise EventTableError(
            "header",
            unknown[0],
            "ID, TIME, EVID, AMT, CMT, RATE, DUR, II, ADDL, SS, MDV, DV or a covariate ("
            + ", ".join(COVARIATE_NAMES)
            + ")",
        )
    ids: list[str] = []
    index_of: dict[str, int] = {}
    covs: dict[str, dict[str, float]] = {}
    pat: list[int] = []
    times: list[float] = []
    cmts: list[int] = []
    amts: list[float] = []
    durs: list[float] = []
    n_rows = 0
    for r, row in enumerate(reader, start=1):
        n_rows += 1
        pid = (row.get("ID") or "").strip()
        if not pid:
            raise EventTableError(f"row {r} column ID", "", "a patient identifier")
        if pid not in covs:
            index_of[pid] = len(ids)
            ids.append(pid)
            covs[pid] = {}
        for name in COVARIATE_NAMES:
            if name in header and (row.get(name) or "").strip() not in ("", "."):
                value = _num(r, name, row.get(name))
                if value < 0:
                    raise EventTableError(f"row {r} column {name}", value, "a value >= 0")
                if name in ("WT_KG", "HEIGHT_CM") and value <= 0:
                    raise EventTableError(f"row {r} column {name}", value, "a value > 0")
                prev = covs[pid].get(name)
                if prev is not None and prev != value:
                    raise EventTableError(
                        f"row {r} column {name}", value, f"the same value for ID {pid} ({prev})"
                    )
                covs[pid][name] = value
        evid = int(_num(r, "EVID", row.get("EVID"), default=1.0))
        if evid in (0, 2):
            continue
        if evid != 1:
            raise EventTableError(f"row {r} column EVID", evid, "0, 1 or 2 (no resets)")
        if _num(r, "SS", row.get("SS"), default=0.0) != 0:
            raise EventTableError(f"row {r} column SS", row.get("SS"), "0 (no steady state)")
        time = _num(r, "TIME", row.get("TIME"))
        amt = _num(r, "AMT", row.get("AMT"))
        try:
            cmt = compartment_index(row.get("CMT") or "")
        except EventTableError:
            raise EventTableError(
                f"row {r} column CMT", row.get("CMT"), "one of: " + ", ".join(DOSING_COMPARTMENTS)
            ) from None
        rate = _num(r, "RATE", row.get("RATE"), default=0.0)
        dur = _num(r, "DUR", row.get("DUR"), default=0.0)
        if rate < 0:
            raise EventTableError(f"row {r} column RATE", rate, "0 (bolus) or a rate > 0")
        if dur < 0:
            raise EventTableError(f"row {r} column DUR", dur, "0 (bolus) or a duration > 0")
        if rate > 0 and dur > 0:
            raise EventTableError(f"row {r} column DUR", dur, "empty when RATE is given")
        duration = amt / rate if rate > 0 else dur
        name = L.STATE_NAMES[cmt]
        if amt < 0 and not (cmt in _SOC_STATES and dur > 0):
            raise EventTableError(
                f"row {r} column AMT",
                amt,
                "an amount >= 0 (negative only with DUR into gc_effect, hcq_effect or "
                "mmf_effect, to taper a background dose)",
            )
        if duration > 0 and not DOSING_COMPARTMENTS[name][1]:
            raise EventTableError(f"row {r} column RATE", rate or dur, f"a bolus into {name}")
        ii = _num(r, "II", row.get("II"), default=0.0)
        addl = _num(r, "ADDL", row.get("ADDL"), default=0.0)
        if addl < 0 or not float(addl).is_integer():
            raise EventTableError(f"row {r} column ADDL", addl, "an integer >= 0")
        if addl > 0 and ii <= 0:
            raise EventTableError(f"row {r} column II", ii, "an interval > 0 days when ADDL > 0")
        for k in range(int(addl) + 1):
            pat.append(index_of[pid])
            times.append(time + k * ii)
            cmts.append(cmt)
            amts.append(amt)
            durs.append(duration)
    if n_rows == 0:
        raise EventTableError("events", "no rows", "at least one record")
    cov = np.array(
        [[covs[pid].get(name, typ) for name, _, typ, _ in COVARIATES] for pid in ids],
        dtype=np.float64,
    )
    schedule = Schedule(
        len(ids),
        np.array(pat, dtype=np.int64),
        np.array(times, dtype=np.float64),
        np.array(cmts, dtype=np.int64),
        np.array(amts, dtype=np.float64),
        np.array(durs, dtype=np.float64),
    )
    return EventTable(tuple(ids), schedule, cov)
