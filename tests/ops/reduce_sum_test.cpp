// sum, mean and prod: hand values, dims / keepdim / negative dims / dtype / 0-dim / empty inputs, large parallel
// reductions (deterministic, accurate), errors naming the op, gradients (including prod with zeros).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::expect_close;
using nabla::testing::f64;
using nabla::testing::Shape;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::tensor_list;

TEST(ReduceSum, WholeTensorAndDtypes) {
  auto x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  auto s = sum(x);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.dtype(), kFloat32);
  EXPECT_EQ(s.item<double>(), 21.0);
  auto si = tensor({{1, 2}, {3, 4}}).to(kInt32).sum();
  EXPECT_EQ(si.dtype(), kInt64);  // integers accumulate in int64, as PyTorch
  EXPECT_EQ(si.item<int64_t>(), 10);
  auto sb = tensor({true, false, true}).sum();
  EXPECT_EQ(sb.dtype(), kInt64);
  EXPECT_EQ(sb.item<int64_t>(), 2);
  auto su = tensor({200, 100}).to(kUInt8).sum();
  EXPECT_EQ(su.dtype(), kInt64);
  EXPECT_EQ(su.item<int64_t>(), 300);  // no uint8 wrap-around
}

TEST(ReduceSum, DimsKeepdimNegativeAndMultiple) {
  auto x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  auto s0 = sum(x, {0});
  EXPECT_EQ(s0.sizes().vec(), Shape({3}));
  expect_close(s0, {5, 7, 9});
  auto s1 = x.sum({-1}, true);
  EXPECT_EQ(s1.sizes().vec(), Shape({2, 1}));
  expect_close(s1, {6, 15});
  auto s01 = sum(x, {0, -1});
  EXPECT_EQ(s01.dim(), 0);
  EXPECT_EQ(s01.item<double>(), 21.0);
  auto s01k = sum(x, {1, 0}, true);
  EXPECT_EQ(s01k.sizes().vec(), Shape({1, 1}));
  // 3-D, reduce the middle and the first dims of a non-contiguous view.
  auto y = tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}).transpose(0, 2);  // y[i][j][k] = v[k][j][i]
  expect_close(sum(y, {1}), {1 + 3, 5 + 7, 2 + 4, 6 + 8});
  expect_close(sum(y, {0, 2}), {1 + 2 + 5 + 6, 3 + 4 + 7 + 8});
}

TEST(ReduceSum, DtypeArgument) {
  auto si = tensor({1, 2, 3}).sum(kFloat64);
  EXPECT_EQ(si.dtype(), kFloat64);
  EXPECT_EQ(si.item<double>(), 6.0);
  auto sf = tensor({1.5, 2.5}).sum(kInt64);  // converted first, then summed: 1 + 2 (as PyTorch)
  EXPECT_EQ(sf.dtype(), kInt64);
  EXPECT_EQ(sf.item<int64_t>(), 3);
  auto sd = tensor({{1, 2}, {3, 4}}).sum({1}, false, kFloat32);
  EXPECT_EQ(sd.dtype(), kFloat32);
  expect_close(sd, {3, 7});
  EXPECT_EQ(tensor({1.0, 2.0}).sum(kBool).dtype(), kBool);
  EXPECT_TRUE(tensor({1.0, 2.0}).sum(kBool).item<bool>());
}

TEST(ReduceSum, ZeroDimAndEmpty) {
  auto s = tensor(3.0);
  EXPECT_EQ(sum(s, {0}).item<double>(), 3.0);
  EXPECT_EQ(sum(s, {-1}, true).dim(), 0);
  EXPECT_EQ(sum(s).item<double>(), 3.0);
  EXPECT_EQ(mean(s, {0}).item<double>(), 3.0);
  EXPECT_EQ(prod(s, 0).item<double>(), 3.0);
  EXPECT_EQ(zeros({0}).sum().item<double>(), 0.0);
  auto e = zeros({2, 0}).sum({1});
  EXPECT_EQ(e.sizes().vec(), Shape({2}));
  expect_close(e, {0, 0});
  EXPECT_EQ(zeros({0, 3}).sum({0}).sizes().vec(), Shape({3}));
  EXPECT_TRUE(std::isnan(zeros({0}).mean().item<double>()));  // 0 / 0, as PyTorch
  EXPECT_EQ(zeros({0}).prod().item<double>(), 1.0);
}

