// A 784-256-128-10 MLP on Fashion-MNIST with Adam, the whole program: data, model, training loop, test accuracy,
// checkpoint. `fashion_mlp [epochs=10] [training examples=all]`; 10 epochs reach about 0.886 test accuracy.
// (`nabla train --model mlp` runs the same recipe with checkpoints, metrics and --resume.)
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "nabla/nabla.h"

int main(int argc, char** argv) {
  using namespace nabla;
  namespace F = nn::functional;
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 10;
  const int64_t limit = argc > 2 ? std::atoll(argv[2]) : 0;  // 0: all 60000
  const char* dir = "/usr/share/datasets/fashion-mnist";       // apt-get install dataset-fashion-mnist

  // Images in [0, 1], scaled to mean 0 and std 1 with Fashion-MNIST's pixel mean 0.2860 and std 0.3530.
  data::datasets::MNIST train(dir, data::datasets::MNIST::Mode::kTrain), test(dir, data::datasets::MNIST::Mode::kTest);
  Tensor images = (train.images() - 0.2860) / 0.3530, labels = train.targets();
  if (limit > 0) images = images.slice(0, 0, limit), labels = labels.slice(0, 0, limit);
  const Tensor test_images = (test.images() - 0.2860) / 0.3530, test_labels = test.targets();
  auto loader = data::make_data_loader(data::datasets::TensorDataset(images, labels).map(data::transforms::Stack<>()),
                                       data::DataLoaderOptions(64).workers(1));  // shuffled, prepared in background

  manual_seed(0);
  nn::Sequential model(nn::Flatten(), nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                       nn::Linear(128, 10));
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(1e-3));
  std::cout << model << "\n";

  double accuracy = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    model->train();
    double loss_sum = 0;
    int64_t batches = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();                                                   // grads from zero
      Tensor loss = F::cross_entropy(model->forward(batch.data), batch.target);  // forward + loss
      loss.backward();                                                         // backpropagation
      optimizer.step();                                                        // weight update
      loss_sum += loss.item<double>();
      ++batches;
    }
    NoGradGuard no_grad;  // evaluation builds no graph
    model->eval();
    accuracy = model->forward(test_images).argmax(1).eq(test_labels).to(kFloat64).mean().item<double>();
    std::printf("epoch %d: train loss %.4f, test accuracy %.4f\n", epoch, loss_sum / batches, accuracy);
  }
  save(model, "fashion_mlp.safetensors");  // PyTorch: model.load_state_dict(safetensors.torch.load_file(...))
  std::printf("saved fashion_mlp.safetensors\n");
  // With 2000 examples and 1 epoch (the ctest run) the MLP is past 0.65 (0.69 measured); the full run passes 0.88.
  return accuracy > (limit > 0 ? 0.65 : 0.88) ? 0 : 1;
}
