# Two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
DATA_DIR ?= $(CURDIR)/data
INCIDENT ?= $(shell $(PYTHON) -c "import json;print(json.load(open('seeds/incident.json'))['id'])" 2>/dev/null)
export DATA_DIR

.PHONY: run serve test bench screenshots install install-test browser lint clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Chromium comes from Debian; tests drive it through playwright with executable_path.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

run: install
	$(PY) -m flask --app app ingest seeds --incident $(INCIDENT)
	$(PY) -m flask --app app run --host 127.0.0.1 --port $(PORT)

serve: install
	$(PY) -m flask --app app ingest seeds --incident $(INCIDENT)
	$(VENV)/bin/gunicorn --config gunicorn.conf.py "app:create_app()"

test: install-test
	$(PY) -m pytest

bench: install-test
	$(PY) -m bench

# The README's page screenshots (docs/screenshots/), from the seeds in a fresh store; not part of `make test`.
screenshots: install-test
	$(PY) docs/screenshots.py

lint: install-test
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) data .pytest_cache
