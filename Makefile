# Curious Lab. `make demo` sets everything up and serves the platform with demo data;
# `make test` runs the test suite. Both start from a bare machine with Python >= 3.12.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12+: take the first suitable interpreter on this machine.
PYTHON ?= $(shell for p in python3.12 python3.13 python3 $$HOME/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 /usr/local/bin/python3.1[23] /usr/bin/python3.1[23]; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= true

.PHONY: demo demo-env test install install-dev messages lint lock clean

# The demo's links (invitations, QR codes, PDFs' verification addresses, e-mails) point at the
# address it serves: `make demo PORT=8001 HOST=lab.local` sets SITE_URL to http://lab.local:8001
# and lets that host in. A SITE_URL or ALLOWED_HOSTS set in the environment wins.
demo demo-env: export SITE_URL ?= http://$(HOST):$(PORT)
demo demo-env: export ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1],$(HOST)

# Installs come from the lock files (every package pinned with its hashes), so the result does
# not depend on the day; pyproject.toml keeps the ranges, `make lock` re-resolves them.
$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Curious Lab needs Python 3.12 or newer (Django 6); none was found." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compile the translations with a Python tool (polib): no GNU gettext needed.
messages: $(VENV)/.installed
	$(PY) scripts/compile_messages.py

demo: install messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "Curious Lab runs at $$SITE_URL/ — demo accounts are listed in README.md (password: curiouslab-demo)."
	@echo "A Celery worker (with beat) runs beside it on the file-system broker in var/broker. Stop both with Ctrl-C."
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A curiouslab worker --beat --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# What `make demo` would run with (the same HOST and PORT): `make demo-env PORT=8001`.
demo-env:
	@echo "SITE_URL=$$SITE_URL"
	@echo "ALLOWED_HOSTS=$$ALLOWED_HOSTS"

# pytest exits 5 when it collected no test: a failure here too, not a silent pass. A local run
# keeps the test database between runs (--reuse-db: PostgreSQL is not rebuilt each time; new
# migrations still apply); CI (CI=true) builds it afresh. The suite's run time is printed last.
REUSE_DB := $(if $(filter true 1,$(CI)),,--reuse-db)
test: install-dev messages
	@start=$$(date +%s); rc=0; $(VENV)/bin/pytest $(REUSE_DB) $(PYTEST_ARGS) || rc=$$?; \
	took=$$(( $$(date +%s) - start )); \
	echo "make test: the suite ran in $$(( took / 60 )) min $$(( took % 60 )) s (exit $$rc)"; \
	if [ $$rc = 5 ]; then echo "make test: no test was collected" >&2; exit 1; fi; exit $$rc

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Re-resolve every dependency to the newest release within pyproject.toml's ranges and write
# both lock files with hashes (the dev lock first; the runtime lock is held to its versions).
LOCK_FLAGS := --generate-hashes --python-version 3.12 --upgrade --quiet --custom-compile-command "make lock"
lock: install-dev
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements-dev.txt
	$(VENV)/bin/uv pip compile pyproject.toml -c requirements-dev.txt $(LOCK_FLAGS) -o requirements.txt
	@rm -f $(VENV)/.installed $(VENV)/.installed-dev
	@echo "Lock files rewritten: run make test, then commit requirements.txt and requirements-dev.txt."

clean:
	rm -rf $(VENV) var
