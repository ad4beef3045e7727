// The LibTorch version of bench_train_step's two training steps (reference measured in the same run); its own
// translation unit so nabla's code never sees torch headers.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <string>

namespace nabla_bench {

void record_step(const std::string& name, double ms);  // bench_train_step.cpp

namespace {

torch::nn::Sequential make_torch_model(const std::string& name) {
  namespace tnn = torch::nn;
  if (name == "mlp")
    return tnn::Sequential(tnn::Flatten(), tnn::Linear(784, 256), tnn::ReLU(), tnn::Linear(256, 128), tnn::ReLU(),
                           tnn::Linear(128, 10));
  return tnn::Sequential(tnn::Conv2d(tnn::Conv2dOptions(1, 32, 3)), tnn::ReLU(), tnn::MaxPool2d(2),
                         tnn::Conv2d(tnn::Conv2dOptions(32, 64, 3)), tnn::ReLU(), tnn::MaxPool2d(2), tnn::Flatten(),
                         tnn::Linear(64 * 5 * 5, 128), tnn::ReLU(), tnn::Linear(128, 10));
}

void torch_train_step(benchmark::State& st, const std::string& name) {
  torch::manual_seed(0);
  auto model = make_torch_model(name);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
  const auto x = torch::randn({64, 1, 28, 28});
  const auto y = torch::randint(10, {64}, torch::kLong);
  auto step = [&] {
    optimizer.zero_grad();
    auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  for (int i = 0; i < 5; ++i) step();
  const std::string key = "libtorch " + name;
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    auto loss = step();
    benchmark::DoNotOptimize(loss.data_ptr());
    record_step(key, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
}

}  // namespace

void register_libtorch_train_step_benchmarks() {
  torch::set_num_threads(2);  // as bench/torch_train_step.py (Debian's build defaults to 1 here)
  for (const char* m : {"mlp", "cnn"}) {
    const std::string name = std::string("Torch_TrainStep") + (std::string(m) == "mlp" ? "MLP" : "CNN");
    benchmark::RegisterBenchmark(name.c_str(), [m](benchmark::State& st) { torch_train_step(st, m); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

}  // namespace nabla_bench
