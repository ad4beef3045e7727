# nabla: `make run` sets up, builds (Release) and trains an MLP on Fashion-MNIST; `make test` builds and runs every test;
# `make bench` times nabla's training against PyTorch.
JOBS ?= $(shell nproc)
BUILD ?= build
# Keep the output readable: no "Entering directory" lines from the make that cmake --build runs.
MAKEFLAGS += --no-print-directory
.PHONY: deps configure build run test test-sanitize bench package clean

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: train the MLP on Fashion-MNIST with the `nabla` command line (checkpoints, metrics.csv and the
# plot go to runs/mlp, replacing the previous `make run`). Builds only the library and the command line. EPOCHS=10
# for the full run.
EPOCHS ?= 3
run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target nabla_cli
	@./$(BUILD)/tools/nabla train --model mlp --epochs $(EPOCHS) --out runs/mlp --overwrite

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# A .deb (CPack) of the library, headers, CMake and pkg-config files and the nabla command, installed under /usr;
# then its files are unpacked into a scratch directory and the consumer test runs against them.
package: deps
	@cmake -S . -B build-package -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DNABLA_TESTS=OFF \
	  -DNABLA_BENCH=OFF -DNABLA_EXAMPLES=OFF >/dev/null
	@cmake --build build-package -j $(JOBS)
	@cd build-package && cpack -G DEB
	@bash tests/install/run.sh --deb "$$(ls build-package/nabla_*.deb)" build-package/deb-test

# AddressSanitizer + UndefinedBehaviorSanitizer build of the same tests (slow-labelled tests excluded).
test-sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNABLA_SANITIZE=ON -DNABLA_BENCH=OFF >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE slow

# nabla's training speed against PyTorch (and LibTorch when libtorch-dev is there) on this machine, as ratios within
# one run: ROUNDS interleaved rounds, medians; see docs/benchmarks.md, "make bench". A full run takes ~15-20 minutes;
# e.g. `make bench ROUNDS=3 MODELS=mlp` for a quick one. TRAIN_LIMIT/TEST_LIMIT shorten every epoch (checks only).
ROUNDS ?= 5
MODELS ?= mlp cnn
TRAIN_LIMIT ?= 0
TEST_LIMIT ?= 0
bench: configure
	@./scripts/install-bench-deps.sh
	@cmake --build $(BUILD) -j $(JOBS) --target nabla_cli bench_cpu_info bench_gemm_bound
	@# LibTorch's program is its own CMake project in its own build dir, so the main build never compiles torch headers.
	@cmake -S bench/libtorch -B $(BUILD)/bench-libtorch -DCMAKE_BUILD_TYPE=Release > $(BUILD)/bench-libtorch.log 2>&1 && \
	  cmake --build $(BUILD)/bench-libtorch -j $(JOBS) >> $(BUILD)/bench-libtorch.log 2>&1 || \
	  echo "LibTorch: build failed, see $(BUILD)/bench-libtorch.log; going on without it"
	@/usr/bin/python3 bench/run_bench.py --build $(BUILD) --rounds $(ROUNDS) --models "$(MODELS)" \
	  --train-limit $(TRAIN_LIMIT) --test-limit $(TEST_LIMIT)

clean:
	rm -rf $(BUILD) build-asan
