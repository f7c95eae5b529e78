"""Virtual patients: per-patient parameter values (after random effects) and covariates.

The population is the leading array axis. ``typical_population`` gives copies of the typical
patient (a 70 kg woman, albumin 40 g/L, IgG 14.8 g/L, typical parameters, no random effects);
``sample_population`` draws random effects (log-normal, logit-normal or additive, variances
from the parameter table) and, optionally, covariates, all from one seed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from lupus.simulation._derive import COVARIATE_NAMES, COVARIATES
from lupus.simulation.errors import ParameterError
from lupus.simulation.parameters import ModelParameters, default_parameters

__all__ = [
    "COVARIATES",
    "Population",
    "sample_covariates",
    "sample_population",
    "typical_covariates",
    "typical_population",
]

F64 = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Population:
    """N virtual patients: ``theta`` (N x parameters, table order) and ``covariates``
    (N x covariates, order of :data:`COVARIATES`)."""

    parameters: ModelParameters
    theta: F64 = field(repr=False)
    covariates: F64 = field(repr=False)

    def __post_init__(self) -> None:
        theta = np.array(self.theta, dtype=np.float64)
        cov = np.array(self.covariates, dtype=np.float64)
        if theta.ndim != 2 or theta.shape[1] != len(self.parameters.specs):
            raise ParameterError("theta", theta.shape, f"(N, {len(self.parameters.specs)})")
        if cov.shape != (theta.shape[0], len(COVARIATE_NAMES)):
            raise ParameterError(
                "covariates", cov.shape, f"({theta.shape[0]}, {len(COVARIATE_NAMES)})"
            )
        if not np.all(np.isfinite(theta)):
            raise ParameterError("theta", "non-finite", "finite values")
        if not np.all(np.isfinite(cov)) or np.any(cov < 0):
            raise ParameterError("covariates", "negative or non-finite", "finite values >= 0")
        if theta.shape[0] and (np.any(cov[:, 0] <= 0) or np.any(cov[:, 3] <= 0)):
            raise ParameterError("covariates", "WT_KG or HEIGHT_CM <= 0", "positive values")
        theta.setflags(write=False)
        cov.setflags(write=False)
        object.__setattr__(self, "theta", theta)
        object.__setattr__(self, "covariates", cov)

    @property
    def size(self) -> int:
        return int(self.theta.shape[0])

    @property
    def names(self) -> tuple[str, ...]:
        return self.parameters.names

    def parameter(self, name: str) -> F64:
        return self.theta[:, self.parameters.index(name)]

    def covariate(self, name: str) -> F64:
        if name not in COVARIATE_NAMES:
            raise ParameterError("covariate", name, ", ".join(COVARIATE_NAMES))
        return self.covariates[:, COVARIATE_NAMES.index(name)]

    def select(self, patients: list[int] | NDArray[np.int64]) -> Population:
        idx = np.asarray(patients, dtype=np.int64)
        return Population(self.parameters, self.theta[idx], self.covariates[idx])

    def with_covariates(self, covariates: F64) -> Population:
        return Population(self.parameters, self.theta, covariates)


def typical_covariates(n: int = 1, **overrides: float) -> F64:
    """Covariates of the typical patient (``WT_KG=67`` etc. override by name)."""
    row = []
    for name, _, typ, _ in COVARIATES:
        row.append(float(overrides.pop(name, typ)))
    if overrides:
        raise ParameterError("covariate", sorted(overrides)[0], ", ".join(COVARIATE_NAMES))
    return np.tile(np.array(row), (n, 1))


def typical_population(
    n: int = 1,
    parameters: ModelParameters | None = None,
    covariates: F64 | Mapping[str, float] | None = None,
) -> Population:
    """``n`` copies of the typical patient (no random effects)."""
    if n < 0:
        raise ParameterError("patients", n, "an integer >= 0")
    params = parameters or default_parameters()
    if covariates is None:
        cov = typical_covariates(n)
    elif isinstance(covariates, Mapping):
        cov = typical_covariates(n, **dict(covariates))
    else:
        cov = np.asarray(covariates, dtype=np.float64)
    theta = np.tile(params.values, (n, 1))
    return Population(params, theta, cov)


def sample_covariates(n: int, seed: int) -> F64:
    """Covariates of an SLE trial population (assumed priors, documented in docs/model.md):
    weight log-normal (median 70 kg, CV 20%), albumin normal 40 +/- 4 g/L (>= 20), IgG
    log-normal (median 14.8 g/L, CV 35%; BLISS mean 16.5 +/- 6.1 g/L), height normal
    165 +/- 7 cm; no background standard of care (set it per trial arm)."""
    rng = np.random.default_rng([seed, 1])
    cov = typical_covariates(n)
    cov[:, 0] = 70.0 * np.exp(rng.normal(0.0, 0.198, n))
    cov[:, 1] = np.clip(rng.normal(40.0, 4.0, n), 20.0, 55.0)
    cov[:, 2] = 14.8 * np.exp(rng.normal(0.0, 0.34, n))
    cov[:, 3] = np.clip(rng.normal(165.0, 7.0, n), 140.0, 200.0)
    return cov


def sample_population(
    n: int,
    seed: int,
    parameters: ModelParameters | None = None,
    covariates: F64 | None = None,
    *,
    sample_covariates_too: bool = True,
) -> Population:
    """``n`` virtual patients with random effects drawn from the table's variances (seeded)."""
    if n < 0:
        raise ParameterError("patients", n, "an integer >= 0")
    params = parameters or default_parameters()
    rng = np.random.default_rng([seed, 0])
    omega = np.sqrt(params.omega2())
    eta = rng.standard_normal((n, len(params.specs))) * omega
    theta = np.tile(params.values, (n, 1))
    for j, spec in enumerate(params.specs):
        if spec.omega2 == 0:
            continue
        if spec.transform == "log":
            theta[:, j] = spec_value(params, j) * np.exp(eta[:, j])
        elif spec.transform == "logit":
            v = spec_value(params, j)
            logit = np.log(v / (1 - v)) + eta[:, j]
            theta[:, j] = 1.0 / (1.0 + np.exp(-logit))
        else:
            theta[:, j] = spec_value(params, j) + eta[:, j]
    if covariates is not None:
        cov = np.asarray(covariates, dtype=np.float64)
    elif sample_covariates_too:
        cov = sample_covariates(n, seed)
    else:
        cov = typical_covariates(n)
    return Population(params, theta, cov)


def spec_value(params: ModelParameters, j: int) -> float:
    return float(params.values[j])
