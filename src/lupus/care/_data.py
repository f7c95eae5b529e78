"""Load the versioned tables shipped in ``lupus/care/data`` (TOML, each with its sources)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_table"]


@cache
def load_table(name: str) -> dict[str, Any]:
    """Parse ``data/<name>.toml``; cached, so treat the result as read-only."""
    text = resources.files("lupus.care").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)
