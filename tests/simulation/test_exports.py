"""Public names of the simulation layer: sorted, present, no web or SBML imports."""

from __future__ import annotations

import subprocess
import sys

import lupus.simulation as simulation


def test_all_is_sorted_and_complete() -> None:
    assert simulation.__all__ == sorted(simulation.__all__)
    for name in simulation.__all__:
        assert hasattr(simulation, name), name


def test_import_does_not_pull_libsbml_or_typer() -> None:
    code = (
        "import sys, lupus.simulation; "
        "print(any(m.split('.')[0] in ('libsbml', 'typer', 'roadrunner') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
