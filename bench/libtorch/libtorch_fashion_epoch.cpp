// One epoch of `nabla train --model mlp` through LibTorch's C++ frontend, timed as bench/torch_fashion_train.py
// --bench times PyTorch: the same normalisation ((x/255 - 0.2860)/0.3530), Adam 1e-3, batch 64, a fresh shuffle, the
// running train loss and accuracy read every step, then the test set in batches of 1000 without grad.
//
// usage: libtorch_fashion_epoch THREADS [TRAIN_LIMIT [TEST_LIMIT]]   (limits 0: all)
// prints "libtorch-bench mlp threads 2 train_s 1.234567 eval_s 0.012345 steps 938 train_loss 0.46 test_acc 0.84"
#include <torch/torch.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const std::string kData = "/usr/share/datasets/fashion-mnist/";

std::vector<uint8_t> gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path + " (apt-get install dataset-fashion-mnist)");
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.insert(out.end(), buf, buf + n);
  gzclose(f);
  return out;
}

int64_t count(const std::vector<uint8_t>& d) { return (d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]; }

// images (N, 784) normalised as nabla train does; labels (N) int64
torch::Tensor images(const std::string& split) {
  auto d = gunzip(kData + split + "-images-idx3-ubyte.gz");
  return torch::from_blob(d.data() + 16, {count(d), 784}, torch::kUInt8)
      .to(torch::kFloat32)
      .div(255)
      .sub(0.2860)
      .div(0.3530);
}

torch::Tensor labels(const std::string& split) {
  auto d = gunzip(kData + split + "-labels-idx1-ubyte.gz");
  return torch::from_blob(d.data() + 8, {count(d)}, torch::kUInt8).to(torch::kLong);
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  const int64_t train_limit = argc > 2 ? std::atoll(argv[2]) : 0, test_limit = argc > 3 ? std::atoll(argv[3]) : 0;
  torch::set_num_threads(threads);
  auto xt = images("train"), yt = labels("train"), xv = images("t10k"), yv = labels("t10k");
  if (train_limit > 0) xt = xt.slice(0, 0, train_limit), yt = yt.slice(0, 0, train_limit);
  if (test_limit > 0) xv = xv.slice(0, 0, test_limit), yv = yv.slice(0, 0, test_limit);
  torch::manual_seed(0);
  namespace tnn = torch::nn;
  tnn::Sequential model(tnn::Linear(784, 256), tnn::ReLU(), tnn::Linear(256, 128), tnn::ReLU(), tnn::Linear(128, 10));
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));

  const int64_t n = xt.size(0);
  auto t0 = std::chrono::steady_clock::now();
  model->train();
  auto perm = torch::randperm(n);
  double loss_sum = 0;
  int64_t correct = 0, steps = 0;
  for (int64_t i = 0; i < n; i += 64) {
    auto idx = perm.slice(0, i, std::min<int64_t>(i + 64, n));
    auto x = xt.index_select(0, idx), y = yt.index_select(0, idx);
    opt.zero_grad();
    auto logits = model->forward(x);
    auto loss = torch::nn::functional::cross_entropy(logits, y);
    loss.backward();
    opt.step();
    loss_sum += loss.item<double>() * y.size(0);
    correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    ++steps;
  }
  const double train_s = since(t0);

  t0 = std::chrono::steady_clock::now();
  model->eval();
  double test_loss = 0;
  int64_t test_correct = 0;
  {
    torch::NoGradGuard no_grad;
    namespace F = torch::nn::functional;
    for (int64_t i = 0; i < xv.size(0); i += 1000) {
      auto x = xv.slice(0, i, i + 1000), y = yv.slice(0, i, i + 1000);
      auto logits = model->forward(x);
      test_loss += F::cross_entropy(logits, y, F::CrossEntropyFuncOptions().reduction(torch::kSum)).item<double>();
      test_correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    }
  }
  const double eval_s = since(t0);
  std::printf("libtorch-bench mlp threads %d train_s %.6f eval_s %.6f steps %lld train_loss %.4f test_acc %.4f\n",
              torch::get_num_threads(), train_s, eval_s, static_cast<long long>(steps), loss_sum / n,
              static_cast<double>(test_correct) / xv.size(0));
  return 0;
}