TEST(ReduceSum, Errors) {
  auto x = zeros({2, 3});
  auto e = error_of([&] { sum(x, {2}); });
  EXPECT_NE(e.find("sum"), std::string::npos) << e;
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
  e = error_of([&] { sum(x, {0, -2}); });
  EXPECT_NE(e.find("sum: dim 0 appears multiple times"), std::string::npos) << e;
  e = error_of([&] { mean(tensor({1, 2})); });
  EXPECT_NE(e.find("mean"), std::string::npos) << e;
  EXPECT_NE(e.find("Long"), std::string::npos) << e;
  EXPECT_THROW(mean(tensor({1, 2}), {0}), nabla::Error);
  e = error_of([&] { prod(x, -3); });
  EXPECT_NE(e.find("prod"), std::string::npos) << e;
  e = error_of([&] { sum(tensor(1.0), {1}); });
  EXPECT_NE(e.find("sum"), std::string::npos) << e;
}

TEST(ReduceSum, MeanValuesAndDtype) {
  auto x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_DOUBLE_EQ(mean(x).item<double>(), 3.5);
  expect_close(x.mean({0}), {2.5, 3.5, 4.5});
  auto mk = mean(x, {-1}, true);
  EXPECT_EQ(mk.sizes().vec(), Shape({2, 1}));
  expect_close(mk, {2, 5});
  auto mi = mean(tensor({1, 2, 3, 4}), kFloat64);
  EXPECT_EQ(mi.dtype(), kFloat64);
  EXPECT_DOUBLE_EQ(mi.item<double>(), 2.5);
}

TEST(ReduceSum, LargeReductionsAreParallelDeterministicAndAccurate) {
  // 3e6 float32 0.1s: a float accumulator would drift by percent; the chunked double accumulator does not.
  const int64_t n = 3000000;
  auto x = full({n}, 0.1, TensorOptions().dtype(kFloat32));
  const double want = double(n) * double(0.1f);
  auto s1 = sum(x).item<double>(), s2 = sum(x).item<double>();
  EXPECT_EQ(s1, s2);
  EXPECT_NEAR(s1, want, want * 1e-6);
  EXPECT_NEAR(mean(x).item<double>(), double(0.1f), 1e-7);
  // Few long rows (split per row into chunks) and many short rows give the same per-row values.
  auto y = full({4, 300001}, 1.0, TensorOptions().dtype(kFloat64));
  expect_close(sum(y, {1}), {300001, 300001, 300001, 300001});
  expect_close(sum(y.t(), {0}), {300001, 300001, 300001, 300001});
  auto z = full({300001, 4}, 2, TensorOptions().dtype(kInt64));
  EXPECT_EQ(sum(z).item<int64_t>(), 2 * 4 * 300001);
  expect_close(sum(z, {0}), {600002, 600002, 600002, 600002});
}

TEST(ReduceSum, ColumnReductionsMatchHandValues) {
  // Contiguous (A, R, K) with K wide: reducing R (leading or middle dims) folds whole rows of columns in place.
  const int64_t A = 3, R = 5001, K = 40;
  std::vector<double> v(size_t(A * R * K));
  for (int64_t a = 0; a < A; ++a)
    for (int64_t r = 0; r < R; ++r)
      for (int64_t k = 0; k < K; ++k) v[size_t((a * R + r) * K + k)] = double(a * 1000 + (r % 7) + k);
  auto x = tensor(v).reshape({A, R, K});
  // sum over r of (r % 7): 5001 = 714 * 7 + 3, so 714 * 21 + (0 + 1 + 2)
  const double rsum = 714 * 21 + 3;
  auto s = sum(x, {1});
  EXPECT_EQ(s.sizes().vec(), Shape({A, K}));
  auto got = values(s);
  for (int64_t a = 0; a < A; ++a)
    for (int64_t k = 0; k < K; ++k)
      ASSERT_EQ(got[size_t(a * K + k)], double(R) * double(a * 1000 + k) + rsum) << a << "," << k;
  // Leading dims (0, 1) with keepdim, and mean; both equal the transposed (row-kernel) result.
  auto s01 = sum(x, {0, 1}, true);
  EXPECT_EQ(s01.sizes().vec(), Shape({1, 1, K}));
  expect_close(s01, values(sum(x.permute({2, 0, 1}).contiguous(), {1, 2})), 1e-6);
  expect_close(mean(x, {0, 1}), values(sum(x, {0, 1}) / double(A * R)), 1e-9);
  // Integers, and prod of a column of twos.
  auto xi = full({30, 20}, 2, TensorOptions().dtype(kInt64));
  expect_close(sum(xi, {0}), std::vector<double>(20, 60));
  expect_close(prod(xi, 0), std::vector<double>(20, double(int64_t(1) << 30)));
}

