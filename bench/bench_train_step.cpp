// One training step of the two Fashion-MNIST models of `nabla train` (tools/nabla/models.cpp), on fixed tensors
// (no data loading): zero_grad, forward, cross_entropy, backward, Adam(1e-3).step, batch 64 of float32 (1, 28, 28)
// inputs and int64 labels.
//   mlp: Flatten, Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10)
//   cnn: Conv2d(1, 32, 3), ReLU, MaxPool2d(2), Conv2d(32, 64, 3), ReLU, MaxPool2d(2), Flatten, Linear(1600, 128),
//        ReLU, Linear(128, 10)
// With -DNABLA_BENCH_LIBTORCH=ON the same steps run on LibTorch (Torch_*) in the same run and ratios are printed;
// bench/torch_train_step.py times them in PyTorch and bench/compare_train_step.sh runs both back to back.
// OpenMP's wait policy matters a lot on a shared machine: run with OMP_WAIT_POLICY=PASSIVE, as `nabla train` does
// (docs/benchmarks.md, "Training step"); the policy in effect is printed in the context header.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "ratio_reporter.h"

namespace nabla_bench {
#ifdef NABLA_BENCH_LIBTORCH
void register_libtorch_train_step_benchmarks();  // libtorch_train_step.cpp
#endif

// Every timed step's wall time, by benchmark name, over all repetitions. Google Benchmark reports the mean of each
// repetition's loop; on a loaded machine a few preempted steps dominate those means, so main() also prints the
// median single step (the figure bench/torch_train_step.py prints as "median single step").
std::map<std::string, std::vector<double>>& step_times() {
  static std::map<std::string, std::vector<double>> times;
  return times;
}
void record_step(const std::string& name, double ms) { step_times()[name].push_back(ms); }
double median_step(const std::string& name) {
  auto it = step_times().find(name);
  if (it == step_times().end() || it->second.empty()) return -1;
  std::vector<double> v = it->second;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace nabla_bench

namespace {

using nabla::Tensor;
namespace nn = nabla::nn;
namespace F = nabla::nn::functional;

constexpr int64_t kBatch = 64;
constexpr int kWarmupSteps = 5;

// As tools/nabla/models.cpp builds them.
nn::Sequential make_model(const std::string& name) {
  if (name == "mlp")
    return nn::Sequential(nn::Flatten(), nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                          nn::Linear(128, 10));
  return nn::Sequential(nn::Conv2d(1, 32, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(32, 64, 3), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Flatten(), nn::Linear(64 * 5 * 5, 128), nn::ReLU(), nn::Linear(128, 10));
}

void train_step(benchmark::State& st, const std::string& name) {
  nabla::manual_seed(0);
  nn::Sequential model = make_model(name);
  nabla::optim::Adam optimizer(model->parameters(), nabla::optim::AdamOptions(1e-3));
  const Tensor x = nabla::randn({kBatch, 1, 28, 28});
  const Tensor y = nabla::randint(10, {kBatch});
  auto step = [&] {
    optimizer.zero_grad();
    Tensor loss = F::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  for (int i = 0; i < kWarmupSteps; ++i) step();
  const std::string key = "nabla " + name;
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    Tensor loss = step();
    benchmark::DoNotOptimize(loss.data_ptr());
    nabla_bench::record_step(key,
                             std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
}

void BM_TrainStepMLP(benchmark::State& st) { train_step(st, "mlp"); }
void BM_TrainStepCNN(benchmark::State& st) { train_step(st, "cnn"); }

BENCHMARK(BM_TrainStepMLP)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TrainStepCNN)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
#ifdef NABLA_BENCH_LIBTORCH
  nabla_bench::register_libtorch_train_step_benchmarks();
#endif
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  benchmark::AddCustomContext("OMP_WAIT_POLICY", policy ? policy : "(unset: libgomp default, active spinning)");
  auto args = nabla_bench::with_default_flags(argc, argv);
  int n = int(args.size()) - 1;
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  nabla_bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // "<library> <MODEL> <ms>" lines are what bench/compare_train_step.sh reads.
  std::printf("\nms per training step: median of the repetitions' loop means; median single step\n");
  for (const char* lib : {"nabla", "libtorch"}) {
    for (const char* m : {"mlp", "cnn"}) {
      const std::string M = std::string(m) == "mlp" ? "MLP" : "CNN";
      const std::string name =
          std::string(lib) == "nabla" ? "BM_TrainStep" + M + "/real_time" : "Torch_TrainStep" + M + "/real_time";
      const double single = nabla_bench::median_step(std::string(lib) + " " + m);
      if (reporter.time(name) < 0 || single < 0) continue;
      std::printf("%s %s %.3f   # median single step %.3f ms over %zu steps\n", lib, M.c_str(), reporter.time(name),
                  single, nabla_bench::step_times()[std::string(lib) + " " + m].size());
    }
  }
#ifdef NABLA_BENCH_LIBTORCH
  std::printf("\nratios against LibTorch (lower is better):\n");
  for (const char* m : {"MLP", "CNN"}) {
    reporter.print_ratio(std::string("train step ") + m + " vs LibTorch",
                         std::string("BM_TrainStep") + m + "/real_time",
                         std::string("Torch_TrainStep") + m + "/real_time");
  }
#endif
  benchmark::Shutdown();
  return 0;
}
