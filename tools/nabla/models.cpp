#include "models.h"

#include "nabla/core/error.h"

namespace nabla::cli {

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names{"mlp", "cnn"};
  return names;
}

nn::Sequential make_model(const std::string& name) {
  if (name == "mlp")
    return nn::Sequential(nn::Flatten(), nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                          nn::Linear(128, 10));
  if (name == "cnn")
    // 28x28 -> conv 26x26 -> pool 13x13 -> conv 11x11 -> pool 5x5 (no padding, as the usual PyTorch example).
    return nn::Sequential(nn::Conv2d(1, 32, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(32, 64, 3), nn::ReLU(),
                          nn::MaxPool2d(2), nn::Flatten(), nn::Linear(64 * 5 * 5, 128), nn::ReLU(),
                          nn::Linear(128, 10));
  NABLA_FAIL("make_model: unknown model '", name, "'; choose mlp or cnn");
}

}  // namespace nabla::cli