TEST(ReduceSum, GradientsAndNodeNames) {
  auto x = f64({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}).requires_grad_();
  auto s = sum(x, {1});
  EXPECT_EQ(s.grad_fn()->name(), "SumBackward1");
  EXPECT_EQ(sum(x).grad_fn()->name(), "SumBackward0");
  EXPECT_EQ(mean(x).grad_fn()->name(), "MeanBackward0");
  EXPECT_EQ(mean(x, {0}).grad_fn()->name(), "MeanBackward1");
  EXPECT_EQ(prod(x).grad_fn()->name(), "ProdBackward0");
  EXPECT_EQ(prod(x, 1).grad_fn()->name(), "ProdBackward1");
  s.backward(f64({1.0, 2.0}));
  expect_close(x.grad(), {1, 1, 1, 2, 2, 2});
  auto x2 = f64({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}).requires_grad_();
  mean(x2, {0}, true).backward(f64({{1.0, 2.0, 4.0}}));
  expect_close(x2.grad(), {0.5, 1, 2, 0.5, 1, 2});
  // sum to another floating dtype: the gradient comes back in the input's dtype.
  auto x3 = tensor({1.0, 2.0}).requires_grad_();
  sum(x3, kFloat64).backward();
  EXPECT_EQ(x3.grad().dtype(), kFloat32);
  expect_close(x3.grad(), {1, 1});
}

TEST(ReduceProd, ValuesAndGradientWithoutZeros) {
  auto x = f64({1.0, 2.0, 3.0, 4.0}).requires_grad_();
  auto p = prod(x);
  EXPECT_EQ(p.item<double>(), 24.0);
  p.backward();
  expect_close(x.grad(), {24, 12, 8, 6});
  auto xi = tensor({{1, 2, 3}, {4, 5, 6}});
  auto pi = prod(xi, 1);
  EXPECT_EQ(pi.dtype(), kInt64);
  expect_close(pi, {6, 120});
  auto pk = prod(xi, 0, true);
  EXPECT_EQ(pk.sizes().vec(), Shape({1, 3}));
  expect_close(pk, {4, 10, 18});
  EXPECT_EQ(prod(xi, -1, false, kFloat64).dtype(), kFloat64);
}

TEST(ReduceProd, GradientWithZeros) {
  // One zero: the zero's position gets the product of the others, every other position 0 (as PyTorch).
  auto x = f64({2.0, 0.0, 3.0, 4.0}).requires_grad_();
  prod(x).backward();
  expect_close(x.grad(), {0, 24, 0, 0});
  // Two zeros: all zero.
  auto x2 = f64({2.0, 0.0, 3.0, 0.0}).requires_grad_();
  prod(x2).backward();
  expect_close(x2.grad(), {0, 0, 0, 0});
  // Along a dim, one row with a zero and one without.
  auto x3 = f64({{2.0, 0.0, 3.0}, {1.0, 2.0, 3.0}}).requires_grad_();
  auto p = prod(x3, 1);
  expect_close(p, {0, 6});
  p.backward(f64({1.0, 10.0}));
  expect_close(x3.grad(), {0, 6, 0, 60, 30, 20});
}

TEST(ReduceProd, SecondDerivativesWithZeros) {
  // prod is a polynomial, so first and second derivatives are smooth through zeros: check both numerically
  // for slices with one and with two zeros (the d(grad_j)/d(x_zero) terms are the ones a naive formula drops).
  auto make = [] {
    return tensor_list{f64({{0.5, 0.0, 2.0, -1.5}, {1.5, -1.0, 0.75, 1.25}, {0.0, 1.5, 0.0, 2.0}}).requires_grad_()};
  };
  auto along = [](const tensor_list& x) { return tensor_list{prod(x[0], 1)}; };
  auto whole = [](const tensor_list& x) { return tensor_list{prod(x[0].narrow(0, 0, 2))}; };
  auto whole2 = [](const tensor_list& x) { return tensor_list{prod(x[0].narrow(0, 2, 1))}; };
  for (auto fn : {std::function<tensor_list(const tensor_list&)>(along), std::function<tensor_list(const tensor_list&)>(whole),
                  std::function<tensor_list(const tensor_list&)>(whole2)}) {
    EXPECT_TRUE(autograd::gradcheck(fn, make()));
    EXPECT_TRUE(autograd::gradgradcheck(fn, make()));
  }
  // By hand, prod([x0, x1, x2]) at [2, 0, 3]: grad = [x1 x2, x0 x2, x0 x1] = [0, 6, 0].
  auto x = f64({2.0, 0.0, 3.0}).requires_grad_();
  auto g = autograd::grad({prod(x)}, {x}, {}, std::nullopt, true)[0];
  expect_close(g, {0, 6, 0});
  auto h = autograd::grad({g.narrow(0, 0, 1).sum()}, {x})[0];  // d(grad_0)/dx = [0, x2, x1] = [0, 3, 0]
  expect_close(h, {0, 3, 0});
}

