// Unary math (exp, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, tanh, square) and clamp: values against
// <cmath>, int-to-float promotion, hand-derived first and second derivatives, node names and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {
using testing::expect_near;
using testing::expect_error;

const TensorOptions kF64Grad = TensorOptions().dtype(kFloat64).requires_grad(true);

std::vector<double> vals(const Tensor& t) {
  NoGradGuard ng;
  Tensor c = t.detach().to(kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}



std::vector<double> map(const std::vector<double>& xs, const std::function<double(double)>& f) {
  std::vector<double> r;
  for (double x : xs) r.push_back(f(x));
  return r;
}

struct UnaryCase {
  const char* name;
  std::function<Tensor(const Tensor&)> op;
  std::function<double(double)> f, df;  // value and hand-derived derivative
  std::vector<double> xs;
  const char* node;
};

std::vector<UnaryCase> unary_cases() {
  const std::vector<double> pos{0.25, 0.5, 1.0, 2.0, 7.5};
  const std::vector<double> any{-2.5, -0.75, 0.0, 0.5, 3.0};
  return {
      {"exp", [](const Tensor& x) { return exp(x); }, [](double x) { return std::exp(x); },
       [](double x) { return std::exp(x); }, any, "ExpBackward0"},
      {"log", [](const Tensor& x) { return log(x); }, [](double x) { return std::log(x); },
       [](double x) { return 1 / x; }, pos, "LogBackward0"},
      {"log1p",
       [](const Tensor& x) { return log1p(x); },
       [](double x) { return std::log1p(x); },
       [](double x) { return 1 / (1 + x); },
       {-0.5, 0.0, 1e-10, 2.0},
       "Log1PBackward0"},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }, [](double x) { return std::sqrt(x); },
       [](double x) { return 0.5 / std::sqrt(x); }, pos, "SqrtBackward0"},
      {"rsqrt", [](const Tensor& x) { return rsqrt(x); }, [](double x) { return 1 / std::sqrt(x); },
       [](double x) { return -0.5 * std::pow(x, -1.5); }, pos, "RsqrtBackward0"},
      {"abs", [](const Tensor& x) { return abs(x); }, [](double x) { return std::abs(x); },
       [](double x) { return double((x > 0) - (x < 0)); }, any, "AbsBackward0"},  // 0 at 0 (sign)
      {"sign", [](const Tensor& x) { return sign(x); }, [](double x) { return double((x > 0) - (x < 0)); },
       [](double) { return 0.0; }, any, "SignBackward0"},
      {"sin", [](const Tensor& x) { return sin(x); }, [](double x) { return std::sin(x); },
       [](double x) { return std::cos(x); }, any, "SinBackward0"},
      {"cos", [](const Tensor& x) { return cos(x); }, [](double x) { return std::cos(x); },
       [](double x) { return -std::sin(x); }, any, "CosBackward0"},
      {"tanh", [](const Tensor& x) { return tanh(x); }, [](double x) { return std::tanh(x); },
       [](double x) { return 1 - std::tanh(x) * std::tanh(x); }, any, "TanhBackward0"},
      {"square", [](const Tensor& x) { return square(x); }, [](double x) { return x * x; },
       [](double x) { return 2 * x; }, any, "PowBackward0"},
      {"neg", [](const Tensor& x) { return neg(x); }, [](double x) { return -x; }, [](double) { return -1.0; }, any,
       "NegBackward0"},
  };
}

TEST(ElementwiseUnary, ValuesGradientsAndNodeNamesFloat64) {
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    Tensor x = tensor(c.xs, kF64Grad);
    Tensor y = c.op(x);
    EXPECT_EQ(y.dtype(), kFloat64);
    expect_near(vals(y), map(c.xs, c.f), 1e-14);
    ASSERT_TRUE(y.grad_fn());
    EXPECT_EQ(y.grad_fn()->name(), c.node);
    y.sum().backward();
    expect_near(vals(x.grad()), map(c.xs, c.df), 1e-12);
  }
}

