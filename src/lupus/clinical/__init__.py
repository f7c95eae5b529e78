"""Clinical instruments and definitions: pure functions over frozen, validated values.

Nothing here imports another layer of the project. Every instrument is also reachable by id
through :func:`get_instrument` (``lupus score ID FILE`` on the command line).
"""

from lupus.clinical.bilag import DOMAINS as BILAG_DOMAINS
from lupus.clinical.bilag import Visit as Visit
from lupus.clinical.bilag import new_a_domains as new_a_domains
from lupus.clinical.bilag import new_b_domains as new_b_domains
from lupus.clinical.bilag import parse_visit as parse_visit
from lupus.clinical.errors import ClinicalError as ClinicalError
from lupus.clinical.errors import InstrumentInputError as InstrumentInputError
from lupus.clinical.instrument import Instrument as Instrument
from lupus.clinical.instruments import get_instrument as get_instrument
from lupus.clinical.instruments import instrument_ids as instrument_ids
from lupus.clinical.instruments import instruments as instruments
from lupus.clinical.instruments.doris import assess_doris as assess_doris
from lupus.clinical.instruments.egfr import egfr_ckd_epi_2021 as egfr_ckd_epi_2021
from lupus.clinical.instruments.flare import assess_flare as assess_flare
from lupus.clinical.instruments.lldas import assess_lldas as assess_lldas
from lupus.clinical.instruments.phq9 import score_phq9 as score_phq9
from lupus.clinical.instruments.sdi import score_sdi as score_sdi
from lupus.clinical.instruments.sledai2k import SLEDAI2K_DESCRIPTORS as SLEDAI2K_DESCRIPTORS
from lupus.clinical.instruments.sledai2k import score_sledai2k as score_sledai2k

__all__ = [
    "BILAG_DOMAINS",
    "ClinicalError",
    "Instrument",
    "InstrumentInputError",
    "SLEDAI2K_DESCRIPTORS",
    "Visit",
    "assess_doris",
    "assess_flare",
    "assess_lldas",
    "egfr_ckd_epi_2021",
    "get_instrument",
    "instrument_ids",
    "instruments",
    "new_a_domains",
    "new_b_domains",
    "parse_visit",
    "score_phq9",
    "score_sdi",
    "score_sledai2k",
]
