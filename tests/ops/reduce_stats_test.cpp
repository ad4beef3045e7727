// var, std, norm, logsumexp: hand values and values printed by PyTorch 1.13, dims / keepdim / unbiased,
// stability, edge cases (N = 1, zero norm, infinities), errors, gradients.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::f64;
using nabla::testing::Shape;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::tensor_list;

namespace {
void expect_close(const Tensor& got, const std::vector<double>& want, double tol = 1e-9) {
  nabla::testing::expect_close(got, want, tol);
}
const double kInf = std::numeric_limits<double>::infinity();
// The (2, 3) tensor the PyTorch reference values below were printed for.
Tensor ref_x() { return f64({{0.5, -1.25, 2.0}, {3.0, 0.25, -0.75}}); }
}  // namespace

TEST(ReduceVar, HandValues) {
  auto x = tensor({1.0, 2.0, 3.0, 4.0});
  EXPECT_NEAR(var(x).item<double>(), 5.0 / 3.0, 1e-6);
  EXPECT_NEAR(var(x, false).item<double>(), 1.25, 1e-6);
  EXPECT_NEAR(x.std().item<double>(), std::sqrt(5.0 / 3.0), 1e-6);
  EXPECT_NEAR(x.std(false).item<double>(), std::sqrt(1.25), 1e-6);
  EXPECT_EQ(var(x).dtype(), kFloat32);
  auto y = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  expect_close(var(y, Shape{1}), {1, 1}, 1e-6);  // Shape{}: a bare {1} would pick var(x, bool unbiased)
  expect_close(var(y, {0}, false), {2.25, 2.25, 2.25}, 1e-6);
  auto sk = nabla::std(y, {1}, true, true);
  EXPECT_EQ(sk.sizes().vec(), Shape({2, 1}));
  expect_close(sk, {1, 1}, 1e-6);
  EXPECT_NEAR(var(y, Shape{}).item<double>(), 3.5, 1e-6);  // dims {} = all, as PyTorch 1.13
  EXPECT_NEAR(var(y, {0, -1}).item<double>(), 3.5, 1e-6);
}

TEST(ReduceVar, AgainstPyTorch) {
  auto x = ref_x();
  expect_close(nabla::std(x, Shape{0}), {1.7677669530, 1.0606601718, 1.9445436483});
  expect_close(var(x, {1}, false), {1.7638888889, 2.5138888889});
  // std backward: g (x - mean) / (std (N - 1))
  auto xg = ref_x().requires_grad_();
  auto s = nabla::std(xg, Shape{1});
  EXPECT_EQ(s.grad_fn()->name(), "StdBackward0");
  s.sum().backward();
  expect_close(xg.grad(), {0.0256157760, -0.5123155196, 0.4866997436, 0.5578833980, -0.1501993764, -0.4076840217});
}

TEST(ReduceVar, GradientsByHand) {
  // var({1,2,3,4}) backward: 2 (x - 2.5) / 3
  auto x = f64({1.0, 2.0, 3.0, 4.0}).requires_grad_();
  auto v = var(x);
  EXPECT_EQ(v.grad_fn()->name(), "VarBackward0");
  v.backward();
  expect_close(x.grad(), {-1, -1.0 / 3, 1.0 / 3, 1});
  // std of a constant: the gradient is 0 (not nan), as PyTorch.
  auto c = f64({2.0, 2.0, 2.0}).requires_grad_();
  nabla::std(c).backward();
  expect_close(c.grad(), {0, 0, 0});
}

