# cshub: the two commands a newcomer needs are `make demo` and `make test`.
# Each sets up what it needs: a virtual environment in .venv with the project installed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CSHUB := $(BIN)/cshub
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench vendor install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## make demo: install, migrate, seed the synthetic borough if empty, serve on 127.0.0.1:8000
demo: install
	CSHUB_DEMO_MODE=1 $(CSHUB) migrate --verbosity 0
	CSHUB_DEMO_MODE=1 $(CSHUB) seed --if-empty
	@echo
	@echo "cshub demo: http://$(HOST):$(PORT)/  (synthetic data; demo mode skips MFA)"
	@echo "Sign in as school.dsl, ifd.worker, ifd.manager, cypf.worker, specialist.worker,"
	@echo "specialist.manager, police.analyst, yjs.worker, mace.chair, data.steward, dpo or admin;"
	@echo "password: $${CSHUB_DEMO_PASSWORD:-cshub-demo}"
	@echo
	CSHUB_DEMO_MODE=1 $(CSHUB) runserver --insecure $(HOST):$(PORT)

## make test: lint, then the whole test suite (on PostgreSQL too when DATABASE_URL is set)
test: install lint
	CSHUB_TEST_DATABASE=sqlite $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$DATABASE_URL), browser tests excepted =="; \
		CSHUB_TEST_DATABASE=url $(BIN)/pytest -m "not browser" $(PYTEST_ARGS); \
	fi

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

bench: install
	$(BIN)/python bench/run.py

## make vendor: refresh the vendored GOV.UK Frontend from the versions pinned in package.json
vendor: install
	$(BIN)/python scripts/vendor_frontend.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
