// max/min (whole and along a dim), argmax/argmin, all/any: values, ties (first occurrence), NaN propagation,
// dtypes, empty inputs and errors, gradients (split among ties; routed to the index).
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

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST(ReduceMax, WholeValuesAndDtypes) {
  auto x = tensor({{1.0, 7.0, -2.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(max(x).item<double>(), 7.0);
  EXPECT_EQ(min(x).item<double>(), -2.0);
  EXPECT_EQ(x.max().dim(), 0);
  auto xi = tensor({3, -9, 4});
  EXPECT_EQ(max(xi).dtype(), kInt64);
  EXPECT_EQ(max(xi).item<int64_t>(), 4);
  EXPECT_EQ(min(xi).item<int64_t>(), -9);
  EXPECT_EQ(max(tensor({false, true})).dtype(), kBool);
  EXPECT_TRUE(max(tensor({false, true})).item<bool>());
  EXPECT_EQ(max(tensor(2.5)).item<double>(), 2.5);
  // A big full reduction (chunked over threads) finds the single largest element.
  auto big = zeros({1000003}, TensorOptions().dtype(kFloat64));
  big.data_ptr<double>()[777777] = 3.0;
  big.data_ptr<double>()[5] = -4.0;
  EXPECT_EQ(max(big).item<double>(), 3.0);
  EXPECT_EQ(min(big).item<double>(), -4.0);
  EXPECT_EQ(argmax(big).item<int64_t>(), 777777);
  EXPECT_EQ(argmin(big).item<int64_t>(), 5);
}

TEST(ReduceMax, NaNPropagates) {
  auto x = f64({1.0, kNaN, 3.0, kNaN});
  EXPECT_TRUE(std::isnan(max(x).item<double>()));
  EXPECT_TRUE(std::isnan(min(x).item<double>()));
  auto [v, i] = max(x, 0);
  EXPECT_TRUE(std::isnan(v.item<double>()));
  EXPECT_EQ(i.item<int64_t>(), 1);  // first NaN, as PyTorch
  EXPECT_EQ(argmax(x).item<int64_t>(), 1);
  EXPECT_EQ(argmin(x).item<int64_t>(), 1);
  // Longer rows (vector lanes plus a tail): first NaN, else first of tied extremes.
  std::vector<double> w(21, 0.0);
  w[9] = w[17] = 5.0;
  w[4] = w[19] = -5.0;
  auto y = tensor(w);
  EXPECT_EQ(argmax(y).item<int64_t>(), 9);
  EXPECT_EQ(argmin(y).item<int64_t>(), 4);
  w[13] = kNaN;
  w[20] = kNaN;
  auto z = tensor(w);
  EXPECT_EQ(argmax(z).item<int64_t>(), 13);
  EXPECT_EQ(argmin(z).item<int64_t>(), 13);
  EXPECT_TRUE(std::isnan(max(z).item<double>()));
  w[13] = 0.0;
  w[0] = kNaN;  // NaN in the first element
  EXPECT_EQ(argmax(tensor(w)).item<int64_t>(), 0);
  EXPECT_EQ(std::get<1>(min(tensor(w), 0)).item<int64_t>(), 0);
}

TEST(ReduceMax, AlongDimValuesIndicesKeepdim) {
  auto x = tensor({{1.0, 5.0, 2.0}, {7.0, 0.0, 7.0}});
  auto [v, i] = max(x, 1);
  EXPECT_EQ(v.sizes().vec(), Shape({2}));
  EXPECT_EQ(i.dtype(), kInt64);
  expect_close(v, {5, 7});
  expect_close(i, {1, 0});  // tie in row 1: first occurrence
  auto [vk, ik] = x.min(0, true);
  EXPECT_EQ(vk.sizes().vec(), Shape({1, 3}));
  EXPECT_EQ(ik.sizes().vec(), Shape({1, 3}));
  expect_close(vk, {1, 0, 2});
  expect_close(ik, {0, 1, 0});
  auto [vn, in] = max(x, -2);
  expect_close(vn, {7, 5, 7});
  expect_close(in, {1, 0, 1});
  // 3-D, middle dim, non-contiguous view.
  auto y = tensor({{{1, 9}, {4, 2}, {3, 3}}, {{8, 0}, {5, 6}, {7, 1}}}).permute({0, 2, 1});  // (2, 2, 3)
  auto [v3, i3] = max(y, 2);
  expect_close(v3, {4, 9, 8, 6});
  expect_close(i3, {1, 0, 0, 1});
  auto [vs, is] = max(tensor(3.0), 0);
  EXPECT_EQ(vs.item<double>(), 3.0);
  EXPECT_EQ(is.item<int64_t>(), 0);
}

TEST(ReduceMax, EmptyAndBadDimErrors) {
  auto e = error_of([] { max(zeros({0})); });
  EXPECT_NE(e.find("max"), std::string::npos) << e;
  EXPECT_NE(e.find("non-empty"), std::string::npos) << e;
  e = error_of([] { min(zeros({2, 0})); });
  EXPECT_NE(e.find("min"), std::string::npos) << e;
  e = error_of([] { max(zeros({2, 0}), 1); });
  EXPECT_NE(e.find("max: expected reduction dim 1 to have non-zero size"), std::string::npos) << e;
  e = error_of([] { argmax(zeros({0})); });
  EXPECT_NE(e.find("argmax"), std::string::npos) << e;
  e = error_of([] { argmin(zeros({3, 0}), 1); });
  EXPECT_NE(e.find("argmin"), std::string::npos) << e;
  e = error_of([] { max(zeros({2, 3}), 2); });
  EXPECT_NE(e.find("max: dimension out of range"), std::string::npos) << e;
  e = error_of([] { argmax(zeros({2, 3}), -3); });
  EXPECT_NE(e.find("argmax: dimension out of range"), std::string::npos) << e;
  e = error_of([] { all(zeros({2, 3}), 5); });
  EXPECT_NE(e.find("all: dimension out of range"), std::string::npos) << e;
  // Reducing a non-empty dim of an empty tensor is fine: an empty result.
  auto [v, i] = max(zeros({0, 2}), 1);
  EXPECT_EQ(v.sizes().vec(), Shape({0}));
  EXPECT_EQ(i.sizes().vec(), Shape({0}));
}

TEST(ReduceMax, WholeGradientSplitsAmongTies) {
  auto x = f64({1.0, 3.0, 3.0, 0.0}).requires_grad_();
  auto m = max(x);
  EXPECT_EQ(m.grad_fn()->name(), "MaxBackward1");
  m.backward();
  expect_close(x.grad(), {0, 0.5, 0.5, 0});
  auto y = f64({{2.0, -1.0}, {-1.0, -1.0}}).requires_grad_();
  min(y).backward(tensor(6.0, TensorOptions().dtype(kFloat64)));
  expect_close(y.grad(), {0, 2, 2, 2});
}

TEST(ReduceMax, DimGradientGoesToIndex) {
  auto x = f64({{1.0, 5.0, 2.0}, {7.0, 0.0, 7.0}}).requires_grad_();
  auto [v, i] = max(x, 1);
  EXPECT_EQ(v.grad_fn()->name(), "MaxBackward0");
  EXPECT_FALSE(i.requires_grad());
  v.backward(f64({10.0, 20.0}));
  expect_close(x.grad(), {0, 10, 0, 20, 0, 0});
  auto y = f64({{1.0, 5.0, 2.0}, {7.0, 0.0, 7.0}}).requires_grad_();
  auto [vm, im] = min(y, 0, true);
  EXPECT_EQ(vm.grad_fn()->name(), "MinBackward0");
  vm.backward(f64({{1.0, 2.0, 3.0}}));
  expect_close(y.grad(), {1, 0, 3, 0, 2, 0});
}

TEST(ReduceArgmax, WholeDimKeepdim) {
  auto x = tensor({{1, 5}, {7, 2}});
  auto a = argmax(x);
  EXPECT_EQ(a.dtype(), kInt64);
  EXPECT_EQ(a.dim(), 0);
  EXPECT_EQ(a.item<int64_t>(), 2);
  EXPECT_EQ(argmin(x).item<int64_t>(), 0);
  auto ak = argmax(x, 1, true);
  EXPECT_EQ(ak.sizes().vec(), Shape({2, 1}));
  expect_close(ak, {1, 0});
  expect_close(x.argmin(0), {0, 1});
  EXPECT_EQ(argmax(x, std::nullopt, true).sizes().vec(), Shape({1, 1}));
  EXPECT_EQ(argmax(tensor({3.0, 3.0, 1.0})).item<int64_t>(), 0);  // first occurrence
  EXPECT_EQ(argmin(tensor({3.0, 1.0, 1.0})).item<int64_t>(), 1);
  EXPECT_EQ(argmax(tensor(4.0)).item<int64_t>(), 0);
  // Non-contiguous input: the flat index is in logical (row-major) order.
  auto t = tensor({{1.0, 9.0}, {4.0, 2.0}}).t();  // [[1, 4], [9, 2]]
  EXPECT_EQ(argmax(t).item<int64_t>(), 2);
}

TEST(ReduceAllAny, ValuesDimsAndDtypes) {
  auto x = tensor({{1.0, 0.0}, {2.0, 3.0}});
  EXPECT_EQ(all(x).dtype(), kBool);
  EXPECT_FALSE(all(x).item<bool>());
  EXPECT_TRUE(any(x).item<bool>());
  auto a1 = all(x, 1);
  EXPECT_EQ(a1.dtype(), kBool);
  expect_close(a1, {0, 1});
  auto a0 = any(x, 0, true);
  EXPECT_EQ(a0.sizes().vec(), Shape({1, 2}));
  expect_close(a0, {1, 1});
  expect_close(any(tensor({{0, 0}, {0, 5}}), -1), {0, 1});
  EXPECT_TRUE(tensor({true, true}).all().item<bool>());
  EXPECT_FALSE(tensor({false, false}).any().item<bool>());
  // uint8 in, uint8 out (PyTorch keeps uint8 for all/any).
  auto u = tensor({1, 2}).to(kUInt8);
  EXPECT_EQ(all(u).dtype(), kUInt8);
  EXPECT_EQ(all(u).item<int64_t>(), 1);
  EXPECT_EQ(any(u, 0).dtype(), kUInt8);
  // NaN is non-zero; empty: all true, any false.
  EXPECT_TRUE(all(f64({kNaN, 1.0})).item<bool>());
  EXPECT_TRUE(all(zeros({0})).item<bool>());
  EXPECT_FALSE(any(zeros({0})).item<bool>());
  expect_close(all(zeros({2, 0}), 1), {1, 1});
  expect_close(any(zeros({2, 0}), 1), {0, 0});
  // Large: one zero among a million ones.
  auto big = ones({1000001}, TensorOptions().dtype(kInt32));
  EXPECT_TRUE(all(big).item<bool>());
  big.data_ptr<int32_t>()[999999] = 0;
  EXPECT_FALSE(all(big).item<bool>());
  EXPECT_TRUE(any(big).item<bool>());
}

// ---------------------------------------------------------------- gradcheck registry
NABLA_GRADCHECK_CASE(Max, "whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{max(x[0])}; });
NABLA_GRADCHECK_CASE(Max, "whole non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{max(x[0])}; });
NABLA_GRADCHECK_CASE(Min, "whole", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{min(x[0])}; });
NABLA_GRADCHECK_CASE(Min, "whole non-contiguous", [] { return tensor_list{rand64_noncontiguous({2, 5})}; },
                     [](const tensor_list& x) { return tensor_list{min(x[0])}; });
NABLA_GRADCHECK_CASE(MaxDim, "dim 1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{std::get<0>(max(x[0], 1))}; });
NABLA_GRADCHECK_CASE(MaxDim, "dim 0 keepdim non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4, 2})}; },
                     [](const tensor_list& x) { return tensor_list{std::get<0>(max(x[0], 0, true))}; });
NABLA_GRADCHECK_CASE(MinDim, "dim -1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{std::get<0>(min(x[0], -1))}; });
NABLA_GRADCHECK_CASE(MinDim, "dim 1 non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4, 2})}; },
                     [](const tensor_list& x) { return tensor_list{std::get<0>(min(x[0], 1))}; });
