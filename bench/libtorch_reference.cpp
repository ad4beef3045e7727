// The LibTorch versions of bench_autograd_overhead's loops (reference measured in the same run).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

namespace nabla_bench {

void register_libtorch_benchmarks() {
  for (int64_t n : {1, 16}) {
    const std::string suffix = "/" + std::to_string(n);
    benchmark::RegisterBenchmark(("Torch_MulNoGrad" + suffix).c_str(), [n](benchmark::State& st) {
      auto x = torch::ones({n}), y = torch::full({n}, 2.0);
      for (auto _ : st) {
        auto z = x * y;
        benchmark::DoNotOptimize(z.data_ptr());
      }
    });
    benchmark::RegisterBenchmark(("Torch_MulRecord" + suffix).c_str(), [n](benchmark::State& st) {
      auto x = torch::ones({n}).requires_grad_(), y = torch::full({n}, 2.0).requires_grad_();
      for (auto _ : st) {
        auto z = x * y;
        benchmark::DoNotOptimize(z.data_ptr());
      }
    });
    benchmark::RegisterBenchmark(("Torch_MulBackward" + suffix).c_str(), [n](benchmark::State& st) {
      auto x = torch::ones({n}).requires_grad_(), y = torch::full({n}, 2.0).requires_grad_();
      auto seed = torch::ones({n});
      for (auto _ : st) {
        auto z = x * y;
        z.backward(seed);
      }
    });
    benchmark::RegisterBenchmark(("Torch_MulBackwardFreshGrad" + suffix).c_str(), [n](benchmark::State& st) {
      auto x = torch::ones({n}).requires_grad_(), y = torch::full({n}, 2.0).requires_grad_();
      auto seed = torch::ones({n});
      for (auto _ : st) {
        auto z = x * y;
        z.backward(seed);
        x.mutable_grad() = torch::Tensor();
        y.mutable_grad() = torch::Tensor();
      }
    });
  }
}

}  // namespace nabla_bench
