// Porting suite: linear regression in the style of LibTorch's documentation. Written for LibTorch; nabla builds it
// with the include line changed to <nabla/torch.h> (tests/porting/CMakeLists.txt) and compares its output with
// LibTorch's (tests/reference/record_porting.sh).
#include <torch/torch.h>

#include <iostream>

int main() {
  torch::manual_seed(1);
  // y = 3 x1 - 2 x2 + 0.5 + noise
  auto x = torch::randn({200, 2});
  auto w_true = torch::tensor({{3.0f}, {-2.0f}});
  auto y = x.mm(w_true) + 0.5 + 0.1 * torch::randn({200, 1});

  torch::nn::Linear model(2, 1);
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  for (int64_t step = 0; step < 60; ++step) {
    optimizer.zero_grad();
    auto loss = torch::mse_loss(model->forward(x), y);
    loss.backward();
    optimizer.step();
    std::printf("step %d loss %.8g\n", static_cast<int>(step), loss.item<double>());
  }
  auto w = model->weight.detach();
  auto b = model->bias.detach();
  std::printf("final w0 %.6f w1 %.6f b %.6f\n", w[0][0].item<float>(), w[0][1].item<float>(), b[0].item<float>());
}
