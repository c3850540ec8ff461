# Every target CI and the README use. `make test` sets up and runs the tests on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
BENCHMARKS ?= ../shared/benchmarks

.PHONY: venv system-deps test test-fast typecheck demo eval bench bench-memory bench-reextract lint clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Debian packages the tests need (a real redis-server for the distributed-crawl tests, a
# headless chromium for the run report's test); installed as root, only when missing.
system-deps:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server (Debian package)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null \
	  || echo "warning: could not install redis-server; Redis tests will fail"; }
	@test -x /usr/bin/chromium || { \
	  echo "installing chromium (Debian package)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
	  || echo "warning: could not install chromium; the run report's browser test is skipped"; }

# Bytecode, pytest's and mypy's caches go here, outside the checkout (one folder per checkout):
# the suite leaves nothing in it.
TEST_CACHE ?= $(or $(TMPDIR),/tmp)/newscrawler-test-cache-$(shell printf %s "$(CURDIR)" | cksum | cut -d" " -f1)
PYTEST := PYTHONPYCACHEPREFIX=$(TEST_CACHE)/pycache $(BIN)/python -m pytest -p no:cacheprovider

# The whole suite, after the type check: what CI runs. In TEST_WORKERS parallel pytest-xdist
# processes (most slow tests wait on crawls, servers and sleeps, so more workers than cores pay);
# tests that share a backbone crawl or a module fixture run on one worker (`--dist loadscope`,
# scopes in tests/conftest.py). TEST_WORKERS=0 runs it serially in this process.
TEST_WORKERS ?= 4
test: venv system-deps typecheck
	$(PYTEST) -q $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder)

# mypy over the product, the reader package strictly ([tool.mypy] in pyproject.toml).
typecheck: venv
	$(BIN)/mypy --cache-dir $(TEST_CACHE)/mypy

# The fast tier (under a minute): everything but the tests marked `slow` (crawls, Redis).
test-fast: venv
	$(PYTEST) -q -m "not slow"

demo: venv
	bin/demo

# Text, title, authors and date on every benchmark folder (pages/ + truth.jsonl) in $(BENCHMARKS):
# plain trafilatura and our reader side by side, per set and language group; one JSON object per
# page with its field scores in output/eval-items.jsonl. EVAL_ARGS="--worst 15" lists bad pages.
eval: venv
	@test -n "$(wildcard $(BENCHMARKS)/*/truth.jsonl)" || { echo "no benchmarks in $(BENCHMARKS) (set BENCHMARKS=...)"; exit 2; }
	$(BIN)/scrapy evaluate $(dir $(wildcard $(BENCHMARKS)/*/truth.jsonl)) --items output/eval-items.jsonl $(EVAL_ARGS)

bench: venv
	$(BIN)/python -m bench $(if $(wildcard $(BENCHMARKS)),--benchmarks $(BENCHMARKS)) $(BENCH_ARGS)

# Peak RSS of a crawl of a generated 2k- and 20k-page local portal (flat memory check).
bench-memory: venv
	$(BIN)/python bench/memory.py

# scrapy reextract over a WARC file of the benchmark pages (with their URLs) against plain
# trafilatura in one process, taking turns; pages/s, their ratio and the items' text scores
# beside scrapy evaluate's. BENCH_ARGS="--rounds 5", "--no-evaluate".
bench-reextract: venv
	@test -n "$(wildcard $(BENCHMARKS)/*/truth.jsonl)" || { echo "no benchmarks in $(BENCHMARKS) (set BENCHMARKS=...)"; exit 2; }
	$(BIN)/python -m bench.reextract --benchmarks $(BENCHMARKS) $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check crawler pipelines reader demo tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
