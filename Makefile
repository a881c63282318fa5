# The two commands of the README: `make run` and `make test`. Both set up everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-scale lint format bench-ingest bench-pages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Wirewatch needs Python 3.11 or newer as $(PYTHON) (set PYTHON=...)"; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
	  { echo "Python's venv module is missing: on Debian, apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wirewatch demo

test: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pytest

# The same suite on PostgreSQL + Redis (scale-out mode, docs/deploy.md); .ci/run starts both first.
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/wirewatch
SCALE_REDIS_URL ?= redis://127.0.0.1:6379/0
test-scale: $(STAMP)
	DATABASE_URL=$(SCALE_DATABASE_URL) REDIS_URL=$(SCALE_REDIS_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

bench-pages: $(STAMP)
	bash bench/pages.sh

clean:
	rm -rf $(VENV) var
