"""Each package of the care service re-exports its public names in a sorted, complete __all__."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ("lupus.care", "lupus.store", "lupus.interop.fhir", "lupus.web")


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported)
    assert len(set(exported)) == len(exported)
    for item in exported:
        assert hasattr(module, item), item
