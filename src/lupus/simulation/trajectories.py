"""Simulation results: states and outputs over time for every patient, with a solve status."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from lupus.simulation._kernels import OUTPUTS, STATUS_MESSAGES
from lupus.simulation._layout import STATE_NAMES, STATES
from lupus.simulation.errors import ParameterError

__all__ = ["OUTPUT_NAMES", "SERIES", "SolveStatus", "Trajectories"]

OUTPUT_NAMES: tuple[str, ...] = tuple(o[0] for o in OUTPUTS)
# Every series a trajectory carries: (id, unit, meaning); states first, then outputs.
SERIES: tuple[tuple[str, str, str], ...] = STATES + OUTPUTS


class SolveStatus:
    """Per-patient solve status codes and their messages."""

    OK = 0
    MAX_STEPS = 1
    STEP_TOO_SMALL = 2
    NON_FINITE = 3
    MESSAGES = STATUS_MESSAGES


@dataclass(frozen=True, slots=True)
class Trajectories:
    """``states`` (patients x times x states) and ``outputs`` (patients x times x outputs).

    ``status[i]`` is 0 when patient i solved; otherwise its rows from the failure on are NaN and
    :meth:`message` says why. ``steps`` counts accepted and rejected steps per patient.
    """

    time: NDArray[np.float64] = field(repr=False)
    states: NDArray[np.float64] = field(repr=False)
    outputs: NDArray[np.float64] = field(repr=False)
    status: NDArray[np.int64] = field(repr=False)
    steps: NDArray[np.int64] = field(repr=False)
    ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("time", "states", "outputs", "status", "steps"):
            arr = np.asarray(getattr(self, name))
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if not self.ids:
            object.__setattr__(self, "ids", tuple(str(i + 1) for i in range(self.n_patients)))

    @property
    def n_patients(self) -> int:
        return int(self.states.shape[0])

    @property
    def names(self) -> tuple[str, ...]:
        return STATE_NAMES + OUTPUT_NAMES

    @property
    def ok(self) -> NDArray[np.bool_]:
        return np.asarray(self.status == SolveStatus.OK)

    def message(self, patient: int) -> str:
        return SolveStatus.MESSAGES[int(self.status[patient])]

    def failures(self) -> list[tuple[str, str]]:
        """(patient id, reason) for every patient whose solve failed."""
        return [(self.ids[int(i)], self.message(int(i))) for i in np.nonzero(~self.ok)[0]]

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        """One series, patients x times."""
        if name in STATE_NAMES:
            return np.asarray(self.states[:, :, STATE_NAMES.index(name)])
        if name in OUTPUT_NAMES:
            return np.asarray(self.outputs[:, :, OUTPUT_NAMES.index(name)])
        raise ParameterError("series", name, ", ".join(self.names))

    def at(self, day: float) -> int:
        """Index of the output time closest to ``day``."""
        return int(np.argmin(np.abs(self.time - day)))
