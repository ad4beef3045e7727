// add/sub/mul/div/pow/maximum/minimum/where/neg: values, PyTorch type promotion, broadcasting, gradients
// against hand-derived formulas, second derivatives, in-place forms and error messages.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
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

std::vector<int64_t> shape(const Tensor& t) { return t.sizes().vec(); }



// ---------------- type promotion ----------------
TEST(ElementwisePromotion, IntPlusFloatTensorIsFloat) {
  Tensor i = tensor({1, 2, 3});
  Tensor f = tensor({0.5, 0.25, 0.125});
  Tensor r = i + f;
  EXPECT_EQ(r.dtype(), kFloat32);
  expect_near(vals(r), {1.5, 2.25, 3.125});
  EXPECT_EQ((f.to(kFloat64) + i).dtype(), kFloat64);
}

TEST(ElementwisePromotion, IntTensorTimesFloatScalarIsFloat32) {
  Tensor r = tensor({1, 2, 3}) * 2.5;
  EXPECT_EQ(r.dtype(), kFloat32);
  expect_near(vals(r), {2.5, 5.0, 7.5});
  Tensor k = tensor({1, 2, 3}) * 2;  // an int scalar keeps the int dtype
  EXPECT_EQ(k.dtype(), kInt64);
  expect_near(vals(k), {2, 4, 6});
  EXPECT_EQ((tensor({1, 2}).to(kInt32) * 3).dtype(), kInt32);
}

TEST(ElementwisePromotion, BoolPlusIntAndBoolArithmetic) {
  Tensor b = tensor({true, false, true});
  Tensor r = b + tensor({1, 2, 3});
  EXPECT_EQ(r.dtype(), kInt64);
  expect_near(vals(r), {2, 2, 4});
  Tensor bb = b + b;  // logical or, as PyTorch
  EXPECT_EQ(bb.dtype(), kBool);
  expect_near(vals(bb), {1, 0, 1});
  EXPECT_EQ((b + 1).dtype(), kInt64);
  EXPECT_EQ((b * 1.5).dtype(), kFloat32);
  expect_error([&] { sub(b, b); }, {"sub", "two bool tensors"});
  expect_error([&] { b - 1; }, {"sub", "bool tensor"});
  expect_error([&] { 1 - b; }, {"sub", "bool tensor"});
  expect_error([&] { tensor({1, 2}) - b; }, {"sub", "bool tensor"});
  expect_error([&] { -b; }, {"neg", "bool"});
}

TEST(ElementwisePromotion, ZeroDimTensorsDoNotWidenDimensionedOnes) {
  Tensor f = tensor({1.0, 2.0});                            // float32 (2)
  Tensor d = tensor(3.0, TensorOptions().dtype(kFloat64));  // float64 0-dim
  EXPECT_EQ((f * d).dtype(), kFloat32);
  EXPECT_EQ(result_type(tensor({1, 2}), tensor(1.5)), kFloat32);
  // A higher-category 0-dim tensor promotes with its own dtype (unlike a number): int64 * float64 () -> float64.
  Tensor i64 = tensor({1, 2});
  Tensor m = i64 * tensor(1.5, TensorOptions().dtype(kFloat64));
  EXPECT_EQ(m.dtype(), kFloat64);
  expect_near(vals(m), {1.5, 3.0});
  EXPECT_EQ((i64 * 1.5).dtype(), kFloat32);
  EXPECT_EQ(result_type(tensor({true}), tensor(int64_t(2))), kInt64);
  EXPECT_EQ(result_type(tensor({1}).to(kUInt8), tensor(int64_t(-1))), kUInt8);
  EXPECT_EQ(result_type(tensor(int64_t(2)), tensor(2.0, TensorOptions().dtype(kFloat64))), kFloat64);
  EXPECT_EQ(result_type(tensor({1, 2}).to(kInt32), tensor(int64_t(7))), kInt32);
  EXPECT_EQ(result_type(tensor({1, 2}), Scalar(true)), kInt64);
  EXPECT_EQ(result_type(tensor({true}), Scalar(2)), kInt64);
}

