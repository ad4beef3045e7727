// Activations: values, first and second derivatives against hand formulas and PyTorch 1.13 numbers,
// dtype rules, node names and error messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {
using testing::expect_error;

const TensorOptions kF64Grad = TensorOptions().dtype(kFloat64).requires_grad(true);
const std::vector<double> kXs{-2.0, -0.5, 0.0, 0.5, 2.0};

std::vector<double> vals(const Tensor& t) {
  NoGradGuard ng;
  Tensor c = t.detach().to(kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

void expect_near(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
    } else {
      EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
    }
  }
}


std::vector<double> map(const std::vector<double>& xs, const std::function<double(double)>& f) {
  std::vector<double> r;
  for (double x : xs) r.push_back(f(x));
  return r;
}

// y, dy/dx and d2y/dx2 at kXs, through autograd (create_graph for the second).
struct Derivs {
  std::vector<double> y, d1, d2;
  std::string node;
};
Derivs derivs(const std::function<Tensor(const Tensor&)>& f) {
  Tensor x = tensor(kXs, kF64Grad);
  Tensor y = f(x);
  Tensor g = autograd::grad({y.sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  // A piecewise-linear op's gradient may not depend on x at all (then it has no graph): d2 = 0.
  Tensor gg =
      g.requires_grad() ? autograd::grad({g.sum()}, {x}, {}, std::nullopt, false, /*allow_unused=*/true)[0] : Tensor();
  return {vals(y), vals(g), gg.defined() ? vals(gg) : std::vector<double>(kXs.size(), 0.0), y.grad_fn()->name()};
}

double sig(double x) { return 1 / (1 + std::exp(-x)); }

TEST(Activation, SigmoidValuesGradAndSecondDerivative) {
  auto d = derivs([](const Tensor& x) { return sigmoid(x); });
  EXPECT_EQ(d.node, "SigmoidBackward0");
  expect_near(d.y, map(kXs, sig));
  expect_near(d.d1, map(kXs, [](double x) { return sig(x) * (1 - sig(x)); }));
  expect_near(d.d2, map(kXs, [](double x) { return sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)); }));
  Tensor i = sigmoid(tensor({0, 1}));
  EXPECT_EQ(i.dtype(), kFloat32);
  expect_near(vals(i), {0.5, sig(1)}, 1e-7);
  expect_near(vals(sigmoid(tensor({-1000.0, 1000.0}))), {0, 1});
}

TEST(Activation, ReluValuesGradAndDtypes) {
  auto d = derivs([](const Tensor& x) { return relu(x); });
  EXPECT_EQ(d.node, "ReluBackward0");
  expect_near(d.y, {0, 0, 0, 0.5, 2});
  expect_near(d.d1, {0, 0, 0, 1, 1});  // 0 at x == 0, as PyTorch
  expect_near(d.d2, {0, 0, 0, 0, 0});
  Tensor i = relu(tensor({-3, 4}));
  EXPECT_EQ(i.dtype(), kInt64);
  expect_near(vals(i), {0, 4});
  expect_near(vals(relu(tensor({NAN}))), {NAN});
  expect_error([] { relu(tensor({true})); }, {"relu", "bool"});
}

TEST(Activation, LeakyRelu) {
  auto d = derivs([](const Tensor& x) { return leaky_relu(x, 0.2); });
  EXPECT_EQ(d.node, "LeakyReluBackward0");
  expect_near(d.y, {-0.4, -0.1, 0, 0.5, 2});
  expect_near(d.d1, {0.2, 0.2, 0.2, 1, 1});                       // slope at 0, as PyTorch
  expect_near(vals(leaky_relu(tensor({-100.0}))), {-1.0}, 1e-6);  // default slope 0.01
  expect_error([] { leaky_relu(tensor({1, 2})); }, {"leaky_relu", "Long"});
}

