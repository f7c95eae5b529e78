"""Run the docstring examples of lupus.therapy (pytest collects doctests only in clinical)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["lupus.therapy.bsa", "lupus.therapy.errors", "lupus.therapy.request"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
