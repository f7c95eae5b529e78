"""The public API of lupus.therapy is explicit, sorted and complete."""

from __future__ import annotations

import lupus.therapy as therapy


def test_all_is_sorted_and_importable() -> None:
    assert therapy.__all__ == sorted(therapy.__all__)
    for name in therapy.__all__:
        assert hasattr(therapy, name), name


def test_every_public_name_is_exported() -> None:
    public = {
        name
        for name, value in vars(therapy).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("lupus.therapy")
    }
    assert public <= set(therapy.__all__)
