# Yimen: every target installs what is missing first (scripts/install-deps).
#
#   make demo    build, then start a small demo city on loopback
#   make test    build with AddressSanitizer + UBSan, warnings as errors, run every test
#   make build   the same build, without running tests
#   make bench   release build, run the benchmarks (tests/bench)
#   make format  reformat the sources with clang-format
#   make lint    clang-tidy with the checks in .clang-tidy

BUILD_DIR   ?= build
BENCH_DIR   ?= build-release
JOBS        ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYIMEN_SANITIZE=ON -DYIMEN_WERROR=ON
SOURCES      = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null)

.PHONY: deps build test demo bench format check-format lint clean

deps:
	@bash scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 300

demo: build
	@bash scripts/demo

bench: deps
	cmake -S . -B $(BENCH_DIR) -DCMAKE_BUILD_TYPE=Release -DYIMEN_TESTS=ON
	cmake --build $(BENCH_DIR) -j$(JOBS)
	@bash scripts/bench $(BENCH_DIR)

format: deps
	clang-format -i $(SOURCES)

check-format: deps
	clang-format --dry-run --Werror $(SOURCES)

lint: build
	clang-tidy -p $(BUILD_DIR) --quiet --extra-arg=-Wno-unknown-warning-option $(filter %.cpp,$(SOURCES))

clean:
	rm -rf $(BUILD_DIR) $(BENCH_DIR)
