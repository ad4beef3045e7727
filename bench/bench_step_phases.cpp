// One training step of `nabla train`'s models split into its phases (zero_grad, forward + cross_entropy, backward,
// Adam), at 1 and 2 threads in interleaved rounds, on a fixed batch of 64 (no data loading): shows where a step's
// time goes and how each phase scales with threads. Medians over the rounds of each round's mean per step.
// usage: bench_step_phases [mlp|cnn] [rounds, default 6]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models.h"
#include "nabla/nabla.h"

int main(int argc, char** argv) {
  using clk = std::chrono::steady_clock;
  const std::string model_name = argc > 1 ? argv[1] : "mlp";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 6;
  nabla::manual_seed(0);
  nabla::nn::Sequential model = nabla::cli::make_model(model_name);
  nabla::optim::Adam opt(model->parameters(), nabla::optim::AdamOptions(1e-3));
  const nabla::Tensor x = nabla::randn({64, 1, 28, 28}), y = nabla::randint(0, 10, {64});
  const int steps = model_name == "cnn" ? 40 : 300, warmup = steps / 10;
  const char* names[4] = {"zero_grad", "forward+loss", "backward", "adam"};
  std::vector<double> per_phase[2][4];
  for (int round = 0; round < rounds; ++round) {
    for (int threads = 1; threads <= 2; ++threads) {
      nabla::set_num_threads(threads);
      double sum[4] = {};
      for (int i = 0; i < warmup + steps; ++i) {
        const auto t0 = clk::now();
        opt.zero_grad();
        const auto t1 = clk::now();
        nabla::Tensor loss = nabla::nn::functional::cross_entropy(model->forward(x), y);
        const auto t2 = clk::now();
        loss.backward();
        const auto t3 = clk::now();
        opt.step();
        const auto t4 = clk::now();
        if (i < warmup) continue;
        const clk::time_point marks[5] = {t0, t1, t2, t3, t4};
        for (int k = 0; k < 4; ++k)
          sum[k] += std::chrono::duration<double, std::micro>(marks[k + 1] - marks[k]).count();
      }
      for (int k = 0; k < 4; ++k) per_phase[threads - 1][k].push_back(sum[k] / steps);
    }
  }
  std::printf("%s step phases, batch 64, us per step (median of %d rounds):\n", model_name.c_str(), rounds);
  for (int t = 0; t < 2; ++t) {
    double total = 0;
    std::printf("  %d thread%s:", t + 1, t ? "s" : " ");
    for (int k = 0; k < 4; ++k) {
      auto v = per_phase[t][k];
      std::sort(v.begin(), v.end());
      const double med = v[v.size() / 2];
      total += med;
      std::printf("  %s %.1f", names[k], med);
    }
    std::printf("  total %.1f\n", total);
  }
  return 0;
}
