"""Load the versioned rule tables shipped in ``lupus/clinical/data`` (TOML, with sources)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_table"]


@cache
def load_table(name: str) -> dict[str, Any]:
    """Parse ``data/<name>.toml``; cached, so call freely. Treat the result as read-only."""
    text = resources.files("lupus.clinical").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)
