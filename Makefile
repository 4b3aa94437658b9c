# chipwatch — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= chipwatch.duckdb

.PHONY: run test bench lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/chipwatch --db $(DB) build datasets/russia datasets/reference
	$(BIN)/chipwatch --db $(DB) summary

test: $(STAMP)
	$(BIN)/python -m pytest -q

NKVENV := .venv-nomenklatura

# nomenklatura (logic-v2, the baseline of the name benchmark) needs duckdb < 2, so it gets a venv of its own.
$(NKVENV)/.installed:
	$(PYTHON) -m venv $(NKVENV)
	$(NKVENV)/bin/pip install --quiet nomenklatura==4.17.4
	touch $@

bench: $(STAMP) $(NKVENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/scenarios.py
	NOMENKLATURA_PYTHON=$(NKVENV)/bin/python $(BIN)/python bench/names.py
	$(BIN)/python bench/ownership.py --spark-edges 1000000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) $(NKVENV) $(DB) .pytest_cache