TEST(ElementwiseUnary, Float32AndNonContiguousInputs) {
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    // (2, n) transposed view: values in column order.
    std::vector<double> two;
    for (double v : c.xs) two.push_back(v);
    for (double v : c.xs) two.push_back(v);
    Tensor base = tensor(two).to(kFloat32).reshape({2, int64_t(c.xs.size())});
    Tensor xt = base.t();  // (n, 2), non-contiguous
    ASSERT_FALSE(xt.is_contiguous());
    Tensor y = c.op(xt);
    EXPECT_EQ(y.dtype(), kFloat32);
    std::vector<double> want;
    for (double v : c.xs) {
      want.push_back(c.f(v));
      want.push_back(c.f(v));
    }
    expect_near(vals(y), want, 2e-6 * 8);
  }
}

TEST(ElementwiseUnary, IntegerInputsComputeInFloat32) {
  Tensor i = tensor({1, 4, 9});
  for (auto* f : {+[](const Tensor& x) { return sqrt(x); }, +[](const Tensor& x) { return exp(x); },
                  +[](const Tensor& x) { return log(x); }, +[](const Tensor& x) { return tanh(x); },
                  +[](const Tensor& x) { return cos(x); }, +[](const Tensor& x) { return rsqrt(x); },
                  +[](const Tensor& x) { return log1p(x); }}) {
    EXPECT_EQ(f(i).dtype(), kFloat32);
  }
  expect_near(vals(sqrt(i)), {1, 2, 3});
  expect_near(vals(log(tensor({true, false}))), {0, -INFINITY});
  // abs, sign, square and neg keep integer dtypes.
  Tensor n = tensor({-3, 0, 5});
  EXPECT_EQ(abs(n).dtype(), kInt64);
  expect_near(vals(abs(n)), {3, 0, 5});
  expect_near(vals(sign(n)), {-1, 0, 1});
  EXPECT_EQ(square(n).dtype(), kInt64);
  expect_near(vals(square(n)), {9, 0, 25});
  expect_near(vals(sign(tensor({true, false}))), {1, 0});
  EXPECT_EQ(sign(tensor({true, false})).dtype(), kBool);
  expect_near(vals(abs(tensor({-2, 3}).to(kInt32))), {2, 3});
  expect_error([] { abs(tensor({true})); }, {"abs", "bool"});
}

TEST(ElementwiseUnary, SpecialValues) {
  expect_near(vals(sqrt(tensor({-1.0, 0.0, INFINITY}))), {NAN, 0, INFINITY});
  expect_near(vals(log(tensor({0.0, -1.0}))), {-INFINITY, NAN});
  expect_near(vals(rsqrt(tensor({0.0}))), {INFINITY});
  expect_near(vals(tanh(tensor({1000.0, -1000.0}))), {1, -1});
  expect_near(vals(sign(tensor({NAN, -0.0}))), {0, 0});
}

TEST(ElementwiseUnary, TanhSecondDerivative) {
  Tensor x = tensor({-1.2, 0.0, 0.3, 2.0}, kF64Grad);
  Tensor g = autograd::grad({tanh(x).sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  Tensor gg = autograd::grad({g.sum()}, {x})[0];
  // d2/dx2 tanh = -2 tanh (1 - tanh^2)
  expect_near(vals(gg), map({-1.2, 0.0, 0.3, 2.0}, [](double v) {
                double t = std::tanh(v);
                return -2 * t * (1 - t * t);
              }));
}

TEST(ElementwiseUnary, SecondDerivativesOfLogSqrtCosRsqrt) {
  const std::vector<double> xs{0.5, 1.0, 3.0};
  auto second = [&](const std::function<Tensor(const Tensor&)>& f) {
    Tensor x = tensor(xs, kF64Grad);
    Tensor g = autograd::grad({f(x).sum()}, {x}, {}, std::nullopt, true)[0];
    return vals(autograd::grad({g.sum()}, {x})[0]);
  };
  expect_near(second([](const Tensor& x) { return log(x); }), map(xs, [](double v) { return -1 / (v * v); }));
  expect_near(second([](const Tensor& x) { return sqrt(x); }),
              map(xs, [](double v) { return -0.25 * std::pow(v, -1.5); }));
  expect_near(second([](const Tensor& x) { return cos(x); }), map(xs, [](double v) { return -std::cos(v); }));
  expect_near(second([](const Tensor& x) { return rsqrt(x); }),
              map(xs, [](double v) { return 0.75 * std::pow(v, -2.5); }));
  expect_near(second([](const Tensor& x) { return log1p(x); }),
              map(xs, [](double v) { return -1 / ((1 + v) * (1 + v)); }));
}

// ---------------- the vectorizable float32 exp and tanh ----------------
// Distance in float32 ulps between a and the float nearest to the exact value `ref`.
int64_t ulps(float a, double ref) {
  const float r = static_cast<float>(ref);
  if (std::isnan(a) || std::isnan(r)) return std::isnan(a) == std::isnan(r) ? 0 : INT32_MAX;
  if (std::isinf(a) || std::isinf(r)) return a == r ? 0 : INT32_MAX;
  auto ordered = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, 4);
    return i < 0 ? int64_t(INT32_MIN) - i : int64_t(i);
  };
  return std::llabs(ordered(a) - ordered(r));
}

