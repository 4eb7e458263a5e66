# EmenTech Engage — developer and ops entry points. `make run` and `make test` are the two
# commands the README promises on a fresh clone; the rest run service-mode processes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WEB_WORKERS ?= 2
WORKER_CONCURRENCY ?= 2
PYTEST_ARGS ?=

.PHONY: run test install install-test web worker beat migrate demo lint format check bench clean schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel

$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed-base

# The local embedding model exported to ONNX once, checked against PyTorch (cosine >= 0.999),
# and its int8 copy (>= 0.97) that knowledge ingestion embeds documents with: web and worker
# then embed with onnxruntime and never import torch. The command writes whichever is missing.
ONNX_MODEL := var/models/all-MiniLM-L6-v2.onnx
ONNX_INT8 := var/models/all-MiniLM-L6-v2.int8.onnx
$(ONNX_MODEL) $(ONNX_INT8) &: | $(VENV)/.installed-base
	$(BIN)/python -m ementech.ai.onnx_export $(ONNX_MODEL)

install: $(VENV)/.installed-base $(ONNX_MODEL) $(ONNX_INT8)
install-test: $(VENV)/.installed-test

## run: install, migrate, load demo content, serve web + worker + beat (embedded default)
run: install
	PORT=$(PORT) HOST=$(HOST) $(BIN)/python manage.py start

## test: install with test extras and run the suite
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Service-mode processes (set DATABASE_URL and REDIS_URL), one per machine role.
web: install
	$(BIN)/python manage.py web --host $(HOST) --port $(PORT) --workers $(WEB_WORKERS)
worker: install
	$(BIN)/python -m celery -A ementech worker --loglevel INFO --concurrency $(WORKER_CONCURRENCY)
beat: install
	$(BIN)/python -m celery -A ementech beat --loglevel INFO

migrate: install
	$(BIN)/python manage.py migrate
demo: install
	$(BIN)/python manage.py load_demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
## schema: regenerate the committed OpenAPI schema (docs/openapi.yaml); CI fails on a diff
schema: install
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

## check: Django's checks, migrations in step with the models, the import contracts
check: install-test
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var .pytest_cache
