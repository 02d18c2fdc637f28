# make run   - create .venv, install, migrate the SQLite database, seed, serve on :5000
# make test  - install test dependencies and run the whole suite, browser tests included
#              (they need Chromium at /usr/bin/chromium: apt-get install chromium
#              fonts-noto-color-emoji; without it they are skipped unless
#              SPENDSENSE_REQUIRE_BROWSER=1). Screenshots land in tests/browser/artifacts/.
# make test-browser - only the browser tests
# make test-api-fuzz - schemathesis against the four OpenAPI documents (tests/fuzz/, a few
#              minutes; make test leaves it out)
# make test-fuzz - Hypothesis sends bad input to every route of the four dialects and the
#              web forms; fails on a 5xx or a half-written change (tests/fuzz/, ~3 minutes)
# make bench - run every benchmark script under tests/perf/ (prints JSON lines)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest-xdist workers; on PostgreSQL each gets a database of its own (tests/conftest.py).
TEST_WORKERS ?= 2
export FLASK_APP := spendsense

.PHONY: run test test-browser test-api-fuzz test-fuzz bench lint install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --ignore=tests/fuzz $(PYTEST_ARGS)

test-browser: install-test
	$(BIN)/python -m pytest -m browser tests/browser $(PYTEST_ARGS)

test-api-fuzz: install-test
	$(BIN)/python -m pytest -m fuzz tests/fuzz $(PYTEST_ARGS)

test-fuzz: install-test
	$(BIN)/python -m pytest -m fuzz_input tests/fuzz $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python tests/perf/bench_v1.py
	$(BIN)/python tests/perf/bench_v2.py
	$(BIN)/python tests/perf/bench_web.py
	$(BIN)/python tests/perf/bench_projects.py
	$(BIN)/python tests/perf/bench_export.py
	$(BIN)/python tests/perf/bench_record_many.py
	$(BIN)/python tests/perf/bench_import.py

lint: install-test
	$(BIN)/ruff check spendsense tests

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache tests/browser/artifacts
