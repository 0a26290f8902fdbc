# CARTwatch: `make run` and `make test` are all a new machine needs (Python 3.11+).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test bench lint chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium); }

run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run-dev --host 127.0.0.1 --port 5000

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (browser tests run once).
# The suite mostly waits (fsync, subprocesses, the browser), so it runs in PYTEST_WORKERS
# processes (pytest-xdist; one per CPU by default), each with its own database and app;
# PYTEST_WORKERS=0 runs it in one.
PYTEST_WORKERS ?= $(shell nproc)
XDIST := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist load)
test: $(STAMP) chromium
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
	  $(BIN)/python -m pytest -m "not browser" $(XDIST) $(PYTEST_ARGS); \
	fi

lint: $(STAMP)
	$(BIN)/ruff check server notifications tests wsgi.py

bench: $(STAMP) chromium
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
