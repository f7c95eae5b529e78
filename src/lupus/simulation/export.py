"""Wide-format tables of trajectories (patient, time_day, one column per series)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from lupus.simulation.trajectories import Trajectories

__all__ = ["wide_columns"]


def wide_columns(traj: Trajectories) -> dict[str, NDArray[np.generic]]:
    """Columns ``patient`` (row index into ``traj.ids``; see :func:`patient_labels`),
    ``time_day``, every state and output, then ``solve_status`` (0 = solved; otherwise the
    code of :class:`SolveStatus`). Rows: patient-major."""
    n, nt = traj.n_patients, traj.time.size
    cols: dict[str, NDArray[np.generic]] = {
        "patient": np.repeat(np.arange(n, dtype=np.int32), nt),
        "time_day": np.tile(traj.time, n),
    }
    for j, name in enumerate(traj.names):
        src = traj.states if j < traj.states.shape[2] else traj.outputs
        k = j if j < traj.states.shape[2] else j - traj.states.shape[2]
        cols[name] = np.ascontiguousarray(src[:, :, k]).reshape(-1)
    cols["solve_status"] = np.repeat(traj.status, nt)
    return cols
