// The training loop the Fashion-MNIST examples share: one epoch of forward, loss, backward, step; and the accuracy
// on a dataset. The LibTorch versions of these loops look the same, with torch:: for nabla::.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "nabla/nabla.h"

namespace fashion {

inline const char* kDir = "/usr/share/datasets/fashion-mnist";  // from `apt-get install dataset-fashion-mnist`

// Options from the command line: [epochs] [training examples to use, 0 = all 60000].
struct Args {
  int epochs;
  int64_t limit;
};
inline Args parse_args(int argc, char** argv, int default_epochs) {
  return {argc > 1 ? std::atoi(argv[1]) : default_epochs, argc > 2 ? std::atoll(argv[2]) : 0};
}

// Images scaled to mean 0 and std 1 (Fashion-MNIST's pixel mean 0.2860, std 0.3530), batches of 64, shuffled.
template <typename Model>
double train_epoch(Model& model, nabla::optim::Optimizer& optimizer, const nabla::Tensor& images,
                   const nabla::Tensor& labels) {
  using namespace nabla;
  auto dataset = data::datasets::TensorDataset(images, labels)
                     .map(data::transforms::Normalize<>(0.2860, 0.3530))
                     .map(data::transforms::Stack<>());
  auto loader = data::make_data_loader(std::move(dataset), data::DataLoaderOptions(64).workers(1));
  model->train();
  double total = 0;
  int64_t batches = 0;
  for (auto& batch : *loader) {
    optimizer.zero_grad();                                                         // grads from 0
    Tensor loss = nn::functional::cross_entropy(model->forward(batch.data), batch.target);  // forward + loss
    loss.backward();                                                               // backprop
    optimizer.step();                                                              // update
    total += loss.item<double>();
    ++batches;
  }
  return total / batches;
}

// Fraction of `images` whose arg-max logit is the label (no graph, eval mode, 1000 images at a time).
template <typename Model>
double accuracy(Model& model, const nabla::Tensor& images, const nabla::Tensor& labels) {
  nabla::NoGradGuard no_grad;
  model->eval();
  int64_t correct = 0;
  for (int64_t i = 0; i < images.size(0); i += 1000) {
    nabla::Tensor logits = model->forward((images.slice(0, i, i + 1000) - 0.2860) / 0.3530);
    correct += logits.argmax(1).eq(labels.slice(0, i, i + 1000)).sum().template item<int64_t>();
  }
  return static_cast<double>(correct) / images.size(0);
}

// The training set (its first `limit` examples when limit > 0) and the test set.
struct Data {
  nabla::Tensor train_images, train_labels, test_images, test_labels;
};
inline Data load(int64_t limit) {
  using nabla::data::datasets::MNIST;
  MNIST train(kDir, MNIST::Mode::kTrain), test(kDir, MNIST::Mode::kTest);
  nabla::Tensor images = train.images(), labels = train.targets();
  if (limit > 0) images = images.slice(0, 0, limit), labels = labels.slice(0, 0, limit);
  return {images, labels, test.images(), test.targets()};
}

// Trains for `epochs`, printing the train loss and test accuracy after each; returns the last test accuracy.
template <typename Model>
double fit(Model& model, nabla::optim::Optimizer& optimizer, const Data& d, int epochs) {
  double acc = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const double loss = train_epoch(model, optimizer, d.train_images, d.train_labels);
    acc = accuracy(model, d.test_images, d.test_labels);
    std::printf("epoch %d: train loss %.4f, test accuracy %.4f\n", epoch, loss, acc);
  }
  return acc;
}

}  // namespace fashion
