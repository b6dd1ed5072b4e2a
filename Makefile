# The two commands a new user needs: `make run` and `make test`.
# Everything else here is what those two stand on.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python >= 3.12: first on PATH, then in pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

# The demo runs in debug mode on an embedded SQLite database under var/, and its public base
# URL (printed log-ins, links in workflow emails) follows HOST and PORT unless SITE_URL is set.
# Its web server and task worker share a page cache in files under var/, so a publication the
# worker makes clears the pages the web server cached (set CACHE_URL to use Redis instead).
SITE_URL ?= http://$(HOST):$(PORT)
CACHE_URL ?= filecache://$(CURDIR)/var/cache
DEMO_ENV := DEBUG=true DEMO_MODE=true FEEDS_ALLOW_PRIVATE_ADDRESSES=true SITE_URL=$(SITE_URL) CACHE_URL=$(CACHE_URL)
TEST_ENV := SECRET_KEY=insecure-test-key DEBUG=false SECURE_SSL_REDIRECT=false SECURE_COOKIES=false

.PHONY: run test install lint format check clean bench bench-lighthouse worker
.DEFAULT_GOAL := run

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(PYTHON)" ]; then echo "Newsroom needs Python 3.12 or newer (on PATH or in pyenv)." >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# The checking tools the tests run on our pages (axe-core, the Nu HTML Checker): from npm,
# pinned in package-lock.json. Without npm the tests that need them are skipped with a reason
# (CI sets REQUIRE_PAGE_CHECKERS=1, which turns that skip into a failure).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility and markup checks will be skipped." >&2; fi

install: $(BIN)/.installed node_modules/.installed

run: install
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py rundemo $(HOST):$(PORT)

test: install
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(TEST_ENV) $(BIN)/python manage.py check

# `make run` starts the web server and the task worker together (Ctrl-C stops both). This is
# the worker alone, with the demo's settings, for when the web server runs elsewhere.
# Production runs `manage.py worker` under its own environment (docs/operations.md).
worker: install
	@mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py worker

# Benchmarks print figures (docs/performance.md, with what each measures). Each makes its own
# throw-away PostgreSQL database at 127.0.0.1:5432 (and Redis, gunicorn, nginx where it needs
# them) and drops it at the end; render, pages and api need wrk, pages needs nginx too
# (apt-get install -y wrk nginx). All of them take about half an hour, most of it loading
# 100,000 briefings for scale: `make bench BENCHES="render pages"` runs some, and
# SCALE_ARGS="--count 10000" a smaller scale.
BENCHES ?= ingest_feed render pages api load scale
SCALE_ARGS ?=
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_ingest
# Every bench runs even when one before it misses a target; the names of those that did are
# printed at the end, and make exits 1.
bench: install
	@missed=""; for bench in $(BENCHES); do \
		echo "== bench/$$bench.py"; \
		case $$bench in \
			ingest_feed) DATABASE_URL=$(BENCH_DATABASE_URL) $(TEST_ENV) $(BIN)/python bench/ingest_feed.py ;; \
			scale) $(BIN)/python bench/scale.py $(SCALE_ARGS) ;; \
			*) $(BIN)/python bench/$$bench.py ;; \
		esac || missed="$$missed $$bench"; \
	done; \
	if [ -n "$$missed" ]; then echo "== missed a target or failed:$$missed"; exit 1; fi

clean:
	rm -rf $(VENV) var

# Lighthouse on the home page and a briefing page, served as in production (needs npx).
bench-lighthouse: install
	$(BIN)/python bench/lighthouse.py --runs 3
