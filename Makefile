# Yimen: every target installs what is missing first (scripts/install-deps).
#
#   make demo    build, then start a small demo city on loopback
#   make test    build with AddressSanitizer + UBSan, warnings as errors, run every test
#   make build   the same build, without running tests
#   make bench   release build, run the benchmarks (tests/bench)
#   make fuzz    clang build of the libFuzzer harnesses (tests/fuzz), run each for
#                FUZZ_SECONDS (default 60); fails on any crash, leak or sanitizer report
#   make fuzz-corpus  write the seed corpora (tests/fuzz/corpus) again
#   make format  reformat the sources with clang-format
#   make lint    clang-tidy with the checks in .clang-tidy

BUILD_DIR   ?= build
BENCH_DIR   ?= build-release
FUZZ_DIR    ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS        ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYIMEN_SANITIZE=ON -DYIMEN_WERROR=ON
SOURCES      = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null)

.PHONY: deps build test demo bench fuzz fuzz-build fuzz-corpus format check-format lint clean

deps:
	@bash scripts/install-deps

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 300

demo: build
	@bash scripts/demo

bench: deps
	cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DYIMEN_TESTS=ON
	cmake --build $(BENCH_DIR) -j$(JOBS)
	@bash scripts/bench $(BENCH_DIR)

# A build of its own: clang, -O1, coverage + ASan + UBSan, only what the harnesses link.
$(FUZZ_DIR)/CMakeCache.txt: | deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) -G Ninja -DYIMEN_FUZZ=ON -DYIMEN_TESTS=OFF \
	  $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

fuzz-build: deps $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzzers

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz $(FUZZ_DIR)

fuzz-corpus: deps $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_seed_corpus
	rm -rf tests/fuzz/corpus
	TMPDIR=$(CURDIR)/$(FUZZ_DIR) $(FUZZ_DIR)/fuzz/fuzz_seed_corpus tests/fuzz/corpus

format: deps
	clang-format -i $(SOURCES)

check-format: deps
	clang-format --dry-run --Werror $(SOURCES)

lint: build
	clang-tidy -p $(BUILD_DIR) --quiet --extra-arg=-Wno-unknown-warning-option $(filter %.cpp,$(SOURCES))

clean:
	rm -rf $(BUILD_DIR) $(BENCH_DIR) $(FUZZ_DIR)
