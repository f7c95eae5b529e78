"""One call to run a virtual trial: :func:`run_trial`."""

from __future__ import annotations

from collections.abc import Callable

from lupus.simulation.trial.biology import BiologyModel
from lupus.simulation.trial.engine import Executor, prepare_trial, run_trial_chunks
from lupus.simulation.trial.protocol import Protocol
from lupus.simulation.trial.result import TrialResult, assemble

__all__ = ["run_trial"]


def run_trial(
    protocol: Protocol,
    *,
    patients_per_arm: int = 1000,
    seed: int = 0,
    model: BiologyModel | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    observation_overrides: dict[str, float] | None = None,
) -> TrialResult:
    """Simulate ``protocol`` with ``patients_per_arm`` virtual patients per arm.

    ``executor`` maps a function over the chunk tasks (default: in this process; the command line
    passes a Dask client's map). The result does not depend on the executor.
    """
    if model is None:
        from lupus.simulation.trial.simulator import default_model

        model = default_model()
    setup = prepare_trial(
        protocol,
        model,
        patients_per_arm=patients_per_arm,
        seed=seed,
        obs_overrides=observation_overrides,
    )
    chunks = run_trial_chunks(setup, model, executor=executor, progress=progress)
    return assemble(setup, chunks, model.version)
