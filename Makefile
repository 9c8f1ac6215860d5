# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test bench lint sandbox clean

install: $(VENV)/.installed

# uv lives in its own small virtualenv so that `uv sync` can keep .venv exactly to the lock file.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PYTHON)
	touch $@

run: install
	DEBUG=$${DEBUG:-true} $(VENV)/bin/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(VENV)/bin/python manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	SECRET_KEY=mypy DEBUG=true $(VENV)/bin/mypy
	$(VENV)/bin/pytest

bench: install
	$(VENV)/bin/python bench/run.py
	$(VENV)/bin/python bench/backends.py
	$(VENV)/bin/python bench/load.py

sandbox: install
	$(VENV)/bin/python manage.py sandbox --port 8001

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	SECRET_KEY=mypy DEBUG=true $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles
