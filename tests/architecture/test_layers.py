"""The layers import one way, toward the domain core (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "lupus"

# Layer -> project layers it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "clinical": set(),
    "therapy": {"clinical"},
    "simulation": {"clinical", "therapy"},
    "care": {"clinical", "therapy", "simulation"},
}
PROJECT_LAYERS = {
    "clinical",
    "therapy",
    "simulation",
    "care",
    "interop",
    "store",
    "web",
    "cli",
    "_cli",
}
# Web and database libraries a domain layer must never import.
FORBIDDEN_THIRD_PARTY = {
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "fhir",
    "fhir_core",
    "typer",
    "libsbml",
    "roadrunner",
    "httpx",
    "dask",
    "distributed",
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _violations(layer: str) -> list[str]:
    problems = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for lineno, module in _imports(path):
            parts = module.split(".")
            where = f"{path.relative_to(SRC.parent)}:{lineno} imports {module}"
            if parts[0] == "lupus" and len(parts) > 1 and parts[1] in PROJECT_LAYERS:
                if parts[1] != layer and parts[1] not in ALLOWED[layer]:
                    problems.append(where)
            elif parts[0] in FORBIDDEN_THIRD_PARTY:
                problems.append(where)
    return problems


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_domain_layer_imports_only_inward(layer: str) -> None:
    assert _violations(layer) == []


def test_checker_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom lupus.web import app\nfrom lupus.clinical import x\n")
    names = [m for _, m in _imports(bad)]
    assert names == ["sqlalchemy", "lupus.web", "lupus.clinical"]