// float32 exp, tanh, log, log1p and expm1 run branch-free polynomial kernels (src/ops/elementwise_kernels.h),
// not libm.
TEST(ElementwiseFastMath, Float32TranscendentalsWithinTwoUlpsOverTheFloatRange) {
  std::vector<float> xs;
  for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 2999) {  // every sign, exponent, ~1.4M mantissas
    const auto u = static_cast<uint32_t>(bits);
    float x;
    std::memcpy(&x, &u, 4);
    xs.push_back(x);
  }
  Tensor x = tensor(xs);
  ASSERT_EQ(x.dtype(), kFloat32);
  Tensor e = exp(x), t = tanh(x), s = sigmoid(x);
  const float* pe = e.data_ptr<float>();
  const float* pt = t.data_ptr<float>();
  const float* ps = s.data_ptr<float>();
  int64_t worst_exp = 0, worst_tanh = 0, worst_sig = 0;
  float at_exp = 0, at_tanh = 0, at_sig = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double xd = xs[i];
    const int64_t de = ulps(pe[i], std::exp(xd));
    const int64_t dt = ulps(pt[i], std::tanh(xd));
    // sigmoid = 1 / (1 + exp(-x)): below x = -87 exp(-x) overflows float and the result flushes to 0
    // (as libm's or PyTorch's float formula does), so only the normal range is compared.
    const int64_t ds = xd > -87 ? ulps(ps[i], 1 / (1 + std::exp(-xd))) : 0;
    if (de > worst_exp) worst_exp = de, at_exp = xs[i];
    if (dt > worst_tanh) worst_tanh = dt, at_tanh = xs[i];
    if (ds > worst_sig) worst_sig = ds, at_sig = xs[i];
  }
  EXPECT_LE(worst_exp, 2) << "exp at " << at_exp;
  EXPECT_LE(worst_tanh, 2) << "tanh at " << at_tanh;
  EXPECT_LE(worst_sig, 4) << "sigmoid at " << at_sig;

  // log, log1p and expm1 (through elu with alpha 1: expm1 for x <= 0), same sample.
  Tensor l = log(x), l1 = log1p(x), em = elu(x);
  const float* pl = l.data_ptr<float>();
  const float* pl1 = l1.data_ptr<float>();
  const float* pem = em.data_ptr<float>();
  int64_t worst_log = 0, worst_log1p = 0, worst_expm1 = 0;
  float at_log = 0, at_log1p = 0, at_expm1 = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double xd = xs[i];
    const int64_t dl = ulps(pl[i], std::log(xd));
    const int64_t dl1 = ulps(pl1[i], std::log1p(xd));
    const int64_t dm = xd <= 0 || std::isnan(xd) ? ulps(pem[i], std::expm1(xd)) : 0;
    if (dl > worst_log) worst_log = dl, at_log = xs[i];
    if (dl1 > worst_log1p) worst_log1p = dl1, at_log1p = xs[i];
    if (dm > worst_expm1) worst_expm1 = dm, at_expm1 = xs[i];
  }
  EXPECT_LE(worst_log, 2) << "log at " << at_log;
  EXPECT_LE(worst_log1p, 2) << "log1p at " << at_log1p;
  EXPECT_LE(worst_expm1, 2) << "expm1 (elu) at " << at_expm1;
}

