// nn::functional activations with LibTorch's option structs: hand-derived values, inplace behaviour, and equality
// with the modules and with the plain ops they wrap.
#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

namespace F = nn::functional;
using testing::expect_close;

TEST(FunctionalActivation, ValuesWithOptions) {
  const Tensor x = tensor({-2.0, -0.5, 0.0, 1.5}, TensorOptions().dtype(kFloat64));
  expect_close(F::relu(x), {0, 0, 0, 1.5});
  expect_close(F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)), {-0.4, -0.1, 0, 1.5});
  expect_close(F::elu(x, F::ELUFuncOptions().alpha(2.0)),
               {2 * (std::exp(-2.0) - 1), 2 * (std::exp(-0.5) - 1), 0, 1.5});
  expect_close(F::silu(x), {-2 / (1 + std::exp(2.0)), -0.5 / (1 + std::exp(0.5)), 0, 1.5 / (1 + std::exp(-1.5))});
  // softplus with beta 2: log(1 + exp(2x)) / 2, and x itself where 2x > threshold 2.
  expect_close(F::softplus(x, F::SoftplusFuncOptions().beta(2).threshold(2)),
               {std::log1p(std::exp(-4.0)) / 2, std::log1p(std::exp(-1.0)) / 2, std::log(2.0) / 2, 1.5});
  // gelu exact: x Phi(x); tanh form differs from it by < 1e-3 here.
  const double phi = 0.5 * (1 + std::erf(1.5 / std::sqrt(2.0)));
  EXPECT_NEAR(F::gelu(x)[3].item<double>(), 1.5 * phi, 1e-12);
  EXPECT_NEAR(F::gelu(x, F::GELUFuncOptions().approximate("tanh"))[3].item<double>(), 1.5 * phi, 1e-3);
  EXPECT_NE(F::gelu(x, F::GELUFuncOptions().approximate("tanh"))[3].item<double>(), 1.5 * phi);
}

TEST(FunctionalActivation, SoftmaxDimAndDtype) {
  const Tensor x = tensor({{1.0f, 2.0f}, {3.0f, 5.0f}});
  const double e = std::exp(1.0), e2 = std::exp(2.0);
  expect_close(F::softmax(x, F::SoftmaxFuncOptions(1)).to(kFloat64),
               {1 / (1 + e), e / (1 + e), 1 / (1 + e2), e2 / (1 + e2)}, 1e-6);
  expect_close(F::softmax(x, 0).to(kFloat64), {1 / (1 + e2), 1 / (1 + std::exp(3.0)), e2 / (1 + e2),
                                               std::exp(3.0) / (1 + std::exp(3.0))}, 1e-6);
  const Tensor ls = F::log_softmax(x, F::LogSoftmaxFuncOptions(1).dtype(kFloat64));
  EXPECT_EQ(ls.scalar_type(), kFloat64);
  expect_close(ls, {-std::log1p(e), 1 - std::log1p(e), -std::log1p(e2), 2 - std::log1p(e2)}, 1e-7);
}

TEST(FunctionalActivation, InplaceWritesTheInputAndModulesAgree) {
  Tensor x = tensor({-1.0, 2.0});
  Tensor y = F::relu(x, F::ReLUFuncOptions().inplace(true));
  expect_close(x, {0, 2});
  EXPECT_EQ(y.data_ptr(), x.data_ptr());
  Tensor z = tensor({-1.0, 2.0});
  F::leaky_relu(z, F::LeakyReLUFuncOptions().negative_slope(0.5).inplace(true));
  expect_close(z, {-0.5, 2});
  const Tensor w = tensor({-1.0, 2.0});
  F::elu(w);  // not inplace: w unchanged
  expect_close(w, {-1, 2});

  const Tensor v = randn({3, 4});
  EXPECT_TRUE(equal(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.3))(v),
                    F::leaky_relu(v, F::LeakyReLUFuncOptions().negative_slope(0.3))));
  EXPECT_TRUE(equal(nn::Softmax(1)(v), F::softmax(v, 1)));
  EXPECT_TRUE(equal(nn::LogSoftmax(0)(v), F::log_softmax(v, 0)));
  EXPECT_TRUE(equal(nn::GELU(nn::GELUOptions().approximate("tanh"))(v), gelu(v, "tanh")));
}

}  // namespace
}  // namespace nabla
