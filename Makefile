# Two commands: `make run` (set up, build the index if needed, start) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LLM_STAMP := $(VENV)/.installed-llm-test

.PHONY: run test test-fast system eval build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first: an unpinned torch would pull a CUDA build of several GB.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Only the tests need a real language model: llama-cpp-python compiles llama.cpp once
# (~10 min on 2 cores; pip's wheel cache serves it after that), so `make run` does not
# wait for it. A build tuned to the build machine's CPU crashed here with "Illegal
# instruction", hence a portable one.
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet -e '.[llm-test]'
	touch $(LLM_STAMP)

run: $(STAMP)
	$(BIN)/rag-territoires start

build: $(STAMP)
	$(BIN)/rag-territoires build

# Debian packages the tests drive for real: Chromium and chromedriver (the browser tests;
# no test tool may download a browser here), nginx (two replicas behind a load balancer)
# and wrk (`bench --workers`). Installing them needs root, as CI has.
system:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || \
		[ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/wrk ]; then \
		apt-get update -q && apt-get install -y -q chromium chromium-driver nginx wrk; fi

test: $(LLM_STAMP) system
	$(BIN)/ruff check src tests ui examples benchmarks
	$(BIN)/python -m pytest

# The inner loop: the unit tier only (no model, no index, no server), in under a minute.
test-fast: $(STAMP)
	$(BIN)/ruff check src tests ui examples benchmarks
	$(BIN)/python -m pytest -m "unit and not slow" -n 0

eval: $(STAMP)
	$(BIN)/rag-territoires eval --all

clean:
	rm -rf $(VENV) index/build-* index/CURRENT
