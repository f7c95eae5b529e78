# Two set-up commands for a fresh Debian machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make run: create .venv, install, and run the main job.
run: $(STAMP)
	LUPUS_ENV=development $(BIN)/lupus serve --demo

## make test: create .venv, install dev dependencies and system parts, then lint, type-check, test.
test: $(STAMP)
	bash scripts/install-system-deps.sh
	$(MAKE) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks calibration
	$(BIN)/ruff format --check src tests benchmarks calibration

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
