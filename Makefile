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
MLFLOW_PORT ?= 5000
WORKERS ?= 1
INPUT ?= $(DATA)/application_test.csv
OUTPUT ?= data/scores.csv
BENTO ?= credit_scoring_service:latest
IMAGE ?= credit-scoring
# Absolute: `make container` runs it from / (see there).
BENTOML := $(CURDIR)/$(VENV)/bin/bentoml
# pytest-xdist workers for `make test` and `make test-fast` (1 runs in this process).
JOBS ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup demo generate validate features realism train card score portfolio snapshot \
	serve dashboard promote rollback champion mlflow requirements requirements-check bento container container-smoke calibrate monitor \
	test test-fast lint bench resilience clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}'

$(VENV)/.synced: pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

setup: $(VENV)/.synced ## Create .venv with every locked dependency group (uv.lock)

demo: setup .env ## Set up, make (or reuse) data, model, portfolio and snapshot, serve API + dashboard (FRESH=1 redoes them)
	$(PY) -m training prepare --data $(DATA) --clients $(CLIENTS) --seed $(SEED) $(if $(FRESH),--fresh,)
	PORT=$(PORT) scripts/serve-all.sh

generate: setup ## Generate synthetic data: CLIENTS=20000 SEED=42 DATA=data/synthetic
	$(PY) -m training generate --clients $(CLIENTS) --seed $(SEED) --out $(DATA)

validate: setup ## Check every table in DATA against the schema
	$(PY) -m training validate --data $(DATA)

features: setup ## Build the feature matrix of DATA (batch path) and time it
	$(PY) -m training features --data $(DATA)

realism: setup ## Compare DATA with the real-data statistics
	$(PY) -m training realism --data $(DATA)

train: setup ## Train on DATA, save a store entry, record the run in MLflow (TRAIN_ARGS for more)
	$(PY) -m training train --data $(DATA) $(TRAIN_ARGS)

promote: setup ## Compare TAG=name:version with the champion and promote it if the gate passes
	$(if $(TAG),,$(error TAG=name:version is required, e.g. make promote TAG=credit_scoring:abc123))
	$(PY) -m training promote $(TAG) $(PROMOTE_ARGS)

rollback: setup ## Restore the previous champion: REASON="why" is required and recorded
	$(if $(REASON),,$(error REASON="why the previous champion must serve again" is required))
	$(PY) -m training rollback --reason "$(REASON)"

champion: setup ## Show the champion and every promotion and rollback
	$(PY) -m training champion