// ---------------------------------------------------------------- gradcheck registry
NABLA_GRADCHECK_CASE(Sum, "whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{sum(x[0])}; });
NABLA_GRADCHECK_CASE(Sum, "whole non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{sum(x[0])}; });
NABLA_GRADCHECK_CASE(SumDim, "dim 1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{sum(x[0], {1})}; });
NABLA_GRADCHECK_CASE(SumDim, "dims 0,-1 keepdim non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4, 2})}; },
                     [](const tensor_list& x) { return tensor_list{sum(x[0], {0, -1}, true)}; });
NABLA_GRADCHECK_CASE(Mean, "whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{mean(x[0])}; });
NABLA_GRADCHECK_CASE(Mean, "whole non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{mean(x[0])}; });
NABLA_GRADCHECK_CASE(MeanDim, "dims 0,1 (column layout)", [] { return tensor_list{rand64({2, 3, 20})}; },
                     [](const tensor_list& x) { return tensor_list{mean(x[0], {0, 1})}; });
NABLA_GRADCHECK_CASE(MeanDim, "dim 0 keepdim non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{mean(x[0], {0}, true)}; });
NABLA_GRADCHECK_CASE(Prod, "whole", [] { return tensor_list{rand64({3, 3}, 0.5, 1.5)}; },
                     [](const tensor_list& x) { return tensor_list{prod(x[0])}; });
NABLA_GRADCHECK_CASE(Prod, "whole non-contiguous, signs", [] { return tensor_list{rand64_noncontiguous({2, 3}, -1.5, -0.5)}; },
                     [](const tensor_list& x) { return tensor_list{prod(x[0])}; });
NABLA_GRADCHECK_CASE(ProdDim, "dim 1", [] { return tensor_list{rand64({3, 4}, 0.5, 1.5)}; },
                     [](const tensor_list& x) { return tensor_list{prod(x[0], 1)}; });
NABLA_GRADCHECK_CASE(ProdDim, "dim 0 keepdim non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 1.5)}; },
                     [](const tensor_list& x) { return tensor_list{prod(x[0], 0, true)}; });

// Reduced dims that end the tensor with kept dims between them ((N, C, H, W) over {0, 2, 3}, as a conv bias gradient
// or BatchNorm2d's mean): folded as the trailing block first, then the rest; checked against a double loop, with
// keepdim, mean, int64, a size-1 trailing dim and an empty batch.
TEST(ReduceSum, SplitReducedDimsMatchADoubleLoop) {
  const int64_t N = 5, C = 17, H = 6, W = 7;
  Tensor x = randn({N, C, H, W});
  std::vector<double> want(C, 0.0);
  const float* p = x.data_ptr<float>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < H * W; ++i) want[size_t(c)] += p[(n * C + c) * H * W + i];
  Tensor s = x.sum({0, 2, 3});
  ASSERT_EQ(s.sizes().vec(), (std::vector<int64_t>{C}));
  expect_close(s.to(kFloat64), want, 1e-5);
  Tensor sk = x.sum({0, 2, 3}, /*keepdim=*/true);
  ASSERT_EQ(sk.sizes().vec(), (std::vector<int64_t>{1, C, 1, 1}));
  expect_close(sk.to(kFloat64).flatten(), want, 1e-5);
  std::vector<double> mean = want;
  for (double& m : mean) m /= double(N * H * W);
  expect_close(x.mean({0, 2, 3}).to(kFloat64), mean, 1e-6);
  expect_close(x.to(kFloat64).sum({0, 3, 2}), want, 1e-12);  // same dims in another order
  // int64: exact
  Tensor xi = randint(-50, 50, {N, C, H, W});
  std::vector<int64_t> wi(C, 0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < H * W; ++i) wi[size_t(c)] += xi.data_ptr<int64_t>()[(n * C + c) * H * W + i];
  Tensor si = xi.sum({0, 2, 3});
  for (int64_t c = 0; c < C; ++c) EXPECT_EQ(si.data_ptr<int64_t>()[c], wi[size_t(c)]);
  // a trailing reduced dim of size 1 and an empty batch
  expect_close(x.view({N, C, H * W, 1}).sum({0, 2, 3}).to(kFloat64), want, 1e-5);
  Tensor e = zeros({0, C, H, W}).sum({0, 2, 3});
  EXPECT_EQ(e.sizes().vec(), (std::vector<int64_t>{C}));
  EXPECT_EQ(e.abs().sum().item<double>(), 0.0);
}