TEST(ElementwiseFastMath, Float32SpecialValues) {
  auto e = vals(exp(tensor({NAN, INFINITY, -INFINITY, 89.0f, 0.0f, -100.0f, -200.0f})));
  EXPECT_TRUE(std::isnan(e[0]));
  EXPECT_EQ(e[1], INFINITY);
  EXPECT_EQ(e[2], 0.0);
  EXPECT_EQ(e[3], INFINITY);  // e^89 > FLT_MAX
  EXPECT_EQ(e[4], 1.0);
  EXPECT_GT(e[5], 0.0);  // a subnormal, not flushed
  EXPECT_EQ(e[6], 0.0);
  auto t = vals(tanh(tensor({NAN, INFINITY, -INFINITY, -0.0f})));
  EXPECT_TRUE(std::isnan(t[0]));
  EXPECT_EQ(t[1], 1.0);
  EXPECT_EQ(t[2], -1.0);
  EXPECT_EQ(t[3], 0.0);
  EXPECT_TRUE(std::signbit(t[3]));
  auto l = vals(log(tensor({0.0f, -1.0f, INFINITY, NAN, 1.0f, 1e-45f})));
  EXPECT_EQ(l[0], -INFINITY);
  EXPECT_TRUE(std::isnan(l[1]));
  EXPECT_EQ(l[2], INFINITY);
  EXPECT_TRUE(std::isnan(l[3]));
  EXPECT_EQ(l[4], 0.0);
  EXPECT_NEAR(l[5], std::log(double(1e-45f)), 1e-5);  // subnormal input
  auto l1 = vals(log1p(tensor({-1.0f, INFINITY, 1e-30f, -2.0f})));
  EXPECT_EQ(l1[0], -INFINITY);
  EXPECT_EQ(l1[1], INFINITY);
  EXPECT_EQ(float(l1[2]), 1e-30f);
  EXPECT_TRUE(std::isnan(l1[3]));
}

// ---------------- clamp ----------------
TEST(ElementwiseClamp, ValuesWithMinMaxAndOneSided) {
  Tensor x = tensor({-2.0, -0.5, 0.0, 0.5, 2.0});
  expect_near(vals(clamp(x, -1, 1)), {-1, -0.5, 0, 0.5, 1});
  expect_near(vals(clamp(x, 0.0)), {0, 0, 0, 0.5, 2});
  expect_near(vals(clamp(x, std::nullopt, 0.0)), {-2, -0.5, 0, 0, 0});
  expect_near(vals(x.clamp_min(-1)), {-1, -0.5, 0, 0.5, 2});
  expect_near(vals(x.clamp_max(1)), {-2, -0.5, 0, 0.5, 1});
  expect_near(vals(clamp(x, 1, -1)), {-1, -1, -1, -1, -1});  // min > max: everything becomes max
  expect_near(vals(clamp(tensor({NAN, 3.0}), 0, 1)), {NAN, 1});
}

TEST(ElementwiseClamp, IntegerInputsAndPromotion) {
  Tensor i = tensor({1, 2, 3});
  Tensor a = clamp(i, 1, 2);
  EXPECT_EQ(a.dtype(), kInt64);
  expect_near(vals(a), {1, 2, 2});
  Tensor b = clamp(i, 1.5);
  EXPECT_EQ(b.dtype(), kFloat32);
  expect_near(vals(b), {1.5, 2, 3});
}

TEST(ElementwiseClamp, GradientIsOneOnTheClosedInterval) {
  Tensor x = tensor({-2.0, -1.0, 0.0, 1.0, 2.0}, kF64Grad);
  Tensor y = clamp(x, -1, 1);
  EXPECT_EQ(y.grad_fn()->name(), "ClampBackward1");
  y.sum().backward();
  expect_near(vals(x.grad()), {0, 1, 1, 1, 0});  // bounds included, as PyTorch
  Tensor z = tensor({-2.0, -1.0, 2.0}, kF64Grad);
  (clamp(z, -1.0) + clamp(z, std::nullopt, -1.0) * 10).sum().backward();
  expect_near(vals(z.grad()), {10, 11, 1});
  Tensor w = tensor({0.0, 0.5}, kF64Grad);
  clamp(w, 1, 0).sum().backward();  // empty interval: no gradient
  expect_near(vals(w.grad()), {0, 0});
}

TEST(ElementwiseClamp, NeedsABoundAndANumericTensor) {
  expect_error([] { clamp(tensor({1.0})); }, {"clamp", "min", "max"});
  expect_error([] { clamp(tensor({true}), false, true); }, {"clamp", "bool"});
  Tensor b = clamp(tensor({true, false}), 0, 1);  // bool with int bounds promotes to Long, as PyTorch
  EXPECT_EQ(b.dtype(), kInt64);
  std::vector<double> bv = vals(b);
  EXPECT_EQ(bv, (std::vector<double>{1, 0}));
}

}  // namespace
}  // namespace nabla
