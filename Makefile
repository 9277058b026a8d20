# meetings — every command sets itself up: a fresh clone needs only Python 3.11 and make.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=wsgi.py $(BIN)/flask
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# Every dependency is pinned with its hashes in requirements/*.lock (make lock writes them from
# pyproject.toml); pip refuses anything whose hash differs. The application itself is installed
# on top, without dependencies.
RUN_LOCK := requirements/run.lock
DEV_LOCK := requirements/dev.lock
UV_COMPILE := pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --quiet

$(VENV)/.installed-run: pyproject.toml $(RUN_LOCK) | $(BIN)/python
	$(PIP) install --require-hashes -r $(RUN_LOCK)
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(DEV_LOCK) | $(BIN)/python
	$(PIP) install --require-hashes -r $(DEV_LOCK)
	$(PIP) install --no-deps -e .
	@touch $@ $(VENV)/.installed-run

.PHONY: lock help install install-dev run demo migrate test test-postgres test-slow test-s3 browser-tools test-browser test-all lint format typecheck bench messages clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

lock: | $(BIN)/python ## pin every dependency with hashes again, from pyproject.toml (uv)
	$(PIP) install uv
	$(BIN)/uv $(UV_COMPILE) --extra postgres -o $(RUN_LOCK)
	$(BIN)/uv $(UV_COMPILE) --extra dev -o $(DEV_LOCK)

install: $(VENV)/.installed-run ## create .venv and install the application

install-dev: $(VENV)/.installed-dev ## install the application with the development tools

migrate: install ## bring the database schema up to date
	$(FLASK) db upgrade

demo: migrate ## load reference and demo data once, and print the demo logins
	$(FLASK) reference load
	$(FLASK) seed demo --once

run: demo ## set up, migrate, load the demo once, serve http://127.0.0.1:5000 (PORT=…) with a Celery worker and beat
	@FLASK_APP=wsgi.py $(BIN)/celery -A meetings.jobs.worker worker --beat --pool=solo \
		--loglevel=warning & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Celery worker and beat started (pid $$worker, broker in instance/celery-broker/); serving http://127.0.0.1:$(PORT)"; \
	MEETINGS_PUBLIC_URL=$${MEETINGS_PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-dev ## run the test suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
	$(BIN)/pytest -m "not browser and not slow" -q

test-postgres: install-dev ## run the test suite against the local PostgreSQL
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -m "not browser and not slow" -q

test-slow: install-dev ## tests that start gunicorn, HAProxy, Celery, SMTP and S3 servers and kill processes
	$(BIN)/pytest -m slow -q

# Every test that stores, reads, sweeps, backs up or migrates a document.
DOCUMENT_TESTS := tests/documents tests/test_backup.py tests/test_building_blocks.py \
	tests/registration tests/sponsorship tests/faults tests/jobs tests/schedule/test_import.py \
	tests/schedule/test_import_preview.py

test-s3: install-dev ## the document tests again, on S3 (moto's server on 127.0.0.1) instead of a folder
	TEST_STORAGE=s3 $(BIN)/pytest -m "not browser" -q $(DOCUMENT_TESTS)

NPM_TOOLS := .cache/npm/node_modules

$(NPM_TOOLS)/.installed: Makefile
	mkdir -p .cache/npm
	npm install --prefix .cache/npm --no-audit --no-fund --ignore-scripts --loglevel=error \
		axe-core@4.14.1 vnu-jar@26.9.27
	touch $@

browser-tools: $(NPM_TOOLS)/.installed ## axe-core and the Nu HTML Checker, from npm (needs npm and Java)

test-browser: install-dev browser-tools ## run the browser tests (system Chromium, axe-core, Nu checker)
	$(BIN)/pytest -m browser -q

test-all: test test-postgres test-s3 test-slow test-browser ## every test run

lint: install-dev ## ruff: lint and format check
	$(BIN)/ruff check meetings tests bench wsgi.py config
	$(BIN)/ruff format --check meetings tests bench wsgi.py config

format: install-dev ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix meetings tests bench wsgi.py config
	$(BIN)/ruff format meetings tests bench wsgi.py config

typecheck: install-dev ## mypy on meetings/
	$(BIN)/mypy meetings

bench: install-dev ## run the benchmarks and print their tables
	$(BIN)/python -m bench

LOCALES := fr es ru zh ar

messages: install-dev ## extract the text, update the five catalogues, compile them (commit all three)
	mkdir -p meetings/translations
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project meetings --version 1.0 --msgid-bugs-address secretariat@meetings.example --copyright-holder "United Nations" -o meetings/translations/messages.pot .
	for lang in $(LOCALES); do \
		if [ -f meetings/translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -w 100 \
				-i meetings/translations/messages.pot -d meetings/translations -l $$lang; \
		else \
			$(BIN)/pybabel -q init -i meetings/translations/messages.pot -d meetings/translations -l $$lang; \
		fi; \
	done
	$(BIN)/pybabel compile -d meetings/translations --statistics

clean: ## remove the virtual environment and caches (the database under instance/ stays)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