TEST(ElementwisePromotion, AlphaMustMatchIntegralDtype) {
  expect_error([] { add(tensor({1, 2}), tensor({1, 2}), 0.5); }, {"add", "alpha"});
  expect_near(vals(add(tensor({1, 2}), tensor({3, 4}), 2)), {7, 10});
  expect_near(vals(sub(tensor({1.0, 2.0}), tensor({3.0, 4.0}), 0.5)), {-0.5, 0.0});
}

// ---------------- broadcasting ----------------
TEST(ElementwiseBroadcast, ShapesValuesAndGradShapes) {
  Tensor a = tensor({{1.0}, {2.0}, {3.0}}, kF64Grad);     // (3,1)
  Tensor b = tensor({10.0, 20.0, 30.0, 40.0}, kF64Grad);  // (4)
  Tensor y = a * b;                                       // (3,4)
  EXPECT_EQ(shape(y), (std::vector<int64_t>{3, 4}));
  expect_near(vals(y), {10, 20, 30, 40, 20, 40, 60, 80, 30, 60, 90, 120});
  y.sum().backward();
  EXPECT_EQ(shape(a.grad()), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(shape(b.grad()), (std::vector<int64_t>{4}));
  expect_near(vals(a.grad()), {100, 100, 100});  // sum of b
  expect_near(vals(b.grad()), {6, 6, 6, 6});     // sum of a
}

TEST(ElementwiseBroadcast, LeadingDimsAndScalarTensor) {
  Tensor a = tensor({1.0, 2.0}, kF64Grad);                        // (2)
  Tensor s = tensor(3.0, kF64Grad);                               // ()
  Tensor big = ones({4, 3, 2}, TensorOptions().dtype(kFloat64));  // (4,3,2)
  Tensor y = (big + a) * s;
  EXPECT_EQ(shape(y), (std::vector<int64_t>{4, 3, 2}));
  y.sum().backward();
  EXPECT_EQ(shape(a.grad()), (std::vector<int64_t>{2}));
  EXPECT_EQ(s.grad().dim(), 0);
  expect_near(vals(a.grad()), {36, 36});        // 12 copies, times s = 3
  expect_near(vals(s.grad()), {12 * (2 + 3)});  // sum of (1 + a) over 24 elements
}

TEST(ElementwiseBroadcast, RowConstantOperandMatchesMaterializedOperand) {
  // (..., C) op (..., 1): the second operand is constant along rows and takes a row loop; the result must equal
  // the same op on the materialized (expanded + contiguous) operand. Sizes reach the parallel path; the 3-d
  // row operand is a transposed view (outer strides not row-major); both operand orders.
  manual_seed(7);
  Tensor a2 = rand({300, 257}), r2 = rand({300, 1}) + 0.5;
  Tensor a3 = rand({4, 5, 1700}), r3 = (rand({5, 4, 1}) + 0.5).transpose(0, 1);  // (4, 5, 1), strides (1, 4, 1)
  for (auto [a, r] : {std::pair{a2, r2}, std::pair{a3, r3}}) {
    Tensor full = r.expand(a.sizes()).contiguous();
    EXPECT_EQ(vals(a - r), vals(a - full));
    EXPECT_EQ(vals(r - a), vals(full - a));
    EXPECT_EQ(vals(a / r), vals(a / full));
    EXPECT_EQ(vals(r * a), vals(full * a));
    EXPECT_EQ(vals(maximum(a, r)), vals(maximum(a, full)));
    EXPECT_EQ(vals(gt(a, r)), vals(gt(a, full)));
  }
  // Column (N, 1) against row (C): both operands broadcast (the outer product layout).
  Tensor col = rand({700, 1}), row = rand({300});
  Tensor colf = col.expand({700, 300}).contiguous(), rowf = row.expand({700, 300}).contiguous();
  EXPECT_EQ(vals(col + row), vals(colf + rowf));
  EXPECT_EQ(vals(row - col), vals(rowf - colf));
  // Values by hand on a small case.
  Tensor x = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}), m = tensor({{1.0}, {2.0}});
  expect_near(vals(m + tensor({10.0, 20.0, 30.0})), {11, 21, 31, 12, 22, 32});
  expect_near(vals(x - m), {0, 1, 2, 2, 3, 4});
  expect_near(vals(m / x), {1, 0.5, 1.0 / 3, 0.5, 0.4, 1.0 / 3}, 1e-7);
}

