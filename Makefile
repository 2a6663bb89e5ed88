# Jiffy C++ — the two commands a newcomer needs:
#   make run    install missing Debian packages, build, start jiffyd with
#               config/all-in-one.config.json (SQLite + local_standalone)
#   make test   the same set-up, then the whole test suite (ctest)
# Other targets: make deps | build | packages (.debs in $(BUILD)/packages) | test-e2e (packages and
# containers, tests/e2e) | fuzz (libFuzzer harnesses, FUZZ_SECONDS each, build-fuzz) | test-sanitize
# (ASan+UBSan suite in build-asan, TSan KVS suites in build-tsan; SANITIZE=asan|tsan|all) |
# bench (ratios to a bare Poco ceiling, SQLite and PostgreSQL, allocations per request; needs wrk, heaptrack; BENCH_SECONDS,
# BENCH_DB=sqlite|postgres|all) | bench-cluster (3 real jiffyd, then the simulator: n = 3, 16, 64, 1000
# members, 0-10 % loss; 10-20 minutes, docs/cluster.md) | clean. Variables: BUILD=build, WERROR=OFF.

BUILD  ?= build
WERROR ?= OFF
JOBS   ?= $(shell nproc)
CONFIG ?= config/all-in-one.config.json
BENCH_SECONDS ?= 5
BENCH_DB ?= all
FUZZ_SECONDS ?= 60
SANITIZE ?= all

.PHONY: all deps configure build run test packages test-e2e fuzz test-sanitize bench bench-cluster clean

all: build

deps:
	@./scripts/deps.sh

configure: deps
	@echo "== configure ($(BUILD), JIFFY_WERROR=$(WERROR))"
	@cmake -S . -B $(BUILD) -DJIFFY_WERROR=$(WERROR) >/dev/null

build: configure
	@echo "== build with $(JOBS) jobs"
	@start=$$(date +%s); cmake --build $(BUILD) -j $(JOBS) && echo "== built in $$(( $$(date +%s) - start )) s"

run: build
	@mkdir -p $(BUILD)/run
	@echo "== jiffyd --config $(CONFIG) (data in $(BUILD)/run; Ctrl-C stops)"
	@JIFFY_DATA_DIR=$(abspath $(BUILD)/run) $(BUILD)/bin/jiffyd --config $(CONFIG) --generate-keys
	@JIFFY_DATA_DIR=$(abspath $(BUILD)/run) $(BUILD)/bin/jiffyd --config $(CONFIG)

test: build
	@echo "== ctest"
	@start=$$(date +%s); cd $(BUILD) && ctest --output-on-failure -LE e2e; rc=$$?; \
	  echo "== tests finished in $$(( $$(date +%s) - start )) s"; exit $$rc

packages: build
	@echo "== cpack (DEB) -> $(BUILD)/packages"
	@start=$$(date +%s); rm -f $(BUILD)/packages/*.deb; cd $(BUILD) && cpack -G DEB >/dev/null && \
	  ls -1 packages/*.deb && echo "== packages in $$(( $$(date +%s) - start )) s"

test-e2e: packages
	@./scripts/deps.sh e2e
	@echo "== ctest -L e2e"
	@start=$$(date +%s); cd $(BUILD) && ctest --output-on-failure -L e2e; rc=$$?; \
	  echo "== e2e tests finished in $$(( $$(date +%s) - start )) s"; exit $$rc

fuzz:
	@./scripts/deps.sh fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) tests/fuzz/run.sh build-fuzz

test-sanitize: deps
	@start=$$(date +%s); JOBS=$(JOBS) ./scripts/test-sanitize.sh $(SANITIZE); rc=$$?; \
	  echo "== test-sanitize finished in $$(( $$(date +%s) - start )) s"; exit $$rc

bench: build
	@command -v wrk >/dev/null || sudo apt-get install -y wrk || apt-get install -y wrk
	@command -v heaptrack >/dev/null || sudo apt-get install -y heaptrack || apt-get install -y heaptrack
	@tests/bench/run.sh --build $(BUILD) --seconds $(BENCH_SECONDS) --db "$(BENCH_DB)"

bench-cluster: build
	@echo "== n = 3 on real jiffyd processes with Redis (3 runs: a 30-cycle window, then kill -9 of the leader),"
	@echo "== then the simulator (virtual time; n = 3, 16, 64, 1000; loss 0/1/5/10 %), in one table"
	@start=$$(date +%s); $(BUILD)/bin/cluster_bench_processes $(CLUSTER_BENCH_ARGS) && \
	  $(BUILD)/bin/cluster_sim --no-header $(CLUSTER_SIM_ARGS); rc=$$?; \
	  echo "== bench-cluster finished in $$(( $$(date +%s) - start )) s"; exit $$rc

clean:
	rm -rf $(BUILD)