TEST(Activation, EluWithAlphaScaleAndInputScale) {
  // PyTorch 1.13: F.elu(x, alpha=0.7) and aten::elu(x, 2, 1.5, 0.5).
  auto d = derivs([](const Tensor& x) { return elu(x, 0.7); });
  EXPECT_EQ(d.node, "EluBackward0");
  expect_near(d.y, {-0.6052653017343711, -0.2754285382011566, 0.0, 0.5, 2.0});
  expect_near(d.d1, {0.09473469826562889, 0.42457146179884336, 0.7, 1.0, 1.0});
  expect_near(d.d2, {0.09473469826562889, 0.42457146179884336, 0.0, 0.0, 0.0});
  Tensor x = tensor({0.0, 1.0, -1.0, 2.0}, kF64Grad);
  Tensor y = elu(x, 2.0, 1.5, 0.5);
  expect_near(vals(y), {0.0, 1.5, -1.1804080208620997, 3.0});
  y.sum().backward();
  expect_near(vals(x.grad()), {1.5, 1.5, 0.9097959895689501, 1.5});
  expect_near(vals(elu(tensor({-1.0, 800.0}, kFloat64))), {std::expm1(-1.0), 800});
  expect_error([] { elu(tensor({1, 2})); }, {"elu", "Long"});
}

TEST(Activation, GeluExact) {
  auto d = derivs([](const Tensor& x) { return gelu(x); });
  EXPECT_EQ(d.node, "GeluBackward0");
  expect_near(d.y, {-0.04550026389635842, -0.15426876936299344, 0.0, 0.34573123063700656, 1.9544997361036416});
  expect_near(d.d1, {-0.08523180107819692, 0.13250487534383712, 0.5, 0.8674951246561629, 1.085231801078197});
  // d2 = phi(x) (2 - x^2)
  expect_near(d.d2, map(kXs, [](double x) { return std::exp(-x * x / 2) / std::sqrt(2 * M_PI) * (2 - x * x); }));
}

TEST(Activation, GeluTanhApproximation) {
  auto d = derivs([](const Tensor& x) { return gelu(x, "tanh"); });
  EXPECT_EQ(d.node, "GeluBackward0");
  expect_near(d.y, {-0.04540230591222494, -0.15428599017485606, 0.0, 0.34571400982514394, 1.954597694087775});
  expect_near(d.d1, {-0.0860992566236183, 0.13263009646535764, 0.5, 0.8673699035346424, 1.0860992566236183});
  expect_near(d.d2,
              {-0.10787507995107845, 0.615506895115985, 0.7978845608028654, 0.615506895115985, -0.10787507995107845});
}

TEST(Activation, GeluDoubleBackwardNodeAndErrors) {
  Tensor x = tensor({0.3}, kF64Grad);
  Tensor g = autograd::grad({gelu(x).sum()}, {x}, {}, std::nullopt, true)[0];
  ASSERT_TRUE(g.grad_fn());
  EXPECT_EQ(g.grad_fn()->name(), "GeluBackwardBackward0");
  expect_error([] { gelu(tensor({1.0}), "erf"); }, {"gelu", "none", "tanh", "erf"});
  expect_error([] { gelu(tensor({1, 2})); }, {"gelu", "Long"});
}

TEST(Activation, GeluFloat32KeepsRelativeAccuracyInBothTails) {
  // Exact gelu in float32 runs a vectorized normal CDF (erfc-based, not 0.5 (1 + erf), which cancels to 0 below
  // x = -5). Relative error against float64 over [-13, 13], and its derivative, stay near float precision.
  std::vector<float> xs;
  for (int i = -130000; i <= 130000; ++i) xs.push_back(float(i) * 1e-4f);
  Tensor x = tensor(xs);
  x.requires_grad_(true);
  Tensor y = gelu(x);
  Tensor g = autograd::grad({y}, {x}, {ones_like(y)})[0];
  const float* py = y.data_ptr<float>();
  const float* pg = g.data_ptr<float>();
  double worst_y = 0, worst_g = 0;
  float at_y = 0, at_g = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double v = xs[i];
    const double cdf = 0.5 * std::erfc(-v / std::sqrt(2.0)), pdf = std::exp(-v * v / 2) / std::sqrt(2 * M_PI);
    const double ry = v * cdf, rg = cdf + v * pdf;
    if (std::fabs(ry) > 1e-30) {
      const double e = std::fabs(py[i] - ry) / std::fabs(ry);
      if (e > worst_y) worst_y = e, at_y = xs[i];
    }
    if (std::fabs(rg) > 1e-30 && std::fabs(v) < 12) {
      // gelu' = cdf + x pdf crosses 0 near x = -0.75 by cancellation: there the scale is that of cdf.
      const double e = std::fabs(pg[i] - rg) / std::max(std::fabs(rg), 0.25);
      if (e > worst_g) worst_g = e, at_g = xs[i];
    }
  }
  EXPECT_LT(worst_y, 1e-6) << "gelu at " << at_y;
  EXPECT_LT(worst_g, 2e-6) << "gelu' at " << at_g;
}

