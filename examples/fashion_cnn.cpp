// A small CNN on Fashion-MNIST, written as a module class the way LibTorch code defines networks:
// conv3x3(32)-ReLU-maxpool-conv3x3(64)-ReLU-maxpool-fc128-ReLU-fc10, Adam 1e-3, batch 64.
// `fashion_cnn [epochs=10] [train examples=all]`; 10 epochs reach about 0.91 test accuracy.
#include "fashion_mnist.h"

namespace nn = nabla::nn;
namespace F = nabla::nn::functional;

struct NetImpl : nn::Module {
  NetImpl() {
    conv1 = register_module("conv1", nn::Conv2d(1, 32, 3));   // 28x28 -> 26x26, pooled to 13x13
    conv2 = register_module("conv2", nn::Conv2d(32, 64, 3));  // 13x13 -> 11x11, pooled to 5x5
    fc1 = register_module("fc1", nn::Linear(64 * 5 * 5, 128));
    fc2 = register_module("fc2", nn::Linear(128, 10));
  }
  nabla::Tensor forward(nabla::Tensor x) {
    x = F::max_pool2d(nabla::relu(conv1(x)), F::MaxPool2dFuncOptions(2));
    x = F::max_pool2d(nabla::relu(conv2(x)), F::MaxPool2dFuncOptions(2));
    return fc2(nabla::relu(fc1(x.flatten(1))));
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
NABLA_MODULE(Net);

int main(int argc, char** argv) {
  using namespace nabla;
  const fashion::Args args = fashion::parse_args(argc, argv, 10);
  const fashion::Data data = fashion::load(args.limit);

  manual_seed(0);
  Net model;
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(1e-3));
  std::cout << model << "\n";

  const double acc = fashion::fit(model, optimizer, data, args.epochs);
  save(model, "fashion_cnn.safetensors");  // keys conv1.weight, ..., fc2.bias, as the same PyTorch module's
  std::printf("saved fashion_cnn.safetensors\n");
  // With 2000 examples and 1 epoch (the ctest run) the CNN is past 0.60 (0.71 measured); the full run passes 0.90.
  return acc > (args.limit > 0 ? 0.60 : 0.90) ? 0 : 1;
}
