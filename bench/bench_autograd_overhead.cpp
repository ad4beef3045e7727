// Per-op autograd overhead: one small op (x * y on 1 or 16 elements, both requiring grad) recorded and run
// backward, amortised over many iterations. Target: forward + backward under 2 microseconds.
// With -DNABLA_BENCH_LIBTORCH=ON the same loops run on LibTorch and ratios are printed.
#include <benchmark/benchmark.h>

#include <algorithm>

#include "nabla/nabla.h"
#include "ratio_reporter.h"

#ifdef NABLA_BENCH_LIBTORCH
namespace nabla_bench {
void register_libtorch_benchmarks();  // libtorch_reference.cpp
}
#endif

namespace {

using nabla::Tensor;

// Forward only, no graph: the cost of one op call (dispatch, allocation, kernel).
void BM_MulNoGrad(benchmark::State& st) {
  const int64_t n = st.range(0);
  Tensor x = nabla::ones({n}), y = nabla::full({n}, 2.0);
  for (auto _ : st) {
    Tensor z = x * y;
    benchmark::DoNotOptimize(z.data_ptr());
  }
}

// Forward that records a node (inputs require grad); the graph is dropped without backward.
void BM_MulRecord(benchmark::State& st) {
  const int64_t n = st.range(0);
  Tensor x = nabla::ones({n}).requires_grad_(), y = nabla::full({n}, 2.0).requires_grad_();
  for (auto _ : st) {
    Tensor z = x * y;
    benchmark::DoNotOptimize(z.data_ptr());
  }
}

// Forward + backward: z = x * y, z.backward(seed); gradients accumulate into x.grad and y.grad.
void BM_MulBackward(benchmark::State& st) {
  const int64_t n = st.range(0);
  Tensor x = nabla::ones({n}).requires_grad_(), y = nabla::full({n}, 2.0).requires_grad_();
  Tensor seed = nabla::ones({n});
  for (auto _ : st) {
    Tensor z = x * y;
    z.backward(seed);
  }
  benchmark::DoNotOptimize(x.grad().data_ptr());
}

// Same with the gradients cleared every iteration (as an optimizer's zero_grad(set_to_none) would).
void BM_MulBackwardFreshGrad(benchmark::State& st) {
  const int64_t n = st.range(0);
  Tensor x = nabla::ones({n}).requires_grad_(), y = nabla::full({n}, 2.0).requires_grad_();
  Tensor seed = nabla::ones({n});
  for (auto _ : st) {
    Tensor z = x * y;
    z.backward(seed);
    x.mutable_grad() = Tensor();
    y.mutable_grad() = Tensor();
  }
}

BENCHMARK(BM_MulNoGrad)->Arg(1)->Arg(16);
BENCHMARK(BM_MulRecord)->Arg(1)->Arg(16);
BENCHMARK(BM_MulBackward)->Arg(1)->Arg(16);
BENCHMARK(BM_MulBackwardFreshGrad)->Arg(1)->Arg(16);

}  // namespace

int main(int argc, char** argv) {
#ifdef NABLA_BENCH_LIBTORCH
  nabla_bench::register_libtorch_benchmarks();
#endif
  return nabla_bench::run_benchmarks(argc, argv, [](const nabla_bench::RatioReporter& reporter) {
    std::printf("\nforward+backward per op (target < 2 us = 2000 ns):\n");
    for (const char* n : {"1", "16"}) {
      const std::string name = std::string("BM_MulBackward/") + n;
      const double t = reporter.time(name), c = reporter.cpu_time(name);
      if (t >= 0) {
        std::printf("  x * y, %2s elements: real %6.0f ns, cpu %6.0f ns  %s\n", n, t, c,
                    std::min(t, c) < 2000 ? "(meets target)" : "(MISSES target)");
      }
    }
#ifdef NABLA_BENCH_LIBTORCH
    std::printf("\nratios against LibTorch (lower is better; nabla is single-threaded, compare cpu under load):\n");
    for (const char* b : {"BM_MulNoGrad", "BM_MulRecord", "BM_MulBackward", "BM_MulBackwardFreshGrad"}) {
      for (const char* n : {"/1", "/16"}) {
        const std::string name = std::string(b) + n;
        reporter.print_ratio(name + " vs LibTorch", name, "Torch_" + name.substr(3));
      }
    }
#endif
  });
}