TEST(Activation, Silu) {
  auto d = derivs([](const Tensor& x) { return silu(x); });
  EXPECT_EQ(d.node, "SiluBackward0");
  expect_near(d.y, map(kXs, [](double x) { return x * sig(x); }));
  expect_near(d.d1, map(kXs, [](double x) { return sig(x) * (1 + x * (1 - sig(x))); }));
  expect_near(d.d2, {0.050062168694706914, 0.44122902697702865, 0.5, 0.4412290269770286, 0.05006216869470701});
  expect_error([] { silu(tensor({1})); }, {"silu", "Long"});
}

TEST(Activation, SoftplusBetaAndThreshold) {
  auto d = derivs([](const Tensor& x) { return softplus(x); });
  EXPECT_EQ(d.node, "SoftplusBackward0");
  expect_near(d.y, map(kXs, [](double x) { return std::log1p(std::exp(x)); }));
  expect_near(d.d1, map(kXs, sig));
  expect_near(d.d2, map(kXs, [](double x) { return sig(x) * (1 - sig(x)); }));
  // beta 2, threshold 3: linear where 2x > 3 (x = 2), PyTorch's numbers elsewhere.
  auto e = derivs([](const Tensor& x) { return softplus(x, 2, 3); });
  expect_near(e.y, {0.009074963958904869, 0.15663084375911143, 0.34657359027997264, 0.6566308437591114, 2.0});
  expect_near(e.d1, {0.017986209962091555, 0.2689414213699951, 0.5, 0.7310585786300049, 1.0});
  expect_near(e.d2, {0.035325412426582235, 0.3932238664829637, 0.5, 0.3932238664829637, 0.0});
  expect_near(vals(softplus(tensor({100.0}, kFloat64))), {100});  // no overflow above the threshold
  expect_error([] { softplus(tensor({1})); }, {"softplus", "Long"});
}

TEST(Activation, Float32MatchesFloat64) {
  Tensor x64 = tensor({-3.0, -0.7, 0.1, 1.3, 4.0}, kFloat64);
  Tensor x32 = x64.to(kFloat32);
  for (auto* f : {+[](const Tensor& x) { return sigmoid(x); }, +[](const Tensor& x) { return gelu(x); },
                  +[](const Tensor& x) { return gelu(x, "tanh"); }, +[](const Tensor& x) { return silu(x); },
                  +[](const Tensor& x) { return softplus(x); }, +[](const Tensor& x) { return elu(x); },
                  +[](const Tensor& x) { return leaky_relu(x); }, +[](const Tensor& x) { return relu(x); }}) {
    Tensor y32 = f(x32);
    EXPECT_EQ(y32.dtype(), kFloat32);
    expect_near(vals(y32), vals(f(x64)), 1e-6);
  }
}

TEST(Activation, InplaceSigmoidAndReluKeepGradients) {
  Tensor x = tensor({-1.0, 0.5}, kF64Grad);
  Tensor y = x * 1;
  y.sigmoid_();
  EXPECT_EQ(y.grad_fn()->name(), "SigmoidBackward0");
  y.sum().backward();
  expect_near(vals(x.grad()), {sig(-1) * (1 - sig(-1)), sig(0.5) * (1 - sig(0.5))});
}

}  // namespace
}  // namespace nabla