TEST(ReduceVar, EdgeCasesAndErrors) {
  EXPECT_TRUE(std::isnan(var(tensor({1.0})).item<double>()));  // N - 1 = 0, as PyTorch
  EXPECT_EQ(var(tensor({1.0}), false).item<double>(), 0.0);
  EXPECT_TRUE(std::isnan(var(tensor(3.0)).item<double>()));
  auto e = error_of([] { var(tensor({1, 2})); });
  EXPECT_NE(e.find("var"), std::string::npos) << e;
  EXPECT_NE(e.find("floating point"), std::string::npos) << e;
  e = error_of([] { nabla::std(tensor({1, 2}), Shape{0}); });
  EXPECT_NE(e.find("std"), std::string::npos) << e;
  e = error_of([] { nabla::std(zeros({2, 2}), Shape{2}); });
  EXPECT_NE(e.find("std: dimension out of range"), std::string::npos) << e;
}

TEST(ReduceNorm, HandValues) {
  auto x = tensor({3.0, -4.0});
  EXPECT_NEAR(norm(x).item<double>(), 5.0, 1e-6);
  EXPECT_NEAR(norm(x, 1).item<double>(), 7.0, 1e-6);
  EXPECT_NEAR(norm(x, INFINITY).item<double>(), 4.0, 1e-6);
  EXPECT_NEAR(norm(x, -INFINITY).item<double>(), 3.0, 1e-6);
  EXPECT_NEAR(norm(x, 0).item<double>(), 2.0, 1e-6);
  EXPECT_NEAR(norm(x, 3).item<double>(), std::cbrt(27.0 + 64.0), 1e-5);
  auto y = tensor({{3.0, 4.0}, {6.0, 8.0}});
  expect_close(norm(y, 2, {1}), {5, 10}, 1e-6);
  auto nk = y.norm(1, {0}, true);
  EXPECT_EQ(nk.sizes().vec(), Shape({1, 2}));
  expect_close(nk, {9, 12}, 1e-6);
  EXPECT_EQ(norm(zeros({0})).item<double>(), 0.0);
}

TEST(ReduceNorm, AgainstPyTorch) {
  auto x = ref_x();
  EXPECT_NEAR(norm(x, 3).item<double>(), 3.3476295699, 1e-9);
  expect_close(norm(x, 0.5, {1}), {10.4934164903, 9.5980762114});
  expect_close(norm(x, INFINITY, {0}), {3.0, 1.25, 2.0});
  auto xg = ref_x().requires_grad_();
  auto n = norm(xg, 3);
  EXPECT_EQ(n.grad_fn()->name(), "NormBackward1");
  n.backward();
  expect_close(xg.grad(), {0.0223082354, -0.1394264710, 0.3569317659, 0.8030964732, 0.0055770588, -0.0501935296});
}

TEST(ReduceNorm, GradientsSpecialCases) {
  // 2-norm at 0: gradient 0, as PyTorch.
  auto z = zeros({3}, TensorOptions().dtype(kFloat64)).requires_grad_();
  norm(z).backward();
  expect_close(z.grad(), {0, 0, 0});
  // 2-norm: x / |x|
  auto a = f64({3.0, -4.0}).requires_grad_();
  norm(a).backward();
  expect_close(a.grad(), {0.6, -0.8});
  // 1-norm: sign(x); inf-norm: sign, split among ties; p = 0.5: 0 at x = 0.
  auto b = f64({1.0, -3.0, 3.0, 0.0}).requires_grad_();
  norm(b, 1).backward();
  expect_close(b.grad(), {1, -1, 1, 0});
  auto c = f64({1.0, -3.0, 3.0, 0.0}).requires_grad_();
  norm(c, INFINITY).backward();
  expect_close(c.grad(), {0, -0.5, 0.5, 0});
  auto d = f64({1.0, -3.0, 3.0, 0.0}).requires_grad_();
  norm(d, 0.5).backward();
  expect_close(d.grad(), {4.4641016151, -2.5773502692, 2.5773502692, 0.0});
}

TEST(ReduceNorm, Errors) {
  auto e = error_of([] { norm(tensor({1, 2})); });
  EXPECT_NE(e.find("norm"), std::string::npos) << e;
  EXPECT_NE(e.find("floating point"), std::string::npos) << e;
  e = error_of([] { norm(zeros({2}), 2, {1}); });
  EXPECT_NE(e.find("norm: dimension out of range"), std::string::npos) << e;
}

