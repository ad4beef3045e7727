// cat, stack (copies) and split, chunk, unbind (views): values, negative dims, dtype promotion, memory sharing of
// the pieces, gradients of every piece (also when only some pieces are used), errors naming the op.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::Shape;
using nabla::testing::iota;
using nabla::testing::leaf;
using nabla::testing::weighted;
using nabla::testing::copied;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::tensor_list;

NABLA_GRADCHECK_CASE(Cat, "dim 1, noncontiguous", [] {
  return tensor_list{rand64({2, 3}), rand64_noncontiguous({2, 2})};
}, [](const tensor_list& x) { return tensor_list{cat({x[0], x[1]}, -1)}; });
NABLA_GRADCHECK_CASE(Stack, "dim 1", [] { return tensor_list{rand64({2, 3}), rand64({2, 3})}; },
                     [](const tensor_list& x) { return tensor_list{stack({x[0], x[1]}, 1)}; });
NABLA_GRADCHECK_CASE(Split, "by size", [] { return tensor_list{rand64({5, 2})}; },
                     [](const tensor_list& x) { return copied(split(x[0], 2, 0)); });
NABLA_GRADCHECK_CASE(Split, "chunk noncontiguous", [] { return tensor_list{rand64_noncontiguous({2, 5})}; },
                     [](const tensor_list& x) { return copied(chunk(x[0], 3, 1)); });
NABLA_GRADCHECK_CASE(SplitWithSizes, "by sizes", [] { return tensor_list{rand64({2, 6})}; },
                     [](const tensor_list& x) { return copied(split(x[0], {1, 0, 5}, -1)); });
NABLA_GRADCHECK_CASE(Unbind, "dim 1", [] { return tensor_list{rand64({2, 3})}; },
                     [](const tensor_list& x) { return copied(unbind(x[0], 1)); });

TEST(ShapeJoin, CatValuesDimsAndDtype) {
  Tensor a = iota({2, 2}), b = iota({2, 1}) + 10.0;
  Tensor c = cat({a, b}, 1);
  EXPECT_EQ(c.sizes().vec(), Shape({2, 3}));
  EXPECT_EQ(values(c), std::vector<double>({0, 1, 10, 2, 3, 11}));
  EXPECT_EQ(values(cat({a, b.t()}, -2)), std::vector<double>({0, 1, 2, 3, 10, 11}));
  EXPECT_EQ(values(cat({a.t(), a}, 0)), std::vector<double>({0, 2, 1, 3, 0, 1, 2, 3}));
  Tensor mixed = cat({tensor({1, 2}), tensor({0.5f})});
  EXPECT_EQ(mixed.dtype(), kFloat32);
  EXPECT_EQ(values(mixed), std::vector<double>({1, 2, 0.5}));
  // legacy: 1-D empty tensors are skipped
  EXPECT_EQ(cat({zeros({0}, kFloat64), a}, 0).sizes().vec(), Shape({2, 2}));
  EXPECT_EQ(cat({a}, 0).sizes().vec(), Shape({2, 2}));
  Tensor single = cat({a}, 0);
  EXPECT_FALSE(single.is_alias_of(a));
}

TEST(ShapeJoin, CatErrors) {
  Tensor a = iota({2, 2}), b = iota({3, 3});
  std::string e = error_of([&] { cat({a, b}, 1); });
  EXPECT_NE(e.find("cat: sizes of tensors must match except in dimension 1"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { cat({}, 0); }).find("cat: expected a non-empty list"), std::string::npos);
  EXPECT_NE(error_of([&] { cat({a, iota({2})}, 0); }).find("cat"), std::string::npos);
  EXPECT_NE(error_of([&] { cat({a, tensor(1.0)}, 0); }).find("cat: zero-dimensional"), std::string::npos);
  EXPECT_NE(error_of([&] { cat({a, a}, 2); }).find("cat"), std::string::npos);
}

TEST(ShapeJoin, CatGradientSplitsBackAndConvertsDtype) {
  Tensor a = leaf({2, 2});
  Tensor b = (iota({2, 1}) + 1.0).to(kFloat32).requires_grad_(true);
  Tensor c = cat({a, b}, 1);
  EXPECT_EQ(c.dtype(), kFloat64);
  EXPECT_EQ(c.grad_fn()->name(), "CatBackward0");
  weighted(c).backward();  // weights 1..6 over (2,3)
  EXPECT_EQ(values(a.grad()), std::vector<double>({1, 2, 4, 5}));
  EXPECT_EQ(b.grad().dtype(), kFloat32);
  EXPECT_EQ(values(b.grad()), std::vector<double>({3, 6}));
}

