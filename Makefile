# Three entry points for a fresh machine: `make serve`, `make test` and `make build` (README.md).
# Each sets up everything it needs first (Debian packages, .venv/, node_modules/).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system serve build lint format test
setup: system $(VENV)/.installed node_modules/.installed

# Graphviz draws the autograd diagrams at build time; Chromium runs the browser tests.
system:
	@command -v dot >/dev/null && command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq graphviz chromium; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch==2.13.0 is pinned in pyproject.toml: a CPU wheel; an open range would pull CUDA.
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

export NO_MKDOCS_2_WARNING := 1

serve: setup
	$(BIN)/mkdocs serve

build: setup
	$(BIN)/mkdocs build --strict

# Linters and formatters first: ruff for the Python (config in pyproject.toml), biome for the JavaScript
# (biome.json). A file not formatted as they format it fails the check: `make format` formats the tree.
lint: setup
	$(BIN)/ruff check site_src tests snippets
	$(BIN)/ruff format --check site_src tests
	npx --no-install biome check

format: setup
	$(BIN)/ruff format site_src tests
	npx --no-install biome format --write

test: setup lint
	$(BIN)/pytest
