# Prêt à dépenser — every stage of the product is a target; `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8

DATA ?= data/synthetic
CLIENTS ?= 20000
SEED ?= 42
PORT ?= 3000
WORKERS ?= 1
INPUT ?= $(DATA)/application_test.csv
OUTPUT ?= data/scores.csv

.DEFAULT_GOAL := help
.PHONY: help setup demo generate validate features realism train score portfolio snapshot serve dashboard requirements bento container container-smoke calibrate test test-fast lint bench resilience

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) sync --frozen --quiet
	@touch $@

setup: $(VENV)/.synced ## Create .venv with the locked dependencies (uv.lock)

demo: setup .env ## Set up, generate the default data, train, then serve the API and the dashboard
	@$(MAKE) --no-print-directory generate realism train portfolio snapshot
	$(VENV)/bin/bentoml models list credit_scoring
	PORT=$(PORT) scripts/serve-all.sh

generate: setup ## Generate synthetic data: CLIENTS=20000 SEED=42 DATA=data/synthetic
	$(PY) -m training generate --clients $(CLIENTS) --seed $(SEED) --out $(DATA)

validate: setup ## Check every table in DATA against the schema
	$(PY) -m training validate --data $(DATA)

features: setup ## Build the feature matrix of DATA (batch path) and time it
	$(PY) -m training features --data $(DATA)

realism: setup ## Compare DATA with the real-data statistics
	$(PY) -m training realism --data $(DATA)

train: setup ## Train on DATA, save one BentoML store entry, copy its model card to models/
	$(PY) -m training train --data $(DATA) $(TRAIN_ARGS)

score: setup ## Score INPUT=applications.csv into OUTPUT=scores.csv with the latest model
	$(PY) -m training score --input $(INPUT) --output $(OUTPUT)

portfolio: setup ## Load DATA's applications and history into the portfolio database the API reads
	$(PY) -m training portfolio --data $(DATA)

snapshot: setup ## Score every client of DATA once for the dashboard's peer views (data/portfolio_snapshot.parquet)
	$(PY) -m training snapshot --data $(DATA)

.env:
	@echo "CREDIT_API_TOKEN=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" > .env
	@echo "Generated an API token in .env (git-ignored)"

serve: setup .env ## Serve the API on PORT=3000 with the token from .env (WORKERS=1)
	@set -a; . ./.env; set +a; \
	echo "API on http://localhost:$(PORT) — token: $$CREDIT_API_TOKEN"; \
	CREDIT_WORKERS=$(WORKERS) $(VENV)/bin/bentoml serve service:CreditScoring --port $(PORT)

dashboard: setup .env ## Serve the advisor dashboard on DASHBOARD_PORT=5006 (needs the API: make serve)
	@set -a; . ./.env; set +a; \
	$(PY) -m dashboard

requirements: setup ## Export the locked service requirements used by the Bento image
	$(UV) export --frozen --no-dev --no-hashes --no-emit-project -o requirements/service.txt

bento: setup ## Build the Bento (service + code + model) with bentoml build
	$(VENV)/bin/bentoml build --output tag

container: bento ## Build the OCI image (docker if a daemon runs, else buildah; see scripts/container.sh)
	scripts/container.sh build

container-smoke: ## Run the image on localhost: wait for /readyz, score one application, check auth
	scripts/container.sh smoke

calibrate: setup ## Refit the generator statistics on ../shared/data/home-credit-sample
	$(PY) -m training calibrate

test: setup ## Run every test, slow and end-to-end ones included
	$(PY) -m pytest

test-fast: setup ## Run the fast tests only
	$(PY) -m pytest -m "not slow"

lint: setup ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup ## Every benchmark, then benchmarks/results/REPORT.md (QUICK=1: the short CI version)
	$(PY) -m benchmarks $(if $(QUICK),--quick,)

resilience: setup ## Longer fuzzing, sustained load and fault runs; prints the summary table
	CREDIT_RESILIENCE_LONG=1 $(PY) -m pytest tests/resilience -q
