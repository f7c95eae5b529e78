"""Simulation layer: the lupus QSP model, its parameters, dose events and a batched solver.

Main entry point::

    from lupus.simulation import (typical_population, Regimen, build_schedule, simulate)
    pop = typical_population(1)
    sched = build_schedule(Regimen("belimumab", "iv"), pop, end_day=364)
    traj = simulate(pop, sched, t_eval=np.arange(0, 365, 7.0))
    traj["bel_conc"]  # patients x times, ug/mL

The population is the leading array axis; failed solves are reported per patient in
``Trajectories.status``. See docs/model.md for states, equations and parameter sources.
"""

from lupus.simulation._derive import COVARIATES as COVARIATES
from lupus.simulation._kernels import OUTPUTS as OUTPUTS
from lupus.simulation._layout import STATE_NAMES as STATE_NAMES
from lupus.simulation._layout import STATES as STATES
from lupus.simulation.errors import EventTableError as EventTableError
from lupus.simulation.errors import ParameterError as ParameterError
from lupus.simulation.errors import ScheduleError as ScheduleError
from lupus.simulation.errors import SimulationError as SimulationError
from lupus.simulation.events import DOSING_COMPARTMENTS as DOSING_COMPARTMENTS
from lupus.simulation.events import EventTable as EventTable
from lupus.simulation.events import Schedule as Schedule
from lupus.simulation.events import read_event_table as read_event_table
from lupus.simulation.flares import flare_schedule as flare_schedule
from lupus.simulation.parameters import ModelParameters as ModelParameters
from lupus.simulation.parameters import ParameterSpec as ParameterSpec
from lupus.simulation.parameters import default_parameters as default_parameters
from lupus.simulation.parameters import parameter_table as parameter_table
from lupus.simulation.population import Population as Population
from lupus.simulation.population import sample_covariates as sample_covariates
from lupus.simulation.population import sample_population as sample_population
from lupus.simulation.population import typical_covariates as typical_covariates
from lupus.simulation.population import typical_population as typical_population
from lupus.simulation.regimens import THERAPIES as THERAPIES
from lupus.simulation.regimens import Regimen as Regimen
from lupus.simulation.regimens import build_schedule as build_schedule
from lupus.simulation.regimens import parse_dose as parse_dose
from lupus.simulation.simulate import simulate as simulate
from lupus.simulation.simulate import state_scale as state_scale
from lupus.simulation.trajectories import OUTPUT_NAMES as OUTPUT_NAMES
from lupus.simulation.trajectories import SERIES as SERIES
from lupus.simulation.trajectories import SolveStatus as SolveStatus
from lupus.simulation.trajectories import Trajectories as Trajectories

__all__ = [
    "COVARIATES",
    "DOSING_COMPARTMENTS",
    "EventTable",
    "EventTableError",
    "ModelParameters",
    "OUTPUTS",
    "OUTPUT_NAMES",
    "ParameterError",
    "ParameterSpec",
    "Population",
    "Regimen",
    "SERIES",
    "STATES",
    "STATE_NAMES",
    "Schedule",
    "ScheduleError",
    "SimulationError",
    "SolveStatus",
    "THERAPIES",
    "Trajectories",
    "build_schedule",
    "default_parameters",
    "flare_schedule",
    "parameter_table",
    "read_event_table",
    "sample_covariates",
    "sample_population",
    "simulate",
    "state_scale",
    "typical_covariates",
    "typical_population",
]
