# Kyodo — every target a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(or $(shell command -v uv 2>/dev/null),$(HOME)/.local/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= auto

.PHONY: help setup demo serve migrate seed test test-fast test-slow test-browser test-scaleout scaleout browser-deps fonts lint format typecheck messages totp clean bench

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	@echo "uv not found: installing it with pip (python3 -m pip install --user uv)"
	python3 -m pip install --quiet --user uv

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python 3.11
	@touch $@

setup: $(VENV)/.synced ## Create the virtual environment and install the locked dependencies
	@mkdir -p var

migrate: setup ## Apply database migrations
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate ## Load the Kamakura demo data (idempotent) and print the demo log-ins
	DEBUG=1 $(PY) manage.py seed_demo

# The task worker runs in the background beside the development server and is stopped with
# it (Ctrl-C, or any exit): mail and other background work go through the database queue,
# as in production. --no-reload: the autoreloader's child would outlive a stopped parent.
# booking_tick --schedule queues the booking cycle's self-repeating tick (lottery draws,
# releases of unconfirmed wins) unless one waits already: no cron. report_reminders --schedule
# does the same for the daily reminders of project reports due (kyodo/projects/tasks.py).
WORKER_QUEUES := default,mail,documents,imports
serve: ## Serve the app at http://$(HOST):$(PORT) with a task worker beside it (log: var/worker.log)
	@mkdir -p var
	@DEBUG=1 $(PY) manage.py booking_tick --schedule || echo "booking tick not queued (migrate first)"
	@DEBUG=1 $(PY) manage.py report_reminders --schedule || echo "report reminders not queued (migrate first)"
	@DEBUG=1 $(PY) manage.py db_worker --queue-name $(WORKER_QUEUES) --no-reload >>var/worker.log 2>&1 & \
	worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; echo "task worker stopped"' EXIT; \
	trap 'exit 130' INT TERM; \
	echo "task worker started (pid $$worker, queues $(WORKER_QUEUES)); its output goes to var/worker.log"; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

demo: fonts seed serve ## Set everything up on SQLite and serve the demo at http://127.0.0.1:8000, with a task worker

test: test-fast test-slow test-browser test-scaleout ## Set up and run the whole test suite (unit, integration, slow, browser, scale-out)

test-fast: setup fonts ## Run the fast suite (no browser, none of the tests marked slow), in parallel
	KYODO_TESTING=1 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q -m "not browser and not scaleout and not slow"

test-slow: setup fonts ## The tests of ten seconds or more (page crawl, races, big property runs), in parallel
	KYODO_TESTING=1 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -q -m slow

test-browser: setup browser-deps ## Run the end-to-end tests in Debian's Chromium
	KYODO_TESTING=1 $(VENV)/bin/pytest -m browser -q -p no:randomly

test-scaleout: setup ## Scale-out rehearsal: 2 gunicorns + 2 task workers on PostgreSQL and Redis (skips without them)
	KYODO_TESTING=1 $(VENV)/bin/pytest -m scaleout -q -p no:randomly -n 0 -rs tests/scaleout

scaleout: setup ## The scale-out rehearsal on its own, each step narrated
	KYODO_TESTING=1 $(VENV)/bin/pytest -m scaleout -p no:randomly -n 0 -s -v -rs tests/scaleout

browser-deps: node_modules/.kyodo-installed ## Debian's Chromium and IPAex fonts (apt, as root) and the npm test tools (axe-core, vnu-jar)
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-ipaexfont $(FONT_PACKAGES); \
	  else \
	    echo "The browser tests need Debian's Chromium and the IPAex fonts. As root, run:" >&2; \
	    echo "  apt-get update && apt-get install -y chromium fonts-ipaexfont" >&2; \
	    exit 1; \
	  fi; \
	fi

# The documents (kyodo/documents/fonts.py) are printed in BIZ UD明朝/ゴシック, with IPAex and
# IPAmj明朝 (𠮷 and the other family-register kanji) taking the glyphs they lack; the PDF
# tests read them back with poppler-utils (pdftotext, pdftoppm, pdffonts).
FONT_PACKAGES := fonts-morisawa-bizud-mincho fonts-morisawa-bizud-gothic fonts-ipaexfont fonts-ipamj-mincho poppler-utils
FONT_FILES := /usr/share/fonts/truetype/bizud-mincho/BIZUDMincho-Regular.ttf \
  /usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf \
  /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf \
  /usr/share/fonts/truetype/ipamj/ipamjm.ttf /usr/bin/pdftotext
