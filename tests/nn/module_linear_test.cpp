// Linear forward/backward values, PyTorch's default init bounds, the seed_linear example's numbers, activation modules.
#include <cmath>

#include "nabla/nn.h"
#include "test_util.h"

namespace nn = nabla::nn;
using nabla::testing::expect_close;
using nabla::testing::f64;
using nabla::testing::values;

namespace {
void set_linear(nn::Linear& lin, const nabla::Tensor& w, const nabla::Tensor& b) {
  nabla::NoGradGuard g;
  lin->weight.copy_(w);
  if (b.defined()) lin->bias.copy_(b);
}
}  // namespace

TEST(ModuleLinear, ForwardBackwardMatchHandMath) {
  nn::Linear lin(3, 2);
  lin->to(nabla::kFloat64);
  set_linear(lin, f64({{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}}), f64({0.01, -0.02}));
  nabla::Tensor x = f64({{1.0, 2.0, 3.0}, {-1.0, 0.5, 2.0}}).requires_grad_();
  nabla::Tensor y = lin(x);
  // y = x W^T + b by hand: row 0: 0.1-0.4+0.9+0.01 = 0.61, 0.4+1.0-1.8-0.02 = -0.42; row 1: 0.41, -1.37.
  expect_close(y, {0.61, -0.42, 0.41, -1.37}, 1e-12);
  (y * f64({{1.0, 2.0}, {3.0, 4.0}})).sum().backward();
  // dW = G^T x, db = column sums of G, dx = G W (PyTorch 1.13 gives the same).
  expect_close(lin->weight.grad(), {-2.0, 3.5, 9.0, -2.0, 6.0, 14.0}, 1e-12);
  expect_close(lin->bias.grad(), {4.0, 6.0}, 1e-12);
  expect_close(x.grad(), {0.9, 0.8, -0.9, 1.9, 1.4, -1.5}, 1e-12);
}

TEST(ModuleLinear, NoBiasAndBatchedInput) {
  nn::Linear lin(nn::LinearOptions(2, 2).bias(false));
  EXPECT_FALSE(lin->bias.defined());
  EXPECT_EQ(lin->named_parameters().keys(), std::vector<std::string>{"weight"});
  EXPECT_EQ(lin->state_dict().size(), 1u);
  lin->to(nabla::kFloat64);
  set_linear(lin, f64({{1.0, 2.0}, {3.0, 4.0}}), {});
  // (2, 1, 2) input: matmul over the last dim.
  nabla::Tensor y = lin(f64({{{1.0, 1.0}}, {{0.0, -1.0}}}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{2, 1, 2}));
  expect_close(y, {3.0, 7.0, -2.0, -4.0});
  nn::Linear with_bias(2, 2);
  with_bias->to(nabla::kFloat64);
  set_linear(with_bias, f64({{1.0, 2.0}, {3.0, 4.0}}), f64({0.5, -0.5}));
  expect_close(with_bias(f64({1.0, 1.0})), {3.5, 6.5});  // 1-D input
}

TEST(ModuleLinear, DefaultInitWithinPyTorchBounds) {
  nabla::manual_seed(1);
  nn::Linear lin(100, 300);
  EXPECT_EQ(lin->weight.sizes().vec(), (std::vector<int64_t>{300, 100}));
  EXPECT_EQ(lin->weight.dtype(), nabla::kFloat32);
  const double bound = 1.0 / std::sqrt(100.0);  // kaiming_uniform_(a=sqrt(5)) and the bias both give 1/sqrt(fan_in)
  auto w = values(lin->weight);
  double lo = 1, hi = -1, sum = 0, sq = 0;
  for (double v : w) lo = std::min(lo, v), hi = std::max(hi, v), sum += v, sq += v * v;
  EXPECT_GE(lo, -bound);
  EXPECT_LE(hi, bound);
  EXPECT_LT(lo, -0.99 * bound);  // the whole range is used
  EXPECT_GT(hi, 0.99 * bound);
  double n = static_cast<double>(w.size());
  EXPECT_NEAR(sum / n, 0.0, 0.002);
  EXPECT_NEAR(std::sqrt(sq / n), bound / std::sqrt(3.0), 0.002);  // std of U(-b, b) = b / sqrt(3)
  for (double v : values(lin->bias)) EXPECT_LE(std::abs(v), bound);
  // Seeded: the same seed gives the same parameters.
  nabla::manual_seed(1);
  nn::Linear again(100, 300);
  EXPECT_EQ(values(again->weight), w);
}

