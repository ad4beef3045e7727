// The seed's last example with modules: nn::Linear(1, 1), mse_loss, zero_grad, backward, optim::SGD(lr = 0.1) step.
//
// PyTorch initialises the weight at random, so it is set here (w = 0.3, b = -0.1) to give fixed numbers:
//   prediction 2 * 0.3 - 0.1 = 0.5, loss (0.5 - 1)^2 = 0.25,
//   dL/dw = 2 (0.5 - 1) * 2 = -2, dL/db = 2 (0.5 - 1) = -1,
//   after w -= 0.1 * dL/dw, b -= 0.1 * dL/db: w = 0.5, b = 0 (the line now fits the point exactly).
// tests/optim/seed_linear_test.cpp checks the same numbers against PyTorch 1.13 (nn.Linear, MSELoss, SGD lr=0.1).
#include <cstdio>
#include <sstream>

#include "nabla/nabla.h"
#include "nabla/nn.h"

int main() {
  namespace nn = nabla::nn;
  nn::Linear model(1, 1);
  {
    nabla::NoGradGuard no_grad;
    model->weight.fill_(0.3);
    model->bias.fill_(-0.1);
  }
  std::ostringstream repr;
  repr << model;
  std::printf("model: %s\n", repr.str().c_str());

  nabla::Tensor x = nabla::tensor({{2.0}});
  nabla::Tensor y = nabla::tensor({{1.0}});
  nabla::optim::SGD optimizer(model->parameters(), nabla::optim::SGDOptions(0.1));

  optimizer.zero_grad();
  nabla::Tensor prediction = model(x);
  nabla::Tensor loss = nn::functional::mse_loss(prediction, y);
  loss.backward();
  std::printf("prediction %.6f  loss %.6f\n", prediction.item<double>(), loss.item<double>());
  std::printf("grad weight %.6f  grad bias %.6f\n", model->weight.grad().item<double>(),
              model->bias.grad().item<double>());

  optimizer.step();  // w -= lr * dL/dw, b -= lr * dL/db, outside the graph
  for (const auto& item : model->named_parameters())
    std::printf("updated %s = %.6f\n", item.key().c_str(), item.value().item<double>());
  std::printf("new prediction %.6f\n", model(x).item<double>());
  return 0;
}
