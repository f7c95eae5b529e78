"""Virtual clinical trials: protocol files, virtual populations, observation, conduct, endpoints.

Entry points: :func:`load_protocol` (a TOML protocol file -> :class:`Protocol`) and
:func:`run_trial` (a protocol -> :class:`TrialResult`, JSON via ``to_json()``). The engine and its
calibration are documented in ``docs/trials.md``.
"""

from lupus.simulation.trial.biology import Biology as Biology
from lupus.simulation.trial.biology import BiologyModel as BiologyModel
from lupus.simulation.trial.biology import Covariates as Covariates
from lupus.simulation.trial.biology import PrednisoneSchedule as PrednisoneSchedule
from lupus.simulation.trial.engine import CHUNK_SIZE as CHUNK_SIZE
from lupus.simulation.trial.errors import ProtocolError as ProtocolError
from lupus.simulation.trial.errors import ProtocolFileError as ProtocolFileError
from lupus.simulation.trial.errors import TrialError as TrialError
from lupus.simulation.trial.errors import TrialRunError as TrialRunError
from lupus.simulation.trial.protocol import ENDPOINT_IDS as ENDPOINT_IDS
from lupus.simulation.trial.protocol import THERAPIES as THERAPIES
from lupus.simulation.trial.protocol import Arm as Arm
from lupus.simulation.trial.protocol import Endpoint as Endpoint
from lupus.simulation.trial.protocol import Protocol as Protocol
from lupus.simulation.trial.protocol import Published as Published
from lupus.simulation.trial.protocol import defaults_used as defaults_used
from lupus.simulation.trial.protocol import load_protocol as load_protocol
from lupus.simulation.trial.protocol import parse_protocol as parse_protocol
from lupus.simulation.trial.result import TrialResult as TrialResult
from lupus.simulation.trial.result import published_interval as published_interval
from lupus.simulation.trial.run import run_trial as run_trial
from lupus.simulation.trial.stats import t_interval as t_interval
from lupus.simulation.trial.stats import wilson_interval as wilson_interval

__all__ = [
    "Arm",
    "Biology",
    "BiologyModel",
    "CHUNK_SIZE",
    "Covariates",
    "ENDPOINT_IDS",
    "Endpoint",
    "PrednisoneSchedule",
    "Protocol",
    "ProtocolError",
    "ProtocolFileError",
    "Published",
    "THERAPIES",
    "TrialError",
    "TrialResult",
    "TrialRunError",
    "defaults_used",
    "load_protocol",
    "parse_protocol",
    "published_interval",
    "run_trial",
    "t_interval",
    "wilson_interval",
]