mlflow: setup ## Open the MLflow tracking UI on MLFLOW_PORT=5000 (the experiments of data/mlflow)
	@mkdir -p data/mlflow
	$(VENV)/bin/mlflow ui --backend-store-uri $${MLFLOW_TRACKING_URI:-sqlite:///$(CURDIR)/data/mlflow/mlflow.db} \
		--host 127.0.0.1 --port $(MLFLOW_PORT)

card: setup ## Copy the champion's card into models/ (the committed card; only when asked)
	$(PY) -m training card

score: setup ## Score INPUT=applications.csv into OUTPUT=scores.csv with the champion
	$(PY) -m training score --input $(INPUT) --output $(OUTPUT)

portfolio: setup ## Load DATA's applications and history into the portfolio database the API reads
	$(PY) -m training portfolio --data $(DATA)

snapshot: setup ## Score every client of DATA once for the dashboard's peer views
	$(PY) -m training snapshot --data $(DATA)

monitor: setup ## Drift and performance report of the served model (SINCE, UNTIL: YYYY-MM-DD); exit 3 watch, 4 act, 5 no data
	$(PY) -m training monitor $(if $(SINCE),--since $(SINCE),) $(if $(UNTIL),--until $(UNTIL),)

# The token is written once into the git-ignored .env; the service and the dashboard read it
# there, and a CREDIT_API_TOKEN already set in the environment wins over it.
.env:
	@echo "CREDIT_API_TOKEN=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')" > .env
	@echo "Generated an API token in .env (git-ignored)"

serve: setup .env ## Serve the API on PORT=3000 (WORKERS=1); token: CREDIT_API_TOKEN, else .env
	@echo "API on http://localhost:$(PORT) (bearer token: CREDIT_API_TOKEN, or the one in .env)"
	CREDIT_WORKERS=$(WORKERS) $(VENV)/bin/bentoml serve service:CreditScoring --port $(PORT)

dashboard: setup .env ## Serve the advisor dashboard on DASHBOARD_PORT=5006 (needs the API: make serve)
	$(PY) -m dashboard

requirements: setup ## Export the service group of uv.lock to requirements/service.txt (the Bento's)
	$(UV) export --frozen --only-group service --no-hashes --no-emit-project --no-header --quiet -o requirements/service.txt

requirements-check: setup ## Fail when requirements/service.txt and uv.lock disagree
	@$(UV) export --frozen --only-group service --no-hashes --no-emit-project --no-header --quiet \
		| diff -u requirements/service.txt - \
		&& echo "requirements/service.txt matches the service group of uv.lock" \
		|| { echo "requirements/service.txt is stale: run make requirements" >&2; exit 1; }

bento: setup ## Build the Bento (service.py, the scoring package and the model) with bentoml build
	$(VENV)/bin/bentoml build --output tag

# The image is IMAGE:<Bento version> and IMAGE:latest. Docker builds it when its daemon
# answers; else scripts/container-buildah.sh does, with buildah and no daemon. `cd /`: BentoML
# >= 1.4.36 refuses the Bento's Dockerfile template outside the working directory at
# containerize time (bentoml/BentoML#5566); from / the temporary build context is inside it.
container: bento ## Build the OCI image IMAGE=credit-scoring (Docker, else buildah; docs/container.md)
	@if docker info >/dev/null 2>&1; then \
		version=$$($(PY) -c 'import sys, bentoml; print(bentoml.get(sys.argv[1]).tag.version)' \
			$(BENTO)) && cd / && \
		$(BENTOML) containerize $(BENTO) --opt build-arg=UV_VERSION=$(UV_VERSION) \
			-t $(IMAGE):$$version -t $(IMAGE):latest && \
		docker image ls $(IMAGE):$$version; \
	else \
		IMAGE=$(IMAGE) UV_VERSION=$(UV_VERSION) scripts/container-buildah.sh $(BENTO); \
	fi

container-smoke: setup ## Run IMAGE:latest: /readyz, one application scored with the token, 401 without
	CONTAINER_IMAGE=$(IMAGE):latest $(PY) -m pytest tests/container -m container -v

calibrate: setup ## Refit the generator statistics on ../shared/data/home-credit-sample
	$(PY) -m training calibrate

# The test runs cache bytecode even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# a run starts some twenty Python processes (workers, servers, the dashboard), and each would
# otherwise compile about 2,000 modules again, 5-10 s apiece on two cores. The cache is kept
# in the venv, out of the source tree. docs/testing.md has the tiers and their times.
TEST_ENV := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

test: setup ## Run every test, slow and end-to-end ones included (JOBS=2 processes)
	$(TEST_ENV) $(PY) -m pytest $(if $(filter-out 1,$(JOBS)),-n $(JOBS),)

test-fast: setup ## Run the fast tests only, the in-process service included
	$(TEST_ENV) $(PY) -m pytest -m "not slow" $(if $(filter-out 1,$(JOBS)),-n $(JOBS),)

lint: setup ## Ruff (lint, format), shellcheck on every shell script, mypy (pyproject: tool.mypy)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@command -v shellcheck >/dev/null || { echo "shellcheck not found: apt-get install shellcheck" >&2; exit 1; }
	git ls-files -z --cached --others --exclude-standard '*.sh' .ci/run | xargs -0 shellcheck
	$(VENV)/bin/mypy

bench: setup ## Every benchmark, then benchmarks/results/REPORT.md (QUICK=1: the short CI version)
	$(PY) -m benchmarks $(if $(QUICK),--quick,)

resilience: setup ## Longer fuzzing, sustained load and fault runs; prints the summary table
	$(TEST_ENV) CREDIT_RESILIENCE_LONG=1 $(PY) -m pytest tests/resilience -q

clean: ## Remove generated data and what runs leave behind (.venv and the model store are kept)
	rm -rf data/synthetic data/bench data/resilience data/*.sqlite* data/*.parquet data/*.log \
		data/scores.csv .pytest_cache .ruff_cache .mypy_cache .schemathesis