TEST(ReduceLogSumExp, ValuesAndStability) {
  auto x = ref_x();
  expect_close(logsumexp(x, {1}), {2.2326219831, 3.0838314662});
  EXPECT_NEAR(logsumexp(x, {0, 1}).item<double>(), 3.4393345291, 1e-9);
  auto k = x.logsumexp({0}, true);
  EXPECT_EQ(k.sizes().vec(), Shape({1, 3}));
  // Stable: exp(1000) overflows, the result does not.
  EXPECT_NEAR(logsumexp(f64({1000.0, 1000.0}), {0}).item<double>(), 1000.0 + std::log(2.0), 1e-9);
  EXPECT_NEAR(logsumexp(f64({-1000.0, -1000.0}), {0}).item<double>(), -1000.0 + std::log(2.0), 1e-9);
  EXPECT_EQ(logsumexp(f64({-kInf, -kInf}), {0}).item<double>(), -kInf);
  EXPECT_EQ(logsumexp(f64({kInf, 1.0}), {0}).item<double>(), kInf);
  EXPECT_EQ(logsumexp(zeros({0}), {0}).item<double>(), -kInf);
  auto xi = logsumexp(tensor({1, 2, 3}), {0});  // ints compute in float32, as PyTorch
  EXPECT_EQ(xi.dtype(), kFloat32);
  EXPECT_NEAR(xi.item<double>(), 3.4076059644, 1e-6);
  auto e = error_of([] { logsumexp(zeros({2}), {3}); });
  EXPECT_NE(e.find("logsumexp: dimension out of range"), std::string::npos) << e;
}

TEST(ReduceLogSumExp, GradientIsSoftmax) {
  auto x = f64({{1.0, 2.0}, {0.0, 0.0}}).requires_grad_();
  auto y = logsumexp(x, {1});
  EXPECT_EQ(y.grad_fn()->name(), "LogsumexpBackward0");
  y.backward(f64({1.0, 2.0}));
  const double e1 = std::exp(1.0), e2 = std::exp(2.0);
  expect_close(x.grad(), {e1 / (e1 + e2), e2 / (e1 + e2), 1.0, 1.0});
}

// ---------------------------------------------------------------- gradcheck registry
NABLA_GRADCHECK_CASE(Var, "whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{var(x[0])}; });
NABLA_GRADCHECK_CASE(Var, "dim 1 biased keepdim non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{var(x[0], {1}, false, true)}; });
NABLA_GRADCHECK_CASE(Std, "whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{nabla::std(x[0])}; });
NABLA_GRADCHECK_CASE(Std, "dims 0,2 non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4, 2})}; },
                     [](const tensor_list& x) { return tensor_list{nabla::std(x[0], {0, 2})}; });
NABLA_GRADCHECK_CASE(Norm, "p=2 whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{norm(x[0])}; });
NABLA_GRADCHECK_CASE(Norm, "p=2 dim 1 non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{norm(x[0], 2, {1})}; });
NABLA_GRADCHECK_CASE(Norm, "p=1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{norm(x[0], 1, {0}, true)}; });
NABLA_GRADCHECK_CASE(Norm, "p=inf", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{norm(x[0], INFINITY, {1})}; });
NABLA_GRADCHECK_CASE(Norm, "p=3", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{norm(x[0], 3)}; });
NABLA_GRADCHECK_CASE(Norm, "p=1.5 non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.2, 1.0)}; },
                     [](const tensor_list& x) { return tensor_list{norm(x[0], 1.5, {0})}; });
NABLA_GRADCHECK_CASE(LogSumExp, "dim 1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{logsumexp(x[0], {1})}; });
NABLA_GRADCHECK_CASE(LogSumExp, "all dims keepdim non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{logsumexp(x[0], {0, 1}, true)}; });
