// The seed's last example end to end: nn::Linear(1, 1), mse_loss, zero_grad, backward, optim::SGD(lr = 0.1).step(),
// against PyTorch 1.13 run on the same initial values (nn.Linear, nn.MSELoss, torch.optim.SGD(lr=0.1)).
#include <gtest/gtest.h>

#include "nabla/nabla.h"

using namespace nabla;

namespace {
void set_params(nn::Linear& model, double w, double b) {
  NoGradGuard g;
  model->weight.fill_(w);
  model->bias.fill_(b);
}
}  // namespace

TEST(SeedLinear, OneSgdStepMatchesPyTorch) {
  // w = 0.3, b = -0.1, x = [[2]], y = [[1]]: prediction 0.5, loss 0.25, grads -2 and -1, then w = 0.5, b = 0.
  nn::Linear model(1, 1);
  set_params(model, 0.3, -0.1);
  optim::SGD optimizer(model->parameters(), optim::SGDOptions(0.1));
  Tensor x = tensor({{2.0}}), y = tensor({{1.0}});
  optimizer.zero_grad();
  Tensor loss = nn::functional::mse_loss(model(x), y);
  loss.backward();
  EXPECT_NEAR(loss.item<double>(), 0.25, 1e-7);
  optimizer.step();
  EXPECT_NEAR(model->weight.item<double>(), 0.5, 1e-7);
  EXPECT_NEAR(model->bias.item<double>(), 0.0, 1e-7);
}

TEST(SeedLinear, ThreeSgdStepsMatchPyTorch) {
  // PyTorch 1.13: weight 0.5, bias 0.2, x [[2], [-1]], y [[1], [0.5]], SGD lr=0.1; loss, then w and b after each step.
  const double want[3][3] = {{0.3400000333786011, 0.3799999952316284, 0.25999999046325684},
                             {0.1924000084400177, 0.3140000104904175, 0.3199999928474426},
                             {0.12337000668048859, 0.2750000059604645, 0.37459999322891235}};
  nn::Linear model(1, 1);
  set_params(model, 0.5, 0.2);
  optim::SGD optimizer(model->parameters(), optim::SGDOptions(0.1));
  Tensor x = tensor({{2.0}, {-1.0}}), y = tensor({{1.0}, {0.5}});
  for (const auto& s : want) {
    optimizer.zero_grad();
    Tensor loss = nn::functional::mse_loss(model(x), y);
    loss.backward();
    optimizer.step();
    EXPECT_NEAR(loss.item<double>(), s[0], 1e-6);
    EXPECT_NEAR(model->weight.item<double>(), s[1], 1e-6);
    EXPECT_NEAR(model->bias.item<double>(), s[2], 1e-6);
  }
}
