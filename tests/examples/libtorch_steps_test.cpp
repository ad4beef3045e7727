// The LibTorch anchor's MLP (tests/reference/libtorch/fmnist_mlp_steps.cpp) written against nabla, line for line,
// against the per-step losses LibTorch 1.13 printed (fixtures/libtorch_mlp_steps.txt, made by
// tests/reference/record_libtorch_steps.sh). Same seed, so the same initial weights (kaiming_uniform_ through
// PyTorch's generator), the same shuffle (randperm) and the same batches: the losses agree to float rounding.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixture_util.h"
#include "nabla/nabla.h"

namespace {

std::vector<uint8_t> gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::vector<uint8_t> out;
  if (f == nullptr) return out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  return out;
}

// The recorded losses, in step order.
std::vector<double> recorded_losses() {
  std::ifstream f(nabla::testing::fixture_dir() + "/libtorch_mlp_steps.txt");
  std::vector<double> losses;
  std::string line;
  while (std::getline(f, line)) {
    int step = 0;
    double loss = 0;
    if (std::sscanf(line.c_str(), "step %d loss %lf", &step, &loss) == 2 && step == int(losses.size()))
      losses.push_back(loss);
  }
  return losses;
}

// The anchor's loop with nabla:: for torch:: (and the constructor arguments in the same order, so g++ builds the
// layers in the same order as it does for LibTorch).
std::vector<double> nabla_losses(const std::string& dir, int steps) {
  const int threads = nabla::get_num_threads();
  nabla::set_num_threads(1);
  nabla::manual_seed(0);
  auto xb = gunzip(dir + "/train-images-idx3-ubyte.gz"), yb = gunzip(dir + "/train-labels-idx1-ubyte.gz");
  if (xb.size() < 16 || yb.size() < 8) return {};
  const int64_t n = (xb[4] << 24) | (xb[5] << 16) | (xb[6] << 8) | xb[7];
  auto xtr = nabla::from_blob(xb.data() + 16, {n, 784}, nabla::kUInt8).to(nabla::kFloat32).div(255);
  auto ytr = nabla::from_blob(yb.data() + 8, {n}, nabla::kUInt8).to(nabla::kLong);
  nabla::nn::Sequential model(nabla::nn::Linear(784, 256), nabla::nn::ReLU(), nabla::nn::Linear(256, 128),
                              nabla::nn::ReLU(), nabla::nn::Linear(128, 10));
  nabla::optim::Adam opt(model->parameters(), nabla::optim::AdamOptions(1e-3));
  auto perm = nabla::randperm(n);
  std::vector<double> losses;
  for (int step = 0; step < steps; ++step) {
    auto idx = perm.slice(0, step * 64, (step + 1) * 64);
    opt.zero_grad();
    auto loss =
        nabla::nn::functional::cross_entropy(model->forward(xtr.index_select(0, idx)), ytr.index_select(0, idx));
    loss.backward();
    opt.step();
    losses.push_back(loss.item<double>());
  }
  nabla::set_num_threads(threads);
  return losses;
}

TEST(LibTorchAnchor, SameSeedGivesLibTorchsLossesStepByStep) {
  const std::vector<double> want = recorded_losses();
  ASSERT_GE(want.size(), 200u) << "fixtures/libtorch_mlp_steps.txt is missing or short (record_libtorch_steps.sh)";
  const std::vector<double> got = nabla_losses("/usr/share/datasets/fashion-mnist", int(want.size()));
  ASSERT_EQ(got.size(), want.size()) << "Fashion-MNIST not found (apt-get install dataset-fashion-mnist)";
  double worst20 = 0, worst = 0, later_sum = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double rel = std::abs(got[i] - want[i]) / std::abs(want[i]);
    if (std::getenv("NABLA_PRINT_STEPS"))
      std::printf("step %zu nabla %.9g LibTorch %.9g rel %.2e\n", i, got[i], want[i], rel);
    if (i < 20) {
      worst20 = std::max(worst20, rel);
      EXPECT_LE(rel, 1e-4) << "step " << i << ": nabla " << got[i] << ", LibTorch " << want[i];
    } else {
      worst = std::max(worst, rel);
      later_sum += rel;
    }
  }
  // Later steps drift apart by float rounding (GEMMs sum in other orders; Adam's first steps amplify it: step 0 agrees
  // to 1e-10, step 20 to 1e-5), but stay on the same path: with seed 1 instead of 0 the mean is 0.18.
  const double later_mean = later_sum / double(want.size() - 20);
  EXPECT_LE(later_mean, 1e-2) << "steps 20-" << want.size() - 1;
  EXPECT_LE(worst, 0.1) << "steps 20-" << want.size() - 1;
  std::printf("relative loss difference: steps 0-19 at most %.2e; steps 20-%zu mean %.2e, at most %.2e\n", worst20,
              want.size() - 1, later_mean, worst);
}

}  // namespace
