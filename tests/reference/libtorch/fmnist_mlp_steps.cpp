// The LibTorch anchor (../shared/anchors/libtorch/fmnist_mlp.cpp) cut to its first training steps, printing each
// step's loss: record_libtorch_steps.sh records its output as tests/reference/fixtures/libtorch_mlp_steps.txt, and
// tests/examples/libtorch_steps_test.cpp runs the same program written against nabla and compares.
// usage: fmnist_mlp_steps DATA_DIR STEPS
#include <torch/torch.h>
#include <zlib.h>

#include <cstdio>
#include <string>
#include <vector>

static std::vector<uint8_t> gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  return out;
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const int steps = argc > 2 ? std::atoi(argv[2]) : 20;
  torch::set_num_threads(1);
  torch::manual_seed(0);
  auto xb = gunzip(dir + "/train-images-idx3-ubyte.gz"), yb = gunzip(dir + "/train-labels-idx1-ubyte.gz");
  const int64_t n = (xb[4] << 24) | (xb[5] << 16) | (xb[6] << 8) | xb[7];
  auto xtr = torch::from_blob(xb.data() + 16, {n, 784}, torch::kUInt8).to(torch::kFloat32).div(255);
  auto ytr = torch::from_blob(yb.data() + 8, {n}, torch::kUInt8).to(torch::kLong);
  torch::nn::Sequential model(torch::nn::Linear(784, 256), torch::nn::ReLU(), torch::nn::Linear(256, 128),
                              torch::nn::ReLU(), torch::nn::Linear(128, 10));
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
  auto perm = torch::randperm(n);
  for (int step = 0; step < steps; ++step) {
    auto idx = perm.slice(0, step * 64, (step + 1) * 64);
    opt.zero_grad();
    auto loss =
        torch::nn::functional::cross_entropy(model->forward(xtr.index_select(0, idx)), ytr.index_select(0, idx));
    loss.backward();
    opt.step();
    std::printf("step %d loss %.9g\n", step, loss.item<double>());
  }
}
