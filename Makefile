# Scorecards: `make run` serves the app with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
INSTALLED := $(VENV)/.installed
# The suite runs a second time against PostgreSQL when one answers here.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# axe-core, which the browser tests run on each page to find accessibility problems.
AXE := tests/e2e/node_modules/axe-core/axe.min.js

.PHONY: lock run test test-system test-sqlite test-postgres test-faults test-deploy lint format migrate system clean \
	translations translations-extract

# Every package at the version and hashes in requirements.lock, then the project itself.
$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Scorecards needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
	  -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Writes requirements.lock again from pyproject.toml's ranges (newest versions they admit).
lock: $(INSTALLED)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra sentry --generate-hashes \
	  --universal --python-version 3.11 --quiet -o requirements.lock

# Installs the Debian packages serving (or testing) lacks when make runs as root or with
# password-less sudo, otherwise prints the command to run; the lists are in scorecards/system.py.
system: $(INSTALLED)
	@$(BIN)/python -m scorecards.system --install run

migrate: system
	$(FLASK) db upgrade

run: migrate
	$(FLASK) rubrics sync
	$(FLASK) demo seed --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: test-sqlite test-postgres

test-system: $(INSTALLED)
	@$(BIN)/python -m scorecards.system --install test --strict

# Without npm the accessibility tests fail and say so: a skipped check proves nothing.
# (test-system installs Debian's npm where there is no Node; Node's own npm is used otherwise.)
$(AXE): | test-system
	@if command -v npm >/dev/null; then \
	  npm install --prefix tests/e2e --no-save --no-audit --no-fund axe-core@4; \
	else echo "npm is not installed: the accessibility tests need it (it comes with Node.js)."; fi

# redocly and spectral, which lint the served OpenAPI document (tests/api/test_linters.py).
# Without npm those tests fail and say so.
API_LINTERS := tests/api/node_modules/.bin/spectral
$(API_LINTERS):
	@if command -v npm >/dev/null; then \
	  npm install --prefix tests/api --no-save --no-audit --no-fund \
	    @redocly/cli@2.77.0 @stoplight/spectral-cli@6; \
	else echo "npm is not installed: the API linter tests need it (apt-get install npm)."; fi

# oidc-provider, the OpenID Connect provider the single sign-on tests sign in through
# (tests/auth/oidc/provider.mjs). Without npm those tests fail and say so.
OIDC_PROVIDER := tests/auth/oidc/node_modules/oidc-provider/package.json
$(OIDC_PROVIDER):
	@if command -v npm >/dev/null; then \
	  npm install --prefix tests/auth/oidc --no-save --no-audit --no-fund oidc-provider@9.13.3; \
	else echo "npm is not installed: the single sign-on tests need it (apt-get install npm)."; fi

test-sqlite: test-system $(AXE) $(API_LINTERS) $(OIDC_PROVIDER)
	$(BIN)/pytest

test-postgres: test-system $(AXE) $(API_LINTERS) $(OIDC_PROVIDER)
	@if $(BIN)/python -m scorecards.system --postgres '$(TEST_POSTGRES_URL)'; then \
	  echo "== The suite again, on PostgreSQL =="; \
	  SCORECARDS_TEST_DATABASE_URL='$(TEST_POSTGRES_URL)' $(BIN)/pytest; \
	else echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL); skipped the PostgreSQL run."; fi

# Stops and restarts a PostgreSQL of its own (initdb, pg_ctl; port and folder of its own), so it
# runs once, apart from the two suite runs, and never touches the shared server.
test-faults: test-system
	$(BIN)/pytest -m faults -p no:playwright tests/faults

# The production topology on this machine, without containers: a PostgreSQL and a Redis of its
# own, two gunicorn app servers behind nginx, two RQ workers and the scheduler; an app server
# and a worker are killed in the middle (README, "Deploying"). About two minutes.
test-deploy: test-system
	$(BIN)/pytest -m deploy -p no:playwright tests/deploy

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/flask --app wsgi rubrics check

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The pages' translations (README, "Languages and time zones"). translations-extract collects
# the marked strings into the template catalogue and merges them into each language's .po
# (new ones untranslated, changed ones fuzzy); translate those, then `make translations`
# compiles the .po files into the .mo files the app reads (both are committed).
CATALOGUE := scorecards/translations
translations-extract: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --add-location=file --sort-by-file \
	  --project=Scorecards --copyright-holder=Scorecards --msgid-bugs-address=none \
	  -o $(CATALOGUE)/messages.pot scorecards templates templates/_macros
	$(BIN)/pybabel update -i $(CATALOGUE)/messages.pot -d $(CATALOGUE) --ignore-pot-creation-date

translations: $(INSTALLED)
	$(BIN)/pybabel compile -d $(CATALOGUE) --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis tests/e2e/node_modules tests/api/node_modules \
	  tests/auth/oidc/node_modules test-results
