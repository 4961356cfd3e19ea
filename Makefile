# Two commands: `make run` (the portal with its worker and beat, on SQLite, nothing to install
# but Python 3.11+ and make) and `make test` (the whole suite). See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
TOOLS := var/tools
# uv from PATH if there is one, else a private copy in var/tools (installed on first use).
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/$(TOOLS)/bin/uv)
VAR_DIRS := var/mail var/media var/celery/queue var/celery/control

# uv must use a Python that is already here: a download of one cannot work offline and
# would hide a wrong interpreter.
export UV_PYTHON_DOWNLOADS := never

DEMO_PASSWORD := innocities-demo
DEMO_TOTP_SECRET := INNOCITIESDEMO23

.PHONY: help run serve test lint format check check-migrations check-compose check-layers \
	check-types sync dirs demo-data logins clean bench

help:
	@echo "make run     set up (venv, database, demo data) and serve http://$(HOST):$(PORT) with a Celery worker and beat; Ctrl-C stops all three"
	@echo "make test    the whole test suite, in parallel (PYTEST_ARGS='-k something' to narrow it)"
	@echo "make lint    ruff check + ruff format --check"
	@echo "make format  ruff format + ruff check --fix"
	@echo "make check   missing migrations, lint, the layer contract, types, docker-compose.yml validity"
	@echo "make serve   only web, worker and beat (no setup, no demo data)"
	@echo "make bench   every page at national scale on PostgreSQL under gunicorn, against /healthz/ (BENCH_RESEED=0 reuses the data)"
	@echo "make clean   remove var/ (database, mail, queue) and the virtualenv"

# --- setup ---------------------------------------------------------------------------------

$(CURDIR)/$(TOOLS)/bin/uv:
	@echo "==> Installing uv into $(TOOLS)/"
	@rm -rf $(TOOLS)
	@# A private venv works as root and as a normal user and never touches the system Python
	@# (PEP 668); where the venv module is missing, pip --target gives the same bin/uv.
	@if $(PYTHON) -m venv $(TOOLS) >/dev/null 2>&1 && $(TOOLS)/bin/python -m pip --version >/dev/null 2>&1; then \
		$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv; \
	else \
		rm -rf $(TOOLS) && $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(TOOLS) uv; \
	fi
	@test -x $@ || { echo "could not install uv: install it by hand (https://docs.astral.sh/uv/)"; exit 1; }

sync: $(UV)
	@"$(UV)" sync --frozen --quiet

dirs:
	@mkdir -p $(VAR_DIRS)

# --- make run ------------------------------------------------------------------------------

demo-data: sync dirs
	@echo "==> Database and demo data (SQLite at var/db.sqlite3 unless DATABASE_URL says otherwise)"
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) load_reference_data
	DEBUG=1 $(MANAGE) load_module_library
	DEBUG=1 $(MANAGE) load_recommendation_rules
	DEBUG=1 $(MANAGE) seed_demo

logins:
	@echo
	@echo "  Innocities is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@echo
	@echo "  Demo logins, all with the password $(DEMO_PASSWORD):"
	@echo "    admin@demo.innocities.se         administrator"
	@echo "    manager@demo.innocities.se       programme manager, cluster A"
	@echo "    coordinator@demo.innocities.se   coordinator of a municipality in cluster A"
	@echo "    viewer@demo.innocities.se        viewer of that municipality"
	@echo "    partner@demo.innocities.se       partner contact in cluster A"
	@echo "    manager2@demo.innocities.se      programme manager, cluster B"
	@echo "    coordinator2@demo.innocities.se  coordinator of a municipality in cluster B"
	@echo "  The administrator and the managers then give a code from an authenticator app with"
	@echo "  the secret $(DEMO_TOTP_SECRET), or a recovery code (seed_demo printed them above)."
	@echo
	@echo "  E-mail is written to var/mail/ instead of being sent."
	@echo

run: demo-data logins serve

