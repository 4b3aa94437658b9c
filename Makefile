# chipwatch — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= chipwatch.duckdb

.PHONY: run test fuzz bench lint install clean

# Debian packages: Chromium (browser tests, driven by Playwright without downloading a browser),
# Noto CJK fonts (Chinese in PDFs, charts and screenshots), poppler-utils (pdftoppm), wrk (load bench).
SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml package.json package-lock.json
	@missing="$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then echo "installing Debian packages:" $$missing; \
	  $(SUDO) apt-get install -y -q $$missing || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $$missing; }; fi
	npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

HOST ?= 127.0.0.1
PORT ?= 8000

run: $(STAMP)
	$(BIN)/chipwatch --db $(DB) build datasets/russia datasets/reference datasets/sources-2022-2024
	$(BIN)/chipwatch --db $(DB) summary
	$(BIN)/chipwatch --db $(DB) serve --host $(HOST) --port $(PORT)

# yente (the OpenSanctions screening API) and the nomenklatura it pins, from PyPI in a venv of
# their own: the tests check chipwatch's yente API with yente's own models and nomenklatura's
# YenteEnricher (tests/test_yente.py).
YENTEVENV := .venv-yente

$(YENTEVENV)/.installed:
	$(PYTHON) -m venv $(YENTEVENV)
	$(YENTEVENV)/bin/pip install --quiet yente==5.5.0
	touch $@

# openapi-python-client in a venv of its own: the tests generate a client from /openapi.json and
# call the API through it (tests/test_openapi_client.py).
OPENAPIVENV := .venv-openapi

$(OPENAPIVENV)/.installed:
	$(PYTHON) -m venv $(OPENAPIVENV)
	$(OPENAPIVENV)/bin/pip install --quiet openapi-python-client==0.29.1
	echo '*' > $(OPENAPIVENV)/.gitignore
	touch $@

test: $(STAMP) $(YENTEVENV)/.installed $(OPENAPIVENV)/.installed
	CHIPWATCH_YENTE_PYTHON=$(YENTEVENV)/bin/python CHIPWATCH_OPENAPI_PYTHON=$(OPENAPIVENV)/bin/python \
	  $(BIN)/python -m pytest -q

# Mutation fuzzing of every importer and loader (tests/fuzz; its quick profile runs in `make test`):
# cases / tracebacks / hangs per target, exit 1 on any. FUZZ_ARGS='--target ofac --save fuzz-failures' narrows it.
FUZZ_CASES ?= 100000

fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py --cases $(FUZZ_CASES) --workers $$(nproc) $(FUZZ_ARGS)

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
	$(BIN)/python bench/load.py
	$(BIN)/python bench/trade.py
	$(BIN)/python bench/trade_import.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/everyday.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) $(NKVENV) $(YENTEVENV) $(OPENAPIVENV) $(DB) .pytest_cache node_modules
