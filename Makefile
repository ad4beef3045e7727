# nabla: `make run` sets up, builds (Release) and trains an MLP on Fashion-MNIST; `make test` builds and runs every test.
JOBS ?= $(shell nproc)
BUILD ?= build
# Keep the output readable: no "Entering directory" lines from the make that cmake --build runs.
MAKEFLAGS += --no-print-directory
.PHONY: deps configure build run test test-sanitize bench clean

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

# AddressSanitizer + UndefinedBehaviorSanitizer build of the same tests (slow-labelled tests excluded).
test-sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNABLA_SANITIZE=ON -DNABLA_BENCH=OFF >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE slow

bench: build
	@./$(BUILD)/bench/bench_autograd_overhead

clean:
	rm -rf $(BUILD) build-asan
