# cshub: the two commands a newcomer needs are `make demo` and `make test`.
# Each sets up what it needs: a virtual environment in .venv with the project installed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CSHUB := $(BIN)/cshub
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint security bandit pip-audit check-deploy bench vendor install clean

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

## make test: lint and security checks, then the whole test suite (on PostgreSQL too when
## DATABASE_URL is set)
test: install lint security
	CSHUB_TEST_DATABASE=sqlite $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$DATABASE_URL), browser tests excepted =="; \
		CSHUB_TEST_DATABASE=url $(BIN)/pytest -m "not browser" $(PYTEST_ARGS); \
	fi

lint: install
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

## make security: bandit (fails on high severity), pip-audit --strict, check --deploy
security: bandit pip-audit check-deploy

bandit: install
	$(BIN)/bandit -c pyproject.toml -r src -q --severity-level high

# pip-audit asks PyPI's vulnerability API about every installed distribution. --strict makes it
# fail when it cannot ask about one (without it, an unreachable service passes as "no known
# vulnerabilities"). Known vulnerabilities always fail. An unreachable service is reported as
# NOT AUDITED, loudly, and by default the build carries on: the development and CI machines here
# reach PyPI's package index but not its per-version JSON API. A release pipeline with a route
# to the service sets PIP_AUDIT_UNREACHABLE=fail so that "not audited" fails the build.
PIP_AUDIT_UNREACHABLE ?= warn
pip-audit: install
	@out=$$(mktemp); \
	if $(BIN)/pip-audit --strict --skip-editable --progress-spinner off >$$out 2>&1; then \
		cat $$out; rm -f $$out; \
	else \
		cat $$out; \
		if grep -q "known vulnerabilit" $$out; then \
			rm -f $$out; echo "pip-audit: FAILED: known vulnerabilities (above)."; exit 1; \
		fi; \
		rm -f $$out; \
		echo "pip-audit: NOT AUDITED: the vulnerability service could not be reached or did not"; \
		echo "  answer for every dependency (above). Dependencies have NOT been checked for known"; \
		echo "  vulnerabilities. This is not a clean bill of health."; \
		if [ "$(PIP_AUDIT_UNREACHABLE)" = "warn" ]; then \
			echo "  PIP_AUDIT_UNREACHABLE=warn: carrying on regardless."; \
		else \
			echo "  (Run where PyPI's JSON API answers, or set PIP_AUDIT_UNREACHABLE=warn to carry on.)"; \
			exit 1; \
		fi; \
	fi

# Django's deployment checklist on the production settings, with a throwaway secret key.
check-deploy: install
	DJANGO_SETTINGS_MODULE=cshub.settings.production \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48)[:50])')" \
	ALLOWED_HOSTS=cshub.example.org \
	$(CSHUB) check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/kpis.py
	$(BIN)/python bench/linkage.py
	@echo "The million-record dedupe (about 13 minutes, 14 GiB): $(BIN)/python bench/linkage.py --skip-febrl --skip-uk --dedupe-records 1000000"

## make vendor: refresh the vendored front-end packages (GOV.UK Frontend, htmx, Vega) pinned in package.json
vendor: install
	$(BIN)/python scripts/vendor_frontend.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
