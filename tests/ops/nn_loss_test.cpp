// nn::functional::mse_loss: reductions, broadcasting, gradients (input and target), second order, errors.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::testing::values;
namespace F = nabla::nn::functional;
using nabla::testing::rand64;
using nabla::testing::tensor_list;

namespace {
void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at flat index " << i;
}
template <typename Fn>
std::string error_of(Fn f) {
  try {
    f();
  } catch (const nabla::Error& e) {
    return e.what();
  }
  return "<no nabla::Error thrown>";
}
}  // namespace

TEST(MseLoss, Reductions) {
  auto x = tensor({1.0, 2.0, 3.0}), y = tensor({0.0, 2.0, 5.0});
  auto mean = F::mse_loss(x, y);
  EXPECT_EQ(mean.dim(), 0);
  EXPECT_EQ(mean.dtype(), kFloat32);
  EXPECT_FLOAT_EQ(mean.item<float>(), 5.0f / 3.0f);
  EXPECT_FLOAT_EQ(F::mse_loss(x, y, F::MSELossFuncOptions(kSum)).item<float>(), 5.0f);
  EXPECT_FLOAT_EQ(F::mse_loss(x, y, F::MSELossFuncOptions().reduction(kSum)).item<float>(), 5.0f);
  auto none = F::mse_loss(x, y, kNone);
  EXPECT_EQ(none.sizes().vec(), (std::vector<int64_t>{3}));
  expect_close(values(none), {1, 0, 4}, 0);
}

TEST(MseLoss, GradientsOfInputAndTarget) {
  auto opt = TensorOptions().dtype(kFloat64).requires_grad(true);
  auto x = tensor({1.0, 2.0, 3.0}, opt), y = tensor({0.0, 2.0, 5.0}, opt);
  F::mse_loss(x, y).backward();
  // d/dx mean((x - y)^2) = 2 (x - y) / n
  expect_close(values(x.grad()), {2.0 / 3, 0, -4.0 / 3}, 1e-12);
  expect_close(values(y.grad()), {-2.0 / 3, 0, 4.0 / 3}, 1e-12);
}

TEST(MseLoss, BroadcastsTargetLikePyTorch) {
  // input (2, 3), target (3): torch.nn.functional.mse_loss gives 55/6 (with a size warning).
  auto x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, kFloat64);
  auto y = tensor({1.0, 1.0, 1.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto l = F::mse_loss(x, y);
  EXPECT_NEAR(l.item<double>(), 55.0 / 6.0, 1e-12);
  l.backward();
  ASSERT_EQ(y.grad().sizes().vec(), (std::vector<int64_t>{3}));
  expect_close(values(y.grad()), {-1.0, -5.0 / 3, -7.0 / 3}, 1e-12);
  EXPECT_EQ(F::mse_loss(x, y, kNone).sizes().vec(), (std::vector<int64_t>{2, 3}));
}

TEST(MseLoss, SecondOrderAndGradcheck) {
  auto f = [](const tensor_list& in) { return tensor_list{F::mse_loss(in[0], in[1])}; };
  tensor_list in{rand64({3, 4}), rand64({4})};
  EXPECT_TRUE(autograd::gradcheck(f, in));
  EXPECT_TRUE(autograd::gradgradcheck(f, in));
  auto fs = [](const tensor_list& in) { return tensor_list{F::mse_loss(in[0], in[1], kNone)}; };
  EXPECT_TRUE(autograd::gradcheck(fs, {rand64({2, 3}), rand64({2, 3})}));
  // d2/dx2 of sum((x - y)^2) = 2 per element.
  auto x = tensor({0.5, -1.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto g = autograd::grad({F::mse_loss(x, zeros({2}, kFloat64), kSum)}, {x}, {}, std::nullopt, true)[0];
  expect_close(values(g), {1.0, -2.0}, 1e-12);
  expect_close(values(autograd::grad({g.sum()}, {x})[0]), {2.0, 2.0}, 1e-12);
}

TEST(MseLoss, Errors) {
  auto msg = error_of([] { F::mse_loss(zeros({2, 3}), zeros({4})); });
  EXPECT_NE(msg.find("mse_loss: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
  msg = error_of([] { F::mse_loss(tensor({1, 2}), tensor({1, 2})); });
  EXPECT_NE(msg.find("mse_loss: expected floating-point input and target, but got Long and Long"), std::string::npos)
      << msg;
  msg = error_of([] { F::mse_loss(Tensor(), zeros({2})); });
  EXPECT_NE(msg.find("mse_loss: "), std::string::npos) << msg;
}
