// Evaluation speed by batch size: the forward passes (eval mode, no autograd) over the Fashion-MNIST test set for
// nabla train's two models, in batches of 64, 256 and 1000. Rounds rotate the order of the batch sizes (the machine
// is shared and noisy); the program prints each size's median seconds, microseconds per image and its ratio to
// batch 64. Target (issue 7): batch 1000 no slower per image than batch 64.
//
//   build/bench/bench_eval [rounds=5] [data=/usr/share/datasets/fashion-mnist]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "models.h"
#include "nabla/nabla.h"

using namespace nabla;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds for one pass over `images` in batches of `batch`, predictions included.
double eval_seconds(nn::Sequential& model, const Tensor& images, int64_t batch) {
  const auto t0 = std::chrono::steady_clock::now();
  int64_t checksum = 0;
  for (int64_t b = 0; b < images.size(0); b += batch) {
    Tensor logits = model->forward(images.slice(0, b, std::min(b + batch, images.size(0))));
    checksum += logits.argmax(1).sum().item<int64_t>();
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (checksum < 0) std::printf("impossible\n");
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const std::string data = argc > 2 ? argv[2] : "/usr/share/datasets/fashion-mnist";
  data::datasets::MNIST test(data, data::datasets::MNIST::Mode::kTest);
  const Tensor& images = test.images();
  const std::vector<int64_t> batches{64, 256, 1000};
  std::printf("evaluation of %lld test images, %d threads, %d rounds (medians)\n",
              static_cast<long long>(images.size(0)), get_num_threads(), rounds);
  for (const std::string name : {"mlp", "cnn"}) {
    nn::Sequential model = cli::make_model(name);
    model->eval();
    NoGradGuard no_grad;
    std::map<int64_t, std::vector<double>> times;
    for (int64_t b : batches) eval_seconds(model, images, b);  // warm-up: the allocator's cache, the pool
    for (int r = 0; r < rounds; ++r)
      for (size_t i = 0; i < batches.size(); ++i) {
        const int64_t b = batches[(i + size_t(r)) % batches.size()];
        times[b].push_back(eval_seconds(model, images, b));
      }
    const double base = median(times[64]);
    for (int64_t b : batches) {
      const double m = median(times[b]);
      std::printf("%s batch %5lld: %.3f s, %6.2f us/image, per image %.2fx batch 64\n", name.c_str(),
                  static_cast<long long>(b), m, m / double(images.size(0)) * 1e6, m / base);
    }
  }
  return 0;
}
