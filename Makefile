# Two commands: `make run` serves the demo study, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint install clean test-sqlite test-postgres messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core for the accessibility checks of the browser tests (test-only; never served).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: browser accessibility checks will skip (CI installs it)"; fi

install: $(STAMP)

run: $(STAMP)
	$(BIN)/heard demo --host $(HOST) --port $(PORT)
	$(BIN)/heard serve --host $(HOST) --port $(PORT) --workers 2

# Extract the respondent interface text, update every catalogue and compile it (commit all three).
messages: $(STAMP)
	$(BIN)/python tools/messages.py

# Static checks: ruff, import-linter, bandit (no unreviewed medium or high finding) and
# our own semgrep rules in .semgrep/ (their tests first), over the code (not tests, bench).
# semgrep has a venv of its own, since its pins would change the app's (.semgrep/requirements.txt);
# it runs offline: local rules only, no metrics, no version check.
CHECKED := survey instruments coding analysis tools deploy
SEMGREP_VENV := $(VENV)/semgrep
SEMGREP := $(abspath $(SEMGREP_VENV))/bin/semgrep
OFFLINE := --metrics=off --disable-version-check --quiet

$(SEMGREP_VENV)/.installed: .semgrep/requirements.txt
	$(PYTHON) -m venv $(SEMGREP_VENV)
	$(SEMGREP_VENV)/bin/python -m pip install --quiet -r .semgrep/requirements.txt
	touch $@

lint: $(STAMP) $(SEMGREP_VENV)/.installed
	$(BIN)/ruff check survey instruments coding analysis tests bench tools deploy
	$(BIN)/lint-imports
	$(BIN)/bandit -c pyproject.toml -q -r $(CHECKED) -ll
	cd .semgrep && $(SEMGREP) --test . $(OFFLINE)
	$(SEMGREP) scan --config .semgrep --error $(OFFLINE) $(CHECKED)

# Tests run on every core (pytest-xdist); each worker has its own database.
XDIST ?= -n auto

test-sqlite: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The app's suite again on PostgreSQL when a server answers (CI requires one). The
# libraries' tests (tests/analysis, tests/coding, tests/instruments) never touch a
# database, so they run once, above.
LIBRARY_TESTS := --ignore=tests/analysis --ignore=tests/coding --ignore=tests/instruments
test-postgres: $(STAMP)
	@url=$$($(BIN)/python tools/find_postgres.py) ; \
	if [ -n "$$url" ]; then \
		echo "== again on PostgreSQL ($$url)"; \
		HEARD_TEST_DATABASE_URL=$$url $(BIN)/python -m pytest $(XDIST) -m "not browser" $(LIBRARY_TESTS) $(PYTEST_ARGS) ; \
	elif [ "$$HEARD_REQUIRE_SERVICES" = "1" ]; then \
		echo "HEARD_REQUIRE_SERVICES=1 but no PostgreSQL answers"; exit 1; \
	else echo "== PostgreSQL suite skipped: no server answers (set HEARD_TEST_POSTGRES_URL)"; fi

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
