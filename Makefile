# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/belarus-2020-09
CHROMIUM ?= chromium
# The browser the browser tests drive (Debian's package of the same name); installed by `make test` when missing.
JAVA ?= java
# The Java runtime the Spark tests start (Debian's openjdk-17-jre-headless); installed by `make test` when missing.

.PHONY: demo test lint install install-test test-system-packages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench,spark]"

demo: install
	$(BIN)/newsweave brief $(EXAMPLE)/

test: install-test test-system-packages lint
	$(BIN)/python -m pytest -q

# The checks `make test` runs before the tests: ruff on the code, tests and benchmarks; mypy on src/ (pyproject.toml).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# What the tests need that pip cannot install: Debian's chromium and Java 17, with apt-get, when missing.
test-system-packages:
	@if ! command -v $(JAVA) >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "make test: installing Debian's openjdk-17-jre-headless for the Spark tests"; \
	        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; \
	    else \
	        echo "make test: the Spark tests need Java 17 (Debian's openjdk-17-jre-headless), which is not installed;" \
	             "run \`sudo apt-get install openjdk-17-jre-headless\` (or run make test as root) and try again" >&2; \
	        exit 2; \
	    fi; \
	fi
	@if ! command -v $(CHROMIUM) >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "make test: installing Debian's chromium for the browser tests"; \
	        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	    else \
	        echo "make test: the browser tests need Debian's chromium, which is not installed;" \
	             "run \`sudo apt-get install chromium\` (or run make test as root) and try again" >&2; \
	        exit 2; \
	    fi; \
	fi

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