# Web, worker and beat in one terminal. Each runs in its own process group (set -m), so Ctrl-C
# reaches only this shell, whose trap stops the three in an orderly way: celery's main processes
# get one SIGTERM each (a warm shutdown; they stop their own pool children), runserver's whole
# group gets it (its autoreloader's child would otherwise keep the port). When one of them exits
# on its own (port taken, crash), the others are stopped as well.
define SERVE_SCRIPT
set -m
stop_all() {
  trap - INT TERM EXIT
  echo; echo "==> Stopping web, worker and beat"
  kill -TERM "$$worker" "$$beat" 2>/dev/null || true
  kill -TERM -- "-$$web" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap 'stop_all; exit 0' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT
$(VENV)/bin/celery -A innocities worker --loglevel=INFO --concurrency=1 --without-gossip --without-mingle &
worker=$$!
$(VENV)/bin/celery -A innocities beat --loglevel=INFO -S django_celery_beat.schedulers:DatabaseScheduler &
beat=$$!
$(MANAGE) runserver $(HOST):$(PORT) &
web=$$!
wait -n
status=$$?
echo "==> A process stopped (exit $$status)"
exit $$status
endef
export SERVE_SCRIPT

serve: dirs
	@DEBUG=1 bash -c "$$SERVE_SCRIPT"

# --- make test / lint / check --------------------------------------------------------------

# make test runs the suite in parallel: one pytest-xdist worker per core (TEST_WORKERS=0 runs
# it in this process). Each worker has its own test database (suffix _gw0, _gw1, …), Redis
# database, temporary folders and live server. --dist loadgroup hands out tests one by one in
# their order, but keeps a module marked xdist_group (an expensive module fixture) on one worker.
TEST_WORKERS ?= auto
# A laptop keeps its test databases between runs; tests/conftest.py makes one anew when the
# migrations changed and starts a kept one as a new one would. CI sets TEST_DB=--create-db.
TEST_DB ?= --reuse-db
# COVERAGE=1 measures line coverage of the application packages and fails under the floor
# in pyproject.toml ([tool.coverage.report] fail_under); CI sets it. A floor is about the
# whole suite: do not combine it with PYTEST_ARGS that narrow the run.
COVERAGE ?=
TEST_COVERAGE_ARGS := $(if $(COVERAGE),--cov --cov-report=term:skip-covered)

test: sync dirs
	@mkdir -p var/coverage
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(TEST_DB) $(TEST_COVERAGE_ARGS) $(PYTEST_ARGS)

lint: sync
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: sync
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: lint check-migrations check-layers check-types check-compose

# The layer contract in pyproject.toml: an app imports only the apps below it.
check-layers: sync
	$(VENV)/bin/lint-imports --no-cache

# mypy with django-stubs on the permission modules, services and selectors (pyproject.toml).
check-types: sync
	DEBUG=1 $(VENV)/bin/mypy

check-migrations: sync
	@# Models against migration files only: no database needed (an in-memory one stands in).
	DEBUG=1 DATABASE_URL=sqlite://:memory: $(MANAGE) makemigrations --check --dry-run

# docker-compose (v1, Debian's) validates without a Docker engine. The file reads .env, which a
# checkout has not got: a throwaway copy of .env.example in a temporary project folder stands in.
check-compose:
	@if command -v docker-compose >/dev/null 2>&1; then \
		echo "docker-compose config -q (with .env.example as .env)"; \
		tmp=$$(mktemp -d) && cp .env.example "$$tmp/.env" && \
		docker-compose --project-directory "$$tmp" -f docker-compose.yml config -q; \
		status=$$?; rm -rf "$$tmp"; exit $$status; \
	else \
		echo "docker-compose is not installed: docker-compose.yml not validated"; \
	fi

# --- make bench ----------------------------------------------------------------------------

# Every page at national scale (innocities/demo/bench/): seeds BENCH_DATABASE_URL with
# seed_scale 1.0 and its twin <name>_small with 0.1 (PostgreSQL; Redis at 127.0.0.1:6379/9 is
# the server's cache), serves the big one with gunicorn (2 workers, DEBUG=0), logs in as each
# demo persona and times every page against /healthz/; prints the table and writes
# var/bench/latest.md and .json. Exits 1 when a page is over 10× /healthz/ or its query count
# differs between the sizes. BENCH_RESEED=0 keeps both databases (migrate and measure only),
# BENCH_REQUESTS sets the timed requests per page, BENCH_ONLY=programs:,admin: narrows it.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/innocities_bench
BENCH_RESEED ?= 1
BENCH_REQUESTS ?= 15
BENCH_ONLY ?=

bench: sync
	BENCH_DATABASE_URL="$(BENCH_DATABASE_URL)" BENCH_RESEED="$(BENCH_RESEED)" \
		BENCH_REQUESTS="$(BENCH_REQUESTS)" BENCH_ONLY="$(BENCH_ONLY)" $(MANAGE) bench

clean:
	rm -rf var $(VENV)
