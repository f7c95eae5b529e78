"""The shape every clinical instrument shares.

An instrument is three pure functions bundled with its provenance:

* ``parse``: a JSON-like object -> a frozen, validated input value (raises
  :class:`~lupus.clinical.errors.InstrumentInputError` naming field, value and what is allowed);
* ``score``: input value -> a frozen result that explains itself (which items counted, with their
  weights, and which rule decided);
* the result's ``to_json()``: result -> a JSON object (the command-line and API contract).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["Instrument", "JsonResult"]


class JsonResult(Protocol):
    """A scored result that can render itself as a JSON object."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Instrument:
    """One instrument, its provenance and its three functions.

    ``id`` is the command-line id (``sledai-2k``); ``source`` the citation of the definition
    encoded; ``version`` the version or year of that definition; ``example`` an input that
    scores without error (used by the documentation, the demo and the tests).
    """

    id: str
    title: str
    source: str
    version: str
    parse: Callable[[Any], Any]
    score: Callable[[Any], JsonResult]
    example: Mapping[str, Any] = field(default_factory=dict)
    notes: str = ""

    def run(self, data: Any) -> dict[str, Any]:
        """Parse, score and render in one step."""
        return self.score(self.parse(data)).to_json()
