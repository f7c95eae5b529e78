"""Load the versioned rule tables shipped in ``lupus/therapy/data`` (TOML, with sources)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from lupus.therapy.errors import TherapyDataError

__all__ = ["TABLES", "load_table", "section_source"]

#: Every rule table shipped with the package (a test parses each one).
TABLES = ("anifrolumab", "belimumab", "cd19_car_t", "drugs", "screening")


@cache
def load_table(name: str) -> dict[str, Any]:
    """Parse ``data/<name>.toml``; cached, so call freely. Treat the result as read-only."""
    if name not in TABLES:
        raise TherapyDataError(f"no therapy table named {name!r}; known: {', '.join(TABLES)}")
    text = resources.files("lupus.therapy").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def section_source(table: dict[str, Any], rule: dict[str, Any], jurisdiction: str) -> str | None:
    """The citation of ``rule`` under ``jurisdiction``, or ``None`` if it does not apply there.

    A rule names its section per jurisdiction (``section.us``, ``section.eu``) or, for a trial
    protocol, ``section.protocol`` (which applies everywhere). ``status`` is the reference's tag
    (V, C or U), either one for the rule or one per label (``status = { us = "U", eu = "C" }``).
    """
    sections: dict[str, str] = rule.get("section", {})
    status = rule.get("status", "U")
    if isinstance(status, dict):  # tagged per label: {us = "U", eu = "C"}
        status = status.get(jurisdiction, "U")
    if "protocol" in sections:
        protocol = table["protocol"]
        return f"{protocol['title']}: {sections['protocol']} [{status}]"
    if jurisdiction not in sections:
        return None
    label = table["labels"][jurisdiction]
    return f"{label['title']} ({label['revision']}), {sections[jurisdiction]} [{status}]"