// examples/seed_linear.cpp's numbers. PyTorch 1.13: nn.Linear(1, 1) with weight 0.3, bias -0.1, x [[2.0]], y [[1.0]],
// MSELoss, SGD(lr=0.1): loss 0.25, grads -2.0 and -1.0, then weight 0.5, bias 0.0.
TEST(ModuleLinear, SeedLinearExampleMatchesPyTorch) {
  nn::Linear model(1, 1);
  set_linear(model, nabla::tensor({{0.3}}), nabla::tensor({-0.1}));
  nabla::Tensor x = nabla::tensor({{2.0}}), y = nabla::tensor({{1.0}});
  nabla::Tensor loss = nn::functional::mse_loss(model(x), y);
  EXPECT_NEAR(loss.item<double>(), 0.25, 1e-7);
  loss.backward();
  EXPECT_NEAR(model->weight.grad().item<double>(), -2.0, 1e-6);
  EXPECT_NEAR(model->bias.grad().item<double>(), -1.0, 1e-6);
  {
    nabla::NoGradGuard g;
    for (auto& p : model->parameters()) p.sub_(p.grad() * 0.1);
  }
  EXPECT_NEAR(model->weight.item<double>(), 0.5, 1e-7);
  EXPECT_NEAR(model->bias.item<double>(), 0.0, 1e-7);
}

// Three steps on two points. PyTorch 1.13 (weight 0.5, bias 0.2, x [[2], [-1]], y [[1], [0.5]], SGD lr=0.1):
TEST(ModuleLinear, ThreeManualSgdStepsMatchPyTorch) {
  const double want[3][5] = {  // loss, grad w, grad b, then w, b after the step
      {0.3400000333786011, 1.2000000476837158, -0.5999999642372131, 0.3799999952316284, 0.25999999046325684},
      {0.1924000084400177, 0.6599999666213989, -0.6000000238418579, 0.3140000104904175, 0.3199999928474426},
      {0.12337000668048859, 0.39000004529953003, -0.5460000038146973, 0.2750000059604645, 0.37459999322891235}};
  nn::Linear model(1, 1);
  set_linear(model, nabla::tensor({{0.5}}), nabla::tensor({0.2}));
  nabla::Tensor x = nabla::tensor({{2.0}, {-1.0}}), y = nabla::tensor({{1.0}, {0.5}});
  for (const auto& s : want) {
    model->zero_grad();
    nabla::Tensor loss = nn::functional::mse_loss(model(x), y);
    loss.backward();
    EXPECT_NEAR(loss.item<double>(), s[0], 1e-6);
    EXPECT_NEAR(model->weight.grad().item<double>(), s[1], 1e-6);
    EXPECT_NEAR(model->bias.grad().item<double>(), s[2], 1e-6);
    {
      nabla::NoGradGuard g;
      for (auto& p : model->parameters()) p.sub_(p.grad() * 0.1);
    }
    EXPECT_NEAR(model->weight.item<double>(), s[3], 1e-6);
    EXPECT_NEAR(model->bias.item<double>(), s[4], 1e-6);
  }
}

TEST(ModuleActivation, ForwardMatchesFunctional) {
  nabla::Tensor x = f64({{-2.0, -0.5, 0.0, 0.5, 3.0}});
  expect_close(nn::ReLU()(x), {0, 0, 0, 0.5, 3.0});
  expect_close(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.1))(x), {-0.2, -0.05, 0, 0.5, 3.0});
  expect_close(nn::ELU()(x), {std::expm1(-2.0), std::expm1(-0.5), 0, 0.5, 3.0});
  expect_close(nn::Sigmoid()(x), values(nabla::sigmoid(x)));
  expect_close(nn::Tanh()(x), values(nabla::tanh(x)));
  expect_close(nn::SiLU()(x), values(x * nabla::sigmoid(x)));
  expect_close(nn::GELU()(x), values(nabla::gelu(x)));
  expect_close(nn::Softplus()(x), {std::log1p(std::exp(-2.0)), std::log1p(std::exp(-0.5)), std::log(2.0),
                                   std::log1p(std::exp(0.5)), std::log1p(std::exp(3.0))});
  expect_close(nn::Softmax(1)(x).sum(), {1.0});
  expect_close(nn::LogSoftmax(1)(x).exp(), values(nabla::softmax(x, 1)));
  expect_close(nn::Identity()(x), values(x));
  EXPECT_EQ(nn::Flatten()(nabla::zeros({2, 3, 4})).sizes().vec(), (std::vector<int64_t>{2, 12}));
  EXPECT_EQ(nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1))(nabla::zeros({2, 3, 4})).sizes().vec(),
            (std::vector<int64_t>{6, 4}));
  // Sequential chains the modules.
  nn::Sequential seq{nn::ReLU(), nn::Tanh()};
  expect_close(seq(x), values(nabla::tanh(nabla::relu(x))));
  // Gradients flow through the modules.
  nabla::Tensor xr = x.clone().requires_grad_();
  nn::Sequential(nn::Linear(5, 2), nn::ReLU())->forward(xr.to(nabla::kFloat32)).sum().backward();
  EXPECT_TRUE(xr.grad().defined());
}
