# Runink: the two commands a newcomer needs.
#   make demo   sets up a virtualenv and runs the demo on bundled example data (embedded SQLite)
#   make test   sets up a virtualenv and runs lint, type checks and the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME := .runink-demo

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/runink: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/runink

demo: $(BIN)/runink
	rm -rf $(DEMO_HOME)
	RUNINK_HOME=$(DEMO_HOME) $(BIN)/runink db import examples/advisories
	RUNINK_HOME=$(DEMO_HOME) $(BIN)/runink db status
	@echo
	@echo '$$ runink scan examples/repo'
	@RUNINK_HOME=$(DEMO_HOME) $(BIN)/runink scan examples/repo; \
	  code=$$?; echo; echo "exit code $$code (0 passed, 1 blocked: vulnerable packages found)"; \
	  test $$code -eq 1

lint: $(BIN)/runink
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(BIN)/runink
	$(BIN)/mypy

pytest: $(BIN)/runink
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(BIN)/runink
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache
