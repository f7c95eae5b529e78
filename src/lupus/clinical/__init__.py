"""Clinical instruments and definitions: pure functions over frozen, validated values.

Nothing here imports another layer of the project.
"""

from lupus.clinical.errors import ClinicalError as ClinicalError
from lupus.clinical.errors import InstrumentInputError as InstrumentInputError
from lupus.clinical.instrument import Instrument as Instrument
from lupus.clinical.instruments import get_instrument as get_instrument
from lupus.clinical.instruments import instrument_ids as instrument_ids
from lupus.clinical.instruments import instruments as instruments

__all__ = [
    "ClinicalError",
    "Instrument",
    "InstrumentInputError",
    "get_instrument",
    "instrument_ids",
    "instruments",
]
