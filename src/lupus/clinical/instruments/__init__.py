"""Registry of the clinical instruments, one module each in this package.

Each module defines ``INSTRUMENT`` (an :class:`~lupus.clinical.instrument.Instrument`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from lupus.clinical.errors import InstrumentInputError
from lupus.clinical.instrument import Instrument

__all__ = ["get_instrument", "instrument_ids", "instruments"]


@cache
def instruments() -> dict[str, Instrument]:
    """Every instrument by id, in id order."""
    found: dict[str, Instrument] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        instrument = getattr(module, "INSTRUMENT", None)
        if isinstance(instrument, Instrument):
            if instrument.id in found:
                raise RuntimeError(f"two instruments share the id {instrument.id!r}")
            found[instrument.id] = instrument
    return dict(sorted(found.items()))


def instrument_ids() -> list[str]:
    return list(instruments())


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with this id, or an error listing the known ids."""
    try:
        return instruments()[instrument_id]
    except KeyError:
        raise InstrumentInputError(
            "instrument", instrument_id, "one of: " + ", ".join(instrument_ids())
        ) from None