fonts: ## The fonts documents are printed in, and poppler-utils for their tests (apt, as root)
	@missing=""; for f in $(FONT_FILES); do [ -e "$$f" ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(FONT_PACKAGES); \
	  else \
	    echo "Documents (PDF and Word) need these Debian packages, missing:$$missing. As root, run:" >&2; \
	    echo "  apt-get update && apt-get install -y $(FONT_PACKAGES)" >&2; \
	    exit 1; \
	  fi; \
	fi

# npm ci only when node_modules is missing or the lock file changed. --ignore-scripts: vnu-jar's
# postinstall would fetch a Java runtime; the machine's own java runs vnu.jar.
node_modules/.kyodo-installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

lint: setup ## ruff (lint and format check), mypy and the missing-migration check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	KYODO_TESTING=1 $(VENV)/bin/mypy kyodo
	KYODO_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

format: setup ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup ## mypy with django-stubs
	KYODO_TESTING=1 $(VENV)/bin/mypy kyodo

# Apps with a catalog of their own (kyodo/<app>/locale) keep their strings there: the
# project's catalog leaves them out, and each is extracted from inside its app.
APP_CATALOGS := $(patsubst %/locale/,%,$(dir $(wildcard kyodo/*/locale/)))
messages: setup ## Extract and compile the translations (ja is the source; en in locale/ and kyodo/<app>/locale/)
	DEBUG=1 $(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --no-obsolete $(foreach app,$(APP_CATALOGS),--ignore=$(app)/*)
	@for app in $(APP_CATALOGS); do (cd $$app && DEBUG=1 DJANGO_SETTINGS_MODULE=kyodo.settings PYTHONPATH=$(CURDIR) $(CURDIR)/$(VENV)/bin/django-admin makemessages -l en --no-obsolete) || exit 1; done
	DEBUG=1 $(PY) manage.py compilemessages -l en --ignore=.venv --ignore=node_modules

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var node_modules

totp: setup ## Print the current second-factor code of a demo staff account (EMAIL=office@kyodo.example)
	@DEBUG=1 $(PY) manage.py demo_totp $(or $(EMAIL),office@kyodo.example)

BENCH_DB ?= sqlite,postgres
BENCH_SCALES ?= 400,50000
BENCH_THROUGHPUT_SECONDS ?= 5
BENCH_TASKS ?= 1000
bench: setup ## Time the pages (400 and 50,000 groups) and the task queue (1,000 tasks, 2 workers) on SQLite and PostgreSQL
	$(PY) -m bench.run --db $(BENCH_DB) --scales $(BENCH_SCALES)
	$(PY) -m bench.surveys --db $(if $(filter sqlite postgres,$(BENCH_DB)),$(BENCH_DB),both)
	$(PY) -m bench.throughput --seconds $(BENCH_THROUGHPUT_SECONDS)
	$(PY) -m bench.tasks --db $(BENCH_DB) --tasks $(BENCH_TASKS)

.PHONY: audit
# pip-audit asks PyPI for each pinned version's advisories; where that per-version service is
# out of reach (an offline mirror), it audits what it can and says so instead of passing quietly.
audit: setup ## Audit the locked dependencies for known vulnerabilities (pip-audit)
	@mkdir -p var
	$(UV) export --frozen --no-hashes --no-emit-project --quiet -o var/requirements-audit.txt
	@if $(PY) -c "import django, urllib.request; urllib.request.urlopen(f'https://pypi.org/pypi/django/{django.get_version()}/json', timeout=15)" 2>/dev/null; then \
	  strict=--strict; \
	else \
	  echo "NOTE: PyPI's per-version advisory service is unreachable from here: auditing without --strict."; \
	  strict=; \
	fi; \
	$(VENV)/bin/pip-audit -r var/requirements-audit.txt --no-deps --disable-pip --progress-spinner off $$strict

.PHONY: backup restore
backup: setup ## Write the database and uploaded files to one archive (OUT=var/backups/….tar.gz)
	$(if $(SECRET_KEY),,DEBUG=1) $(PY) manage.py backup $(if $(OUT),--output $(OUT),)

restore: setup ## Restore an archive into an empty, migrated database (BACKUP=path.tar.gz)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/kyodo-….tar.gz" >&2; exit 2; }
	$(if $(SECRET_KEY),,DEBUG=1) $(PY) manage.py restore $(BACKUP)
