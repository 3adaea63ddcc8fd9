# Two commands: `make run` (set up, build the index if needed, start) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint eval build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first: an unpinned torch would pull a CUDA build of several GB.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/rag-territoires ask

build: $(STAMP)
	$(BIN)/rag-territoires build

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/rag-territoires eval --all

clean:
	rm -rf $(VENV) index/build-* index/CURRENT
