#include "dataset.h"

#include "nabla/autograd/grad_mode.h"
#include "nabla/data.h"
#include "nabla/nn/functional.h"
#include "nabla/ops/reduce.h"

namespace nabla::cli {

Split load_split(const std::string& dir, bool train, int64_t limit) {
  using data::datasets::MNIST;
  MNIST set(dir, train ? MNIST::Mode::kTrain : MNIST::Mode::kTest);
  Tensor images = set.images(), targets = set.targets();
  if (limit > 0 && limit < targets.size(0)) {
    images = images.slice(0, 0, limit);
    targets = targets.slice(0, 0, limit);
  }
  return {((images - kPixelMean) / kPixelStd).contiguous(), targets.contiguous()};
}

const std::array<const char*, kClasses>& class_names() {
  static const std::array<const char*, kClasses> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                       "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

EvalResult evaluate(nn::Sequential& model, const Split& split, int64_t batch_size) {
  const bool was_training = model->is_training();
  model->eval();
  NoGradGuard no_grad;
  EvalResult r;
  r.confusion.assign(kClasses * kClasses, 0);
  double loss_sum = 0;
  int64_t correct = 0;
  for (int64_t begin = 0; begin < split.size(); begin += batch_size) {
    const int64_t end = std::min(begin + batch_size, split.size());
    Tensor logits = model->forward(split.images.slice(0, begin, end));
    Tensor y = split.targets.slice(0, begin, end);
    namespace F = nn::functional;
    loss_sum += F::cross_entropy(logits, y, F::CrossEntropyFuncOptions().reduction(kSum)).item<double>();
    Tensor pred = logits.argmax(1).contiguous();
    const int64_t* p = pred.data_ptr<int64_t>();
    const int64_t* t = y.data_ptr<int64_t>();
    for (int64_t i = 0; i < end - begin; ++i) {
      NABLA_CHECK(t[i] >= 0 && t[i] < kClasses, "evaluate: label ", t[i], " at example ", begin + i,
                  " is outside 0..9; the data is not a 10-class MNIST-format set");
      r.confusion[t[i] * kClasses + p[i]] += 1;
      correct += p[i] == t[i];
    }
  }
  r.count = split.size();
  r.loss = r.count ? loss_sum / r.count : 0;
  r.accuracy = r.count ? static_cast<double>(correct) / r.count : 0;
  if (was_training) model->train();
  return r;
}

}  // namespace nabla::cli
