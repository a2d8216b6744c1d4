# Magpie: `make run` serves the demo store, `make test` runs the whole suite.
# Both work on a fresh machine with Python 3.11: they create .venv and install what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test lint format migrate seed db-start db-stop clean-db help bench locust

help:
	@echo "make run    - serve the demo store on http://$(HOST):$(PORT) (embedded PostgreSQL unless DATABASE_URL is set)"
	@echo "make test   - lint and run the whole test suite"
	@echo "make db-stop - stop the embedded PostgreSQL server"
	@echo "make bench  - measure the storefront and a checkout scenario against a baseline view (wrk; docs/benchmarks.md)"
	@echo "make locust - the Locust scenario (browse, search, cart, checkout) against gunicorn, headless and bounded"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo --port $(PORT)

run: seed
	$(BIN)/python manage.py demo_admin --base-url http://$(HOST):$(PORT)
	@$(BIN)/python manage.py demo_offers
	@echo "Storefront: http://$(HOST):$(PORT)/   Second store: http://north.localhost:$(PORT)/"
	@mkdir -p var
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py localstripe --webhook http://$(HOST):$(PORT)/payments/stripe/webhook/ > var/localstripe.log 2>&1 & \
	$(BIN)/python manage.py fakeshippo --webhook http://$(HOST):$(PORT)/shipping/shippo/webhook/ > var/fakeshippo.log 2>&1 & \
	$(BIN)/python manage.py maintain_store --every 60 > var/maintenance.log 2>&1 & \
	$(BIN)/python manage.py demo_orders --wait 30 & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

db-start: install
	$(BIN)/python -m config.embedded_postgres start

db-stop:
	test -x $(BIN)/python && $(BIN)/python -m config.embedded_postgres stop || true

clean-db: db-stop
	rm -rf var/postgres

# Storefront speed: gunicorn (production settings, 2 workers) on benchmark databases of 1,000 and
# 100,000 products, every page uncached and cached against the baseline view B, with wrk
# (apt-get install wrk). Writes docs/benchmarks.md. Not part of `make test` or CI.
# BENCH_ONLY=checkout (or pages) measures one part alone.
BENCH_PRODUCTS ?= 1000 100000
BENCH_SECONDS ?= 10
BENCH_ONLY ?=
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install -y wrk)"; exit 1; }
	$(BIN)/python -m bench --products $(BENCH_PRODUCTS) --seconds $(BENCH_SECONDS) $(if $(BENCH_ONLY),--only $(BENCH_ONLY))

# Load: Locust (bench/locustfile.py) with LOCUST_USERS users for LOCUST_TIME against gunicorn (production
# settings, page cache on) and localstripe on a 1,000-product benchmark database; exits 1 on any failure.
LOCUST_USERS ?= 20
LOCUST_RATE ?= 5
LOCUST_TIME ?= 60s
locust: install
	$(BIN)/python -m bench.load --users $(LOCUST_USERS) --spawn-rate $(LOCUST_RATE) --run-time $(LOCUST_TIME)
