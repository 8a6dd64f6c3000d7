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

.PHONY: demo test install install-dev messages lint serve worker clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Curious Lab needs Python 3.12 or newer (Django 6); none was found." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
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
	@echo "Curious Lab runs at http://$(HOST):$(PORT)/ — demo accounts are listed in README.md (password: curiouslab-demo)."
	@echo "A Celery worker (with beat) runs beside it on the file-system broker in var/broker. Stop both with Ctrl-C."
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A curiouslab worker --beat --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule & \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