TEST(ElementwiseBroadcast, IncompatibleShapesNameTheOpAndShapes) {
  Tensor a = zeros({2, 3}), b = zeros({4});
  expect_error([&] { a + b; }, {"add", "[2, 3]", "[4]"});
  expect_error([&] { a* b; }, {"mul", "[2, 3]"});
  expect_error([&] { a / b; }, {"div", "[2, 3]"});
  expect_error([&] { maximum(a, b); }, {"maximum"});
  expect_error([&] { pow(a, b); }, {"pow"});
  expect_error([&] { lt(a, b); }, {"lt"});
  expect_error([&] { where(a > 0, a, b); }, {"where"});
}

TEST(ElementwiseBroadcast, EmptyAndZeroDimOperands) {
  Tensor e = zeros({0, 3}, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor r = ones({3}, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor y = e * r + sigmoid(e);
  EXPECT_EQ(shape(y), (std::vector<int64_t>{0, 3}));
  y.sum().backward();
  EXPECT_EQ(shape(e.grad()), (std::vector<int64_t>{0, 3}));
  expect_near(vals(r.grad()), {0, 0, 0});
  Tensor s = tensor(2.0, kF64Grad);
  Tensor z = pow(s, 3) / s - maximum(s, tensor(1.0, kFloat64));  // s^2 - s
  EXPECT_EQ(z.dim(), 0);
  expect_near(vals(z), {2});
  z.backward();
  expect_near(vals(s.grad()), {3});  // 2s - 1
  EXPECT_EQ(shape(where(tensor(true), tensor({1.0, 2.0}), tensor(0.0))), (std::vector<int64_t>{2}));
}

// ---------------- sub / rsub / neg ----------------
TEST(ElementwiseSub, ValuesGradsAndNodeName) {
  Tensor a = tensor({5.0, 7.0}, kF64Grad), b = tensor({1.0, 2.0}, kF64Grad);
  Tensor y = sub(a, b, 3);  // a - 3 b
  expect_near(vals(y), {2, 1});
  EXPECT_EQ(y.grad_fn()->name(), "SubBackward0");
  y.sum().backward();
  expect_near(vals(a.grad()), {1, 1});
  expect_near(vals(b.grad()), {-3, -3});
  expect_near(vals(10 - tensor({1.0, 4.0})), {9, 6});
  expect_near(vals(tensor({1.0, 4.0}) - 1), {0, 3});
}

TEST(ElementwiseNeg, ValuesGradAndDtypes) {
  Tensor x = tensor({1.5, -2.0}, kF64Grad);
  Tensor y = -x;
  expect_near(vals(y), {-1.5, 2.0});
  EXPECT_EQ(y.grad_fn()->name(), "NegBackward0");
  y.sum().backward();
  expect_near(vals(x.grad()), {-1, -1});
  Tensor i = neg(tensor({3, -4}));
  EXPECT_EQ(i.dtype(), kInt64);
  expect_near(vals(i), {-3, 4});
}

// ---------------- div ----------------
TEST(ElementwiseDiv, TrueDivisionOfIntegers) {
  Tensor r = tensor({7, -7, 1}) / tensor({2, 2, 3});
  EXPECT_EQ(r.dtype(), kFloat32);
  expect_near(vals(r), {3.5, -3.5, 1.0 / 3.0}, 1e-6);
  Tensor s = tensor({1, 2}) / 4;
  EXPECT_EQ(s.dtype(), kFloat32);
  expect_near(vals(s), {0.25, 0.5});
  Tensor q = 1 / tensor({2, 4});
  EXPECT_EQ(q.dtype(), kFloat32);
  expect_near(vals(q), {0.5, 0.25});
  expect_near(vals(tensor({1.0, -1.0, 0.0}) / 0.0), {INFINITY, -INFINITY, NAN});
}

TEST(ElementwiseDiv, GradientsMatchHandFormulas) {
  Tensor a = tensor({3.0, -1.0}, kF64Grad), b = tensor({2.0, 4.0}, kF64Grad);
  Tensor y = a / b;
  EXPECT_EQ(y.grad_fn()->name(), "DivBackward0");
  y.backward(tensor({1.0, 2.0}, kFloat64));
  expect_near(vals(a.grad()), {1.0 / 2, 2.0 / 4});            // w / b
  expect_near(vals(b.grad()), {-3.0 / 4, -2.0 * -1.0 / 16});  // -w a / b^2
  Tensor x = tensor({2.0}, kF64Grad);
  (3.0 / x).backward();
  expect_near(vals(x.grad()), {-3.0 / 4});
}

TEST(ElementwiseDiv, SecondDerivativeOfReciprocal) {
  Tensor x = tensor({0.5, 2.0}, kF64Grad);
  Tensor g = autograd::grad({(1.0 / x).sum()}, {x}, {}, std::nullopt, true)[0];  // -1/x^2
  expect_near(vals(g), {-4.0, -0.25});
  Tensor gg = autograd::grad({g.sum()}, {x})[0];  // 2/x^3
  expect_near(vals(gg), {16.0, 0.25});
}

// ---------------- pow ----------------
TEST(ElementwisePow, ScalarExponentValuesAndDtypes) {
  expect_near(vals(pow(tensor({1.0, 2.0, 3.0}), 2)), {1, 4, 9});
  expect_near(vals(pow(tensor({4.0, 9.0}), 0.5)), {2, 3});
  expect_near(vals(pow(tensor({2.0, 4.0}), -1)), {0.5, 0.25});
  expect_near(vals(pow(tensor({2.0}), 1.5)), {std::pow(2.0, 1.5)}, 1e-6);
  Tensor i = pow(tensor({1, 2, 3}), 3);
  EXPECT_EQ(i.dtype(), kInt64);
  expect_near(vals(i), {1, 8, 27});
  Tensor f = pow(tensor({1, 4}), 0.5);  // int tensor, float exponent -> float32
  EXPECT_EQ(f.dtype(), kFloat32);
  expect_near(vals(f), {1, 2});
  Tensor b = pow(tensor({true, false}), 2);  // bool with an int exponent -> int64
  EXPECT_EQ(b.dtype(), kInt64);
  expect_near(vals(b), {1, 0});
  expect_error([] { pow(tensor({2, 3}), -1); }, {"pow", "negative"});
}

TEST(ElementwisePow, TensorExponentAndScalarBaseValues) {
  Tensor r = pow(tensor({2, 3, 2}), tensor({3, 2, 0}));
  EXPECT_EQ(r.dtype(), kInt64);
  expect_near(vals(r), {8, 9, 1});
  expect_near(vals(pow(tensor({1, 2, -1}), tensor({-1, -1, -3}))), {1, 0, -1});  // PyTorch's integer rule
  Tensor s = pow(2, tensor({0, 3, 10}));
  EXPECT_EQ(s.dtype(), kInt64);
  expect_near(vals(s), {1, 8, 1024});
  Tensor sf = pow(2.5, tensor({1, 2}));
  EXPECT_EQ(sf.dtype(), kFloat32);
  expect_near(vals(sf), {2.5, 6.25});
}

TEST(ElementwisePow, ScalarExponentGradientAndThirdPowerSecondDerivative) {
  Tensor x = tensor({-1.5, 0.5, 2.0}, kF64Grad);
  Tensor y = pow(x, 3);
  EXPECT_EQ(y.grad_fn()->name(), "PowBackward0");
  Tensor g = autograd::grad({y.sum()}, {x}, {}, std::nullopt, true)[0];
  expect_near(vals(g), {3 * 2.25, 3 * 0.25, 12.0});  // 3x^2
  Tensor gg = autograd::grad({g.sum()}, {x}, {}, std::nullopt, true)[0];
  expect_near(vals(gg), {-9.0, 3.0, 12.0});  // 6x
  Tensor ggg = autograd::grad({gg.sum()}, {x})[0];
  expect_near(vals(ggg), {6, 6, 6});
  // exponent 0: the gradient is exactly zero, also at x = 0 (no 0 * inf).
  Tensor z = tensor({0.0, 2.0}, kF64Grad);
  pow(z, 0).sum().backward();
  expect_near(vals(z.grad()), {0, 0});
  EXPECT_EQ(square(z).grad_fn()->name(), "PowBackward0");
}

TEST(ElementwisePow, TensorExponentGradients) {
  Tensor x = tensor({2.0, 0.5}, kF64Grad), e = tensor({3.0, -1.0}, kF64Grad);
  Tensor y = pow(x, e);
  EXPECT_EQ(y.grad_fn()->name(), "PowBackward1");
  y.sum().backward();
  expect_near(vals(x.grad()), {3 * 4.0, -1 * std::pow(0.5, -2.0)});     // e x^(e-1)
  expect_near(vals(e.grad()), {8 * std::log(2.0), 2 * std::log(0.5)});  // x^e log x
  // x == 0 with e >= 0: zero exponent gradient (not 0 * -inf); e == 0: zero base gradient.
  Tensor x0 = tensor({0.0, 0.0}, kF64Grad), e0 = tensor({0.0, 2.0}, kF64Grad);
  pow(x0, e0).sum().backward();
  expect_near(vals(e0.grad()), {0, 0});
  expect_near(vals(x0.grad()), {0, 0});
}

TEST(ElementwisePow, ScalarBaseGradient) {
  Tensor e = tensor({0.0, 1.0, 3.0}, kF64Grad);
  Tensor y = pow(2.0, e);
  EXPECT_EQ(y.grad_fn()->name(), "PowBackward2");
  expect_near(vals(y), {1, 2, 8});
  Tensor g = autograd::grad({y.sum()}, {e}, {}, std::nullopt, true)[0];
  const double l2 = std::log(2.0);
  expect_near(vals(g), {l2, 2 * l2, 8 * l2});
  Tensor gg = autograd::grad({g.sum()}, {e})[0];
  expect_near(vals(gg), {l2 * l2, 2 * l2 * l2, 8 * l2 * l2});
  Tensor e0 = tensor({1.0, 2.0}, kF64Grad);
  pow(0.0, e0).sum().backward();
  expect_near(vals(e0.grad()), {0, 0});
}

// ---------------- maximum / minimum ----------------
TEST(ElementwiseMaxMin, ValuesPromotionAndNaN) {
  Tensor a = tensor({1.0, 5.0, -2.0}), b = tensor({3.0, 4.0, -2.0});
  expect_near(vals(maximum(a, b)), {3, 5, -2});
  expect_near(vals(minimum(a, b)), {1, 4, -2});
  Tensor m = maximum(tensor({1, 2, 3}), tensor({1.5, 2.5, -1.0}));
  EXPECT_EQ(m.dtype(), kFloat32);
  expect_near(vals(m), {1.5, 2.5, 3});
  Tensor n = tensor({NAN, 1.0, 2.0});
  expect_near(vals(maximum(n, tensor({0.0, NAN, 1.0}))), {NAN, NAN, 2});
  expect_near(vals(minimum(tensor({0.0, NAN, 1.0}), n)), {NAN, NAN, 1});
}

TEST(ElementwiseMaxMin, GradientSplitsEvenlyOnTies) {
  Tensor a = tensor({1.0, 5.0, 2.0}, kF64Grad), b = tensor({3.0, 4.0, 2.0}, kF64Grad);
  Tensor y = maximum(a, b);
  EXPECT_EQ(y.grad_fn()->name(), "MaximumBackward0");
  y.sum().backward();
  expect_near(vals(a.grad()), {0, 1, 0.5});
  expect_near(vals(b.grad()), {1, 0, 0.5});
  Tensor c = tensor({1.0, 5.0, 2.0}, kF64Grad), d = tensor({3.0, 4.0, 2.0}, kF64Grad);
  Tensor z = minimum(c, d);
  EXPECT_EQ(z.grad_fn()->name(), "MinimumBackward0");
  z.backward(tensor({2.0, 2.0, 2.0}, kFloat64));
  expect_near(vals(c.grad()), {2, 0, 1});
  expect_near(vals(d.grad()), {0, 2, 1});
}

TEST(ElementwiseMaxMin, BroadcastGradientShape) {
  Tensor a = tensor({{1.0, 5.0}, {3.0, -1.0}}, kF64Grad);  // (2,2)
  Tensor zero = tensor(0.0, kF64Grad);                     // ()
  maximum(a, zero).sum().backward();
  expect_near(vals(a.grad()), {1, 1, 1, 0});
  EXPECT_EQ(zero.grad().dim(), 0);
  expect_near(vals(zero.grad()), {1});
}

// ---------------- where ----------------
TEST(ElementwiseWhere, ValuesBroadcastAndPromotion) {
  Tensor c = tensor({true, false, true});
  expect_near(vals(where(c, tensor({1.0, 2.0, 3.0}), tensor({-1.0, -2.0, -3.0}))), {1, -2, 3});
  Tensor r = where(c, tensor({1, 2, 3}), 0.5);
  EXPECT_EQ(r.dtype(), kFloat32);
  expect_near(vals(r), {1, 0.5, 3});
  Tensor l = where(c, 7, tensor({1, 2, 3}));
  EXPECT_EQ(l.dtype(), kInt64);
  expect_near(vals(l), {7, 2, 7});
  Tensor col = tensor({{true}, {false}});  // (2,1) with (3): (2,3)
  Tensor w = where(col, tensor({1.0, 2.0, 3.0}), tensor(0.0));
  EXPECT_EQ(shape(w), (std::vector<int64_t>{2, 3}));
  expect_near(vals(w), {1, 2, 3, 0, 0, 0});
}

TEST(ElementwiseWhere, GradientsGoToTheChosenBranch) {
  Tensor a = tensor({1.0, 2.0, 3.0}, kF64Grad);
  Tensor b = tensor(10.0, kF64Grad);  // broadcast scalar tensor
  Tensor y = where(a > 1.5, a, b);
  EXPECT_EQ(y.grad_fn()->name(), "WhereBackward0");
  y.backward(tensor({1.0, 2.0, 4.0}, kFloat64));
  expect_near(vals(a.grad()), {0, 2, 4});
  expect_near(vals(b.grad()), {1});
}

TEST(ElementwiseWhere, ConditionMustBeBool) {
  expect_error([] { where(tensor({1, 0}), tensor({1.0, 2.0}), tensor({3.0, 4.0})); }, {"where", "boolean", "Long"});
  expect_error([] { where(tensor({1.0, 0.0}), tensor({1.0, 2.0}), 0.0); }, {"where", "boolean"});
}

// ---------------- in-place forms ----------------
TEST(ElementwiseInplace, BumpVersionAndComputeInPlace) {
  Tensor x = tensor({1.0, -2.0, 3.0}, kFloat64);
  const uint32_t v0 = x._version();
  x.add_(tensor({1.0, 1.0, 1.0}, kFloat64), 2);
  expect_near(vals(x), {3, 0, 5});
  x.mul_(2);
  expect_near(vals(x), {6, 0, 10});
  x.sub_(1);
  x.div_(tensor({5.0, 2.0, 3.0}, kFloat64));
  expect_near(vals(x), {1, -0.5, 3});
  x.pow_(2);
  expect_near(vals(x), {1, 0.25, 9});
  x.neg_();
  x.clamp_(-4, -0.5);
  expect_near(vals(x), {-1, -0.5, -4});
  x.relu_();
  expect_near(vals(x), {0, 0, 0});
  x += 1.0;
  x *= tensor({2.0, 3.0, 4.0}, kFloat64);
  x -= 1;
  x /= 2;
  expect_near(vals(x), {0.5, 1, 1.5});
  EXPECT_EQ(x._version(), v0 + 12);
  Tensor s = tensor({0.0}, kFloat64);
  s.sigmoid_();
  expect_near(vals(s), {0.5});
  s.tanh_();
  expect_near(vals(s), {std::tanh(0.5)});
  Tensor e = tensor({0.0, 2.0}, kFloat64);
  e.exp_();
  expect_near(vals(e), {1.0, std::exp(2.0)});
  e.sqrt_();
  expect_near(vals(e), {1.0, std::exp(1.0)});
  EXPECT_EQ(e._version(), 2u);
}

TEST(ElementwiseInplace, ViewsShareTheWriteAndTheVersion) {
  Tensor base = zeros({2, 2}, TensorOptions().dtype(kFloat64));
  Tensor v = base.view({4});
  v.add_(1.5);
  expect_near(vals(base), {1.5, 1.5, 1.5, 1.5});
  EXPECT_EQ(base._version(), v._version());
  EXPECT_GT(base._version(), 0u);
}

TEST(ElementwiseInplace, IntegerTensorCannotHoldAFloatResult) {
  Tensor i = tensor({1, 2});
  expect_error([&] { i.div_(2); }, {"div_", "Long"});
  expect_error([&] { i.mul_(1.5); }, {"mul_"});
  i.add_(3);
  expect_near(vals(i), {4, 5});
}

TEST(ElementwiseInplace, LeafRequiringGradCannotBeModifiedUnderGradMode) {
  Tensor x = tensor({1.0, 2.0}, kF64Grad);
  expect_error([&] { x.add_(1); }, {"add_", "leaf"});
  expect_error([&] { x.mul_(tensor({2.0, 2.0}, kFloat64)); }, {"mul_", "leaf"});
  expect_error([&] { x.relu_(); }, {"relu_", "leaf"});
  expect_error([&] { x.clamp_(0, 1); }, {"clamp_", "leaf"});
  {
    NoGradGuard ng;  // allowed without grad mode (optimizer updates)
    x.mul_(3);
  }
  expect_near(vals(x), {3, 6});
}

TEST(ElementwiseInplace, InplaceOnNonLeafKeepsTheGraph) {
  Tensor x = tensor({-1.0, 2.0, 3.0}, kF64Grad);
  Tensor y = x * 2;
  y.relu_();
  EXPECT_EQ(y.grad_fn()->name(), "ReluBackward0");
  y.mul_(3);  // 6 x where x > 0
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward0");
  y.sum().backward();
  expect_near(vals(x.grad()), {0, 6, 6});
}

TEST(ElementwiseInplace, ModifyingASavedTensorThenBackwardThrowsNamingTheNode) {
  Tensor x = tensor({1.0, 2.0}, kF64Grad);
  Tensor a = x * 2;
  Tensor b = log(a);  // saves a
  a.mul_(3);
  expect_error([&] { b.sum().backward(); }, {"modified by an inplace operation", "LogBackward0"});

  // A saved output (sigmoid keeps its result) modified in place.
  Tensor z = tensor({0.5}, kF64Grad);
  Tensor s = sigmoid(z * 1);
  Tensor keep = s * 1;  // keeps the graph alive
  s.add_(1);
  expect_error([&] { keep.sum().backward(); }, {"SigmoidBackward0"});
}

}  // namespace
}  // namespace nabla
