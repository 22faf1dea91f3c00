# Corridor: `make demo` builds and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
MO := src/corridor/locale/zh_Hans/LC_MESSAGES/django.mo

.PHONY: install demo serve production worker test test-pg bench lint format messages clean

install: $(STAMP_PY) $(STAMP_NODE) messages

$(STAMP_PY): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(STAMP_NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

messages: $(STAMP_PY)
	$(PY) scripts/compile_messages.py

# The development server and the job worker beside it; Ctrl-C stops both.
demo: install
	mkdir -p var
	$(PY) -m corridor migrate --verbosity 0
	$(PY) -m corridor demo
	$(PY) -m corridor serve

serve: install
	$(PY) -m corridor serve

# gunicorn + the job worker under CORRIDOR_ENV=production (needs CORRIDOR_SECRET_KEY; ADDR=host:port).
production: install
	$(PY) -m corridor migrate --verbosity 0
	$(PY) -m corridor serve --production $(if $(ADDR),--addr $(ADDR))

worker: install
	$(PY) -m corridor worker

test: install
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest $(PYTEST_ARGS)

test-pg: install
	CORRIDOR_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format src tests bench scripts
	$(VENV)/bin/ruff check --fix src tests bench scripts

clean:
	rm -rf var/corridor.sqlite3* var/progress var/imports var/static var/workers
