# Wijkwijzer. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
WW := $(BIN)/wijkwijzer
PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080
STAFF_PORT ?= 8090
export WIJKWIJZER_DATABASE_URL ?= sqlite:///$(CURDIR)/wijkwijzer.db

.PHONY: help install run serve train db test test-fast test-unit test-stories validate lint bench eval understanding clean \
	bench-national bench-load bench-soak deploy-lint-deps \
	widget web-deps screenshots staff-user interactive

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || "$$(scripts/find-python310.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade 'pip==24.0'
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed ## Create .venv (Python 3.10) and install pinned dependencies

wijkwijzer.db: $(VENV)/.installed $(wildcard demo/*.csv demo/*.geojson)
	$(WW) import demo
	@touch $@

db: wijkwijzer.db ## Build the demo database (demo/) at WIJKWIJZER_DATABASE_URL

WEB_SRC := $(wildcard web/src/*) web/build.mjs

web/node_modules/.package-lock.json: web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error

web/dist/wijkwijzer-widget.js: web/node_modules/.package-lock.json $(WEB_SRC)
	npm run --prefix web --silent build

widget: web/dist/wijkwijzer-widget.js ## Build the chat widget into web/dist

web-deps: $(VENV)/.installed ## Chromium, npm packages and playwright for the widget's browser tests
	scripts/install-web-deps.sh

screenshots: web-deps ## Screenshots of the widget for docs/img (uses a fake bot)
	$(PY) scripts/screenshots.py

train: $(VENV)/.installed ## Train a model into models/ (skipped when nothing changed)
	$(WW) texts
	$(WW) train

run: install db train widget ## Set up everything and serve the bot, the action server and the demo page
	$(WW) serve --port $(PORT) --actions-port $(ACTIONS_PORT) --web-port $(WEB_PORT) --staff-port $(STAFF_PORT)

staff-user: $(VENV)/.installed ## Add a staff account (or a new password): make staff-user NAME=... ROLE=beheerder|redacteur|lezer
	$(WW) staff-user add $(NAME) $(if $(ROLE),--role $(ROLE))

interactive: install db ## Write a longer conversation test by talking to the bot (rasa interactive)
	scripts/interactive.sh

validate: $(VENV)/.installed ## Check the training data and domain (tests/data enforces it is clean)
	$(BIN)/rasa data validate --domain domain.yml --data data --config config.yml

test-stories: train ## Conversation tests (tests/stories) against the trained model
	$(BIN)/rasa test core --stories tests/stories --fail-on-prediction-errors --out build/results/core --model models

lint: $(VENV)/.installed ## ruff, mypy and the import direction contracts (lint-imports)
	$(BIN)/ruff check bot actions tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest-xdist workers; `auto` is one per core (2 on the project's machines).
WORKERS ?= auto
# No Rasa server, browser, training or understanding gate: no trained model needed, and
# every such test is safe to run in parallel (free ports, own temp dirs and databases).
NO_SERVER := not server and not browser and not training and not understanding
# The fast lane also leaves out the PostgreSQL runs of the database tests (their SQLite runs
# stay) and the few `slow` checks; README.md "Tests" lists what it leaves out.
FAST_LANE := $(NO_SERVER) and not postgres and not slow

# The whole pytest suite in two runs: the tests without a server in parallel, then the ones
# that start Rasa servers, Chromium or a training in one process. Two servers loading
# TensorFlow at once on two cores double each other's start, and the fault and cluster
# tests time locks and restarts; they stay one at a time (README.md "Tests").
PYTEST_ALL = $(BIN)/pytest -q -n $(WORKERS) -m "$(NO_SERVER)" && $(BIN)/pytest -q -m "not ($(NO_SERVER))"

test-unit: $(VENV)/.installed ## Only the pytest suite (needs a trained model for the server tests)
	$(PYTEST_ALL)

test-fast: $(VENV)/.installed ## Quick pytest lane in parallel: no Rasa server, browser, training, gate, PostgreSQL
	WIJKWIJZER_TEST_LANE=fast $(BIN)/pytest -q -n $(WORKERS) -m "$(FAST_LANE)"

deploy-lint-deps: ## docker-compose (Debian) so tests/deploy can validate the compose file
	@command -v docker-compose >/dev/null || (apt-get update -qq && apt-get install -y -qq docker-compose >/dev/null) \
		|| echo "docker-compose not installable here: tests/deploy skips the compose check"

test: install web-deps train lint test-stories deploy-lint-deps ## Everything: lint, data validation, conversation tests, pytest
	$(PYTEST_ALL)

understanding: install train ## The understanding gate: public and held-out sets against the model
	$(BIN)/pytest -q -m understanding tests/e2e/test_understanding.py

eval: ## Score a running bot on the public dev set (../shared/eval)
	$(PY) ../shared/eval/score.py http://127.0.0.1:$(PORT) ../shared/eval/dev_questions.yml ../shared/eval/dev_dialogues.yml

bench: install train ## Benchmarks that print numbers: REST latency, national-size data (quick size)
	$(PY) -m benchmarks.rest_latency
	$(PY) -m benchmarks.national

bench-national: install ## National-size data: 8 million addresses on SQLite and PostgreSQL (long)
	$(PY) -m benchmarks.national --addresses 8000000

bench-soak: install train ## Soak: 10,000 messages in 500 conversations on one server; errors, latency, RSS
	$(PY) -m benchmarks.soak

bench-load: install train ## Load: 10/50/100/150 residents against two Rasa and two action servers
	$(PY) -m benchmarks.load

clean: ## Remove built files (not the venv)
	rm -rf build models wijkwijzer.db .pytest_cache
