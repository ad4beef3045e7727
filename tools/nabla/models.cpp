#include "models.h"

#include "nabla/core/error.h"

namespace nabla::cli {

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names{"mlp", "cnn"};
  return names;
}

nn::Sequential make_model(const std::string& name) {
  // One layer per statement, so layers take their initial weights from the generator in the order they are listed
  // (as PyTorch's nn.Sequential(...) in Python; C++ leaves the order of a call's arguments open).
  nn::Sequential m;
  if (name == "mlp") {
    m->push_back(nn::Flatten());
    m->push_back(nn::Linear(784, 256));
    m->push_back(nn::ReLU());
    m->push_back(nn::Linear(256, 128));
    m->push_back(nn::ReLU());
    m->push_back(nn::Linear(128, 10));
    return m;
  }
  if (name == "cnn") {
    // 28x28 -> conv 26x26 -> pool 13x13 -> conv 11x11 -> pool 5x5 (no padding, as the usual PyTorch example).
    m->push_back(nn::Conv2d(1, 32, 3));
    m->push_back(nn::ReLU());
    m->push_back(nn::MaxPool2d(2));
    m->push_back(nn::Conv2d(32, 64, 3));
    m->push_back(nn::ReLU());
    m->push_back(nn::MaxPool2d(2));
    m->push_back(nn::Flatten());
    m->push_back(nn::Linear(64 * 5 * 5, 128));
    m->push_back(nn::ReLU());
    m->push_back(nn::Linear(128, 10));
    return m;
  }
  NABLA_FAIL("make_model: unknown model '", name, "'; choose mlp or cnn");
}

}  // namespace nabla::cli
