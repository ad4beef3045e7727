// A small CNN on Fashion-MNIST, written as a module class the way LibTorch programs define networks:
// conv3x3(32)-ReLU-maxpool-conv3x3(64)-ReLU-maxpool-fc128-ReLU-fc10, Adam 1e-3, batch 64. The whole program.
// `fashion_cnn [epochs=10] [training examples=all]`; 10 epochs reach about 0.91 test accuracy.
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "nabla/nabla.h"

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
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 10;
  const int64_t limit = argc > 2 ? std::atoll(argv[2]) : 0;  // 0: all 60000
  const char* dir = "/usr/share/datasets/fashion-mnist";       // apt-get install dataset-fashion-mnist

  // The Normalize transform scales each image to mean 0 and std 1 (Fashion-MNIST's pixel mean and std).
  data::datasets::MNIST train(dir, data::datasets::MNIST::Mode::kTrain), test(dir, data::datasets::MNIST::Mode::kTest);
  auto dataset = (limit > 0 ? data::datasets::TensorDataset(train.images().slice(0, 0, limit),
                                                            train.targets().slice(0, 0, limit))
                            : data::datasets::TensorDataset(train.images(), train.targets()))
                     .map(data::transforms::Normalize<>(0.2860, 0.3530))
                     .map(data::transforms::Stack<>());
  auto loader = data::make_data_loader(std::move(dataset), data::DataLoaderOptions(64).workers(1));

  manual_seed(0);
  Net model;
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(1e-3));
  std::cout << model << "\n";

  double accuracy = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    model->train();
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      F::cross_entropy(model(batch.data), batch.target).backward();
      optimizer.step();
    }
    NoGradGuard no_grad;
    model->eval();
    int64_t correct = 0;
    for (int64_t i = 0; i < 10000; i += 1000) {  // 1000 test images at a time
      Tensor logits = model((test.images().slice(0, i, i + 1000) - 0.2860) / 0.3530);
      correct += logits.argmax(1).eq(test.targets().slice(0, i, i + 1000)).sum().item<int64_t>();
    }
    accuracy = correct / 10000.0;
    std::printf("epoch %d: test accuracy %.4f\n", epoch, accuracy);
  }
  save(model, "fashion_cnn.safetensors");  // keys conv1.weight, ..., fc2.bias, as the same PyTorch module's
  std::printf("saved fashion_cnn.safetensors\n");
  // With 2000 examples and 1 epoch (the ctest run) the CNN is past 0.60 (0.67 measured); the full run passes 0.90.
  return accuracy > (limit > 0 ? 0.60 : 0.90) ? 0 : 1;
}
