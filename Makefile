# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format messages check-messages bench loadtest wrk adminbench browserbench screenshots clean

# One virtualenv for `run`, `test` and the tools: the development set, which includes the
# production one (requirements/). Reinstalled when either lock file changes.
LOCKS := requirements/production.lock requirements/development.lock

$(STAMP): $(LOCKS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/development.lock
	touch $(STAMP)

install: $(STAMP)

# Serve the site on SQLite with the demo data (DEBUG on, so no secrets are needed).
run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite, browser tests included (they skip, saying how to install Chromium,
# when it is missing and REQUIRE_BROWSER is not set).
test: install
	@$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that counts as a failure." >&2; exit 1; fi; \
	exit $$status

# Style (ruff), formatting (ruff format) and the layers (import-linter, pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .

# Extract interface strings into locale/ko (needs GNU gettext), then compile the
# catalogs in pure Python so that nothing else needs gettext.
messages: install
	DEBUG=true $(BIN)/python manage.py makemessages --locale ko --ignore ".venv/*" --ignore "staticfiles/*" --no-obsolete
	$(BIN)/python -m portal.blocks.compile_catalogs

# The load generator of bench and loadtest, installed when apt is available.
wrk:
	@command -v wrk >/dev/null || (command -v apt-get >/dev/null && apt-get install -y -qq wrk >/dev/null 2>&1) || echo "wrk is not installed: using the Python load client." >&2

# The benchmark (tests/bench/README.md): the public pages under load at city-network
# scale, against a minimal Django view measured in the same run. Needs wrk (installed
# here when apt is available; otherwise a slower Python client is used).
BENCH_ARGS ?= --db sqlite,postgres
bench: install wrk
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

# The public site under load while another process edits and publishes records
# (tests/bench/README.md): exits non-zero unless every change shows within a second.
LOADTEST_ARGS ?=
loadtest: install wrk
	$(BIN)/python -m tests.bench.loadtest $(LOADTEST_ARGS)

# How quick the admin is at network scale (tests/bench/admin_bench.py): the change lists
# and heaviest change forms, in-process, against 300 ms and 150 KB a page.
ADMINBENCH_ARGS ?=
adminbench: install
	$(BIN)/python -m tests.bench.admin_bench $(ADMINBENCH_ARGS)

# How the home, an institution and an event page load on a phone in Chromium (slow 4G,
# CPU slowed 4×): LCP, CLS and bytes of a first view against their targets
# (tests/bench/browser_bench.py); exits non-zero when one is missed.
BROWSERBENCH_ARGS ?=
browserbench: install
	$(BIN)/python -m tests.bench.browser_bench $(BROWSERBENCH_ARGS)

# Full-page screenshots of the public pages and the main admin screens at 390 and 1,366 px
# in both languages, from the demo data, into screenshots/ (tests/bench/screenshots.py).
screenshots: install
	$(BIN)/python -m tests.bench.screenshots

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
