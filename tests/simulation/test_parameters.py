"""The parameter table: provenance on every row, overrides by name, bad values refused."""

from __future__ import annotations

import numpy as np
import pytest

from lupus.simulation import ParameterError, default_parameters, parameter_table, typical_population


def test_every_parameter_has_source_and_status() -> None:
    rows = parameter_table()
    assert len(rows) > 100
    for row in rows:
        assert row.source.strip(), row.name
        assert row.status in ("measured", "derived", "assumed")
        assert row.unit
    statuses = {r.status for r in rows}
    assert statuses == {"measured", "derived", "assumed"}


def test_replace_by_name_returns_new_parameters() -> None:
    base = default_parameters()
    new = base.replace(bel_block=0.6, car_alpha=0.1)
    assert new["bel_block"] == 0.6 and base["bel_block"] == 0.9
    assert new["car_alpha"] == 0.1
    with pytest.raises(ParameterError, match="no_such"):
        base.replace(no_such=1.0)
    with pytest.raises(ParameterError):
        base.replace(ifn_ic_share=1.5)
    # powers and half-effect levels of the organ drive, proteinuria and tissue-niche BLyS
    for name in ("organ_ic_saturation", "organ_ic_hill", "upcr_exponent", "bel_local_ec50"):
        with pytest.raises(ParameterError, match=f"field '{name}'.*a positive number"):
            base.replace(**{name: 0.0})
    with pytest.raises(ValueError):
        base.values[0] = 2.0  # read-only


def test_typical_population_has_no_random_effects() -> None:
    pop = typical_population(3)
    assert np.all(pop.theta == default_parameters().values)
    assert pop.covariate("WT_KG").tolist() == [70.0] * 3
    with pytest.raises(ParameterError):
        pop.covariate("BMI")
