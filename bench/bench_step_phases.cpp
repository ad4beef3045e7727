// One training step of `nabla train`'s models split into its phases (zero_grad, forward + cross_entropy, backward,
// Adam), at 1 and 2 threads in interleaved rounds: shows where a step's time goes and how each phase scales with
// threads. Medians over the rounds of each round's mean per step.
// - default: a fixed batch of 64 (no data loading);
// - with a data directory: `nabla train`'s loop on that data (Fashion-MNIST), its DataLoader (workers(1)) and its
//   per-step metrics, so two more phases show: "batch" (waiting for the loader) and "metrics" (item(), argmax).
// usage: bench_step_phases [mlp|cnn] [rounds, default 6] [data dir]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "dataset.h"
#include "models.h"
#include "nabla/nabla.h"

namespace {
using clk = std::chrono::steady_clock;
constexpr int kPhases = 6;
const char* const kNames[kPhases] = {"batch", "zero_grad", "forward+loss", "backward", "adam", "metrics"};
}  // namespace

int main(int argc, char** argv) {
  namespace F = nabla::nn::functional;
  const std::string model_name = argc > 1 ? argv[1] : "mlp";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 6;
  const std::string data_dir = argc > 3 ? argv[3] : "";
  nabla::manual_seed(0);
  nabla::nn::Sequential model = nabla::cli::make_model(model_name);
  nabla::optim::Adam opt(model->parameters(), nabla::optim::AdamOptions(1e-3));
  const nabla::Tensor fixed_x = nabla::randn({64, 1, 28, 28}), fixed_y = nabla::randint(0, 10, {64});
  const bool loading = !data_dir.empty();
  std::optional<nabla::cli::Split> train;
  if (loading) train = nabla::cli::load_split(data_dir, true);
  auto loader = nabla::data::make_data_loader(
      nabla::data::datasets::TensorDataset(loading ? train->images : fixed_x, loading ? train->targets : fixed_y)
          .map(nabla::data::transforms::Stack<>()),
      nabla::data::DataLoaderOptions(64).workers(1));
  auto it = loader->begin();
  const int steps = model_name == "cnn" ? 40 : 300, warmup = steps / 10;
  std::vector<double> per_phase[2][kPhases];
  for (int round = 0; round < rounds; ++round) {
    for (int threads = 1; threads <= 2; ++threads) {
      nabla::set_num_threads(threads);
      double sum[kPhases] = {};
      double loss_sum = 0;
      int64_t correct = 0;
      for (int i = 0; i < warmup + steps; ++i) {
        clk::time_point t[kPhases + 1];
        t[0] = clk::now();
        nabla::Tensor x = fixed_x, y = fixed_y;
        if (loading) {
          if (i > 0 || round > 0 || threads > 1) ++it;  // waits for the loader's next batch
          if (it == loader->end()) it = loader->begin();
          x = it->data;
          y = it->target;
        }
        t[1] = clk::now();
        opt.zero_grad();
        t[2] = clk::now();
        nabla::Tensor logits = model->forward(x);
        nabla::Tensor loss = F::cross_entropy(logits, y);
        t[3] = clk::now();
        loss.backward();
        t[4] = clk::now();
        opt.step();
        t[5] = clk::now();
        if (loading) {
          loss_sum += loss.item<double>() * static_cast<double>(y.size(0));
          correct += logits.argmax(1).eq(y).sum().item<int64_t>();
        }
        t[6] = clk::now();
        if (i < warmup) continue;
        for (int k = 0; k < kPhases; ++k) sum[k] += std::chrono::duration<double, std::micro>(t[k + 1] - t[k]).count();
      }
      for (int k = 0; k < kPhases; ++k) per_phase[threads - 1][k].push_back(sum[k] / steps);
      if (loss_sum < 0 || correct < 0) std::printf("?");  // keeps the metrics from being optimized away
    }
  }
  std::printf("%s step phases, batch 64, %s, us per step (median of %d rounds):\n", model_name.c_str(),
              loading ? "nabla train's loader and metrics" : "a fixed batch", rounds);
  for (int t = 0; t < 2; ++t) {
    double total = 0;
    std::printf("  %d thread%s:", t + 1, t ? "s" : " ");
    for (int k = 0; k < kPhases; ++k) {
      if (!loading && (k == 0 || k == kPhases - 1)) continue;
      auto v = per_phase[t][k];
      std::sort(v.begin(), v.end());
      const double med = v[v.size() / 2];
      total += med;
      std::printf("  %s %.1f", kNames[k], med);
    }
    std::printf("  total %.1f\n", total);
  }
  return 0;
}