TEST(ShapeJoin, StackValuesGradientsAndErrors) {
  Tensor a = leaf({2}), b = leaf({2});
  Tensor s = stack({a, b * 10.0}, 0);
  EXPECT_EQ(s.sizes().vec(), Shape({2, 2}));
  EXPECT_EQ(values(s), std::vector<double>({0, 1, 0, 10}));
  Tensor s1 = stack({a, b}, -1);
  EXPECT_EQ(s1.sizes().vec(), Shape({2, 2}));
  EXPECT_EQ(values(s1), std::vector<double>({0, 0, 1, 1}));
  EXPECT_EQ(s1.grad_fn()->name(), "StackBackward0");
  weighted(s1).backward();  // s1[i][j]: j=0 from a, j=1 from b; weights 1..4
  EXPECT_EQ(values(a.grad()), std::vector<double>({1, 3}));
  EXPECT_EQ(values(b.grad()), std::vector<double>({2, 4}));
  EXPECT_EQ(stack({tensor(1.0), tensor(2.0)}).sizes().vec(), Shape({2}));
  std::string e = error_of([&] { stack({iota({2}), iota({3})}); });
  EXPECT_NE(e.find("stack: expects each tensor to be equal size"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { stack({}); }).find("stack: expected a non-empty list"), std::string::npos);
  EXPECT_NE(error_of([&] { stack({iota({2})}, 2); }).find("stack"), std::string::npos);
}

TEST(ShapeJoin, SplitChunkShareMemory) {
  Tensor x = iota({5, 2});
  TensorList p = x.split(2);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].sizes().vec(), Shape({2, 2}));
  EXPECT_EQ(p[2].sizes().vec(), Shape({1, 2}));
  EXPECT_EQ(values(p[2]), std::vector<double>({8, 9}));
  p[1].fill_(-1.0);
  EXPECT_EQ(values(x), std::vector<double>({0, 1, 2, 3, -1, -1, -1, -1, 8, 9}));

  TensorList q = split(x, {1, 4}, 0);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].sizes().vec(), Shape({4, 2}));
  EXPECT_TRUE(q[1].is_alias_of(x));
  TensorList cols = x.split(1, -1);
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(values(cols[1]), std::vector<double>({1, 3, -1, -1, 9}));

  TensorList c = iota({5}).chunk(4);  // ceil(5/4) = 2 per chunk -> 3 chunks, as PyTorch
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(values(c[2]), std::vector<double>({4}));
  EXPECT_EQ(iota({6}).chunk(3).size(), 3u);
  EXPECT_EQ(iota({0}).split(2).size(), 1u);

  std::string e = error_of([&] { split(x, {2, 2}, 0); });
  EXPECT_NE(e.find("split_with_sizes: expects split_sizes to sum exactly to 5"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { x.split(-1); }).find("split"), std::string::npos);
  EXPECT_NE(error_of([&] { x.split(0); }).find("split"), std::string::npos);
  EXPECT_NE(error_of([&] { x.chunk(0); }).find("chunk"), std::string::npos);
  EXPECT_NE(error_of([&] { tensor(1.0).split(1); }).find("split"), std::string::npos);
}

TEST(ShapeJoin, SplitGradientsWhenOnlySomePiecesAreUsed) {
  Tensor x = leaf({5});
  TensorList p = x.split(2);
  EXPECT_EQ(p[0].grad_fn()->name(), "SplitBackward0");
  EXPECT_EQ(p[1].output_nr(), 1u);
  (p[1] * 3.0).sum().backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({0, 0, 3, 3, 0}));

  Tensor y = leaf({2, 3});
  TensorList q = split(y, {2, 1}, 1);
  EXPECT_EQ(q[0].grad_fn()->name(), "SplitWithSizesBackward0");
  (weighted(q[0]) + 10.0 * q[1].sum()).backward();
  EXPECT_EQ(values(y.grad()), std::vector<double>({1, 2, 10, 3, 4, 10}));
}

TEST(ShapeJoin, UnbindViewsAndGradients) {
  Tensor x = leaf({2, 3});
  TensorList u = x.unbind(1);
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(values(u[2]), std::vector<double>({2, 5}));
  EXPECT_TRUE(u[0].is_alias_of(x));
  EXPECT_EQ(u[0].grad_fn()->name(), "UnbindBackward0");
  (u[0] * 2.0 + u[2]).sum().backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({2, 0, 1, 2, 0, 1}));
  Tensor y = iota({2, 2});
  TensorList rows = y.unbind();
  rows[1].fill_(7.0);
  EXPECT_EQ(values(y), std::vector<double>({0, 1, 7, 7}));
  EXPECT_NE(error_of([&] { tensor(1.0).unbind(); }).find("unbind"), std::string::npos);
  EXPECT_NE(error_of([&] { y.unbind(2); }).find("unbind"), std::string::npos);
}

TEST(ShapeJoin, SecondDerivativeThroughCatAndSplit) {
  Tensor x = tensor({1.0, 2.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor c = cat({x * x, x}, 0);  // [x0^2, x1^2, x0, x1]
  TensorList p = c.split(1);
  Tensor s = p[1] * p[1] * p[2];  // x1^4 * x0
  Tensor g = autograd::grad({s.sum()}, {x}, {}, std::nullopt, true)[0];
  EXPECT_EQ(values(g), std::vector<double>({16, 32}));  // (x1^4, 4 x0 x1^3)
  Tensor gg = autograd::grad({g.sum()}, {x})[0];
  EXPECT_EQ(values(gg), std::vector<double>({32, 32 + 48}));  // (4 x1^3, 4 x1^3 + 12 x0 x1^2)
}
