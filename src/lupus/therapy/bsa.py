"""Body-surface area for doses given per m2."""

from __future__ import annotations

import math

from lupus.therapy.errors import PlanInputError

__all__ = ["body_surface_area_mosteller"]


def body_surface_area_mosteller(height_cm: float, weight_kg: float) -> float:
    """Body-surface area in m2 by Mosteller: ``sqrt(height_cm x weight_kg / 3600)``.

    Source: Mosteller RD. Simplified calculation of body-surface area. N Engl J Med
    1987;317:1098.

    >>> round(body_surface_area_mosteller(180, 80), 4)
    2.0
    """
    if not (math.isfinite(height_cm) and height_cm > 0):
        raise PlanInputError("height_cm", height_cm, "a number in cm above 0")
    if not (math.isfinite(weight_kg) and weight_kg > 0):
        raise PlanInputError("weight_kg", weight_kg, "a number in kg above 0")
    return math.sqrt(height_cm * weight_kg / 3600.0)
