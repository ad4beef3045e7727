// index_select and gather: values, int32/int64 indices, duplicates accumulating in the backward (scatter-add),
// non-contiguous inputs, errors naming the op; gradcheck cases for IndexSelect/IndexAdd/Gather/ScatterAdd.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "ops/gradcheck_registry.h"
#include "ops/shape_common.h"
#include "test_util.h"

using namespace nabla;
using nabla::testing::error_of;
using nabla::testing::iota;
using nabla::testing::leaf;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::Shape;
using nabla::testing::tensor_list;
using nabla::testing::values;
using nabla::testing::weighted;

NABLA_GRADCHECK_CASE(
    IndexSelect, "dim 1, duplicates",
    [] {
      return tensor_list{rand64({3, 4})};
    },
    [](const tensor_list& x) {
      return tensor_list{x[0].index_select(1, tensor({3, 0, 3}))};
    });
NABLA_GRADCHECK_CASE(
    IndexSelect, "noncontiguous, int32 index",
    [] {
      return tensor_list{rand64_noncontiguous({4, 3})};
    },
    [](const tensor_list& x) {
      return tensor_list{x[0].index_select(0, tensor({2, 2, 1}).to(kInt32))};
    });
NABLA_GRADCHECK_CASE(
    IndexAdd, "into zeros",
    [] {
      return tensor_list{rand64({2, 3})};
    },
    [](const tensor_list& x) {
      return tensor_list{nabla::ops::index_add_into_zeros({2, 4}, 1, tensor({1, 3, 1}), x[0])};
    });
NABLA_GRADCHECK_CASE(
    Gather, "dim 1, duplicates",
    [] {
      return tensor_list{rand64({3, 4})};
    },
    [](const tensor_list& x) {
      return tensor_list{x[0].gather(1, tensor({{0, 0}, {3, 1}, {2, 2}}))};
    });
NABLA_GRADCHECK_CASE(
    Gather, "noncontiguous dim 0",
    [] {
      return tensor_list{rand64_noncontiguous({3, 2})};
    },
    [](const tensor_list& x) {
      return tensor_list{x[0].gather(0, tensor({{2, 0}, {1, 1}}))};
    });
NABLA_GRADCHECK_CASE(
    ScatterAdd, "into zeros",
    [] {
      return tensor_list{rand64({2, 2})};
    },
    [](const tensor_list& x) {
      return tensor_list{nabla::ops::scatter_add_into_zeros({2, 3}, 1, tensor({{0, 0}, {2, 1}}), x[0])};
    });

TEST(ShapeIndex, IndexSelectValues) {
  Tensor x = iota({3, 4});
  Tensor r = x.index_select(0, tensor({2, 0}));
  EXPECT_EQ(r.sizes().vec(), Shape({2, 4}));
  EXPECT_EQ(values(r), std::vector<double>({8, 9, 10, 11, 0, 1, 2, 3}));
  Tensor c = x.index_select(-1, tensor({3, 3, 1}).to(kInt32));
  EXPECT_EQ(values(c), std::vector<double>({3, 3, 1, 7, 7, 5, 11, 11, 9}));
  EXPECT_FALSE(c.is_alias_of(x));  // a copy
  EXPECT_EQ(x.t().index_select(0, tensor({1})).sizes().vec(), Shape({1, 3}));
  EXPECT_EQ(values(x.t().index_select(0, tensor({1}))), std::vector<double>({1, 5, 9}));
  EXPECT_EQ(x.index_select(0, tensor(1)).sizes().vec(), Shape({1, 4}));  // 0-dim index, as PyTorch
  EXPECT_EQ(x.index_select(1, zeros({0}, kInt64)).sizes().vec(), Shape({3, 0}));
  Tensor xi = tensor({{1, 2}, {3, 4}});
  EXPECT_EQ(xi.index_select(0, tensor({1})).dtype(), kInt64);
  EXPECT_EQ(tensor(5.0).index_select(0, tensor({0})).item<double>(), 5.0);
}

// Rows of 256 bytes and more are prefetched a few indices ahead: fewer indices than that, more, repeats, and several
// outer planes all give the rows asked for.
TEST(ShapeIndex, IndexSelectLongRowsMatchPlainLoops) {
  const Tensor x = iota({3, 50, 70});  // float64: rows of 560 bytes along dim 1
  for (std::vector<int64_t> idx : {std::vector<int64_t>{7}, {49, 0, 7}, {5, 5, 12, 0, 49, 3, 3, 8, 1, 44, 20}}) {
    const Tensor r = x.index_select(1, tensor(idx));
    ASSERT_EQ(r.sizes().vec(), Shape({3, int64_t(idx.size()), 70}));
    const double* p = r.data_ptr<double>();
    for (int64_t o = 0; o < 3; ++o)
      for (size_t j = 0; j < idx.size(); ++j)
        for (int64_t i = 0; i < 70; ++i)
          ASSERT_EQ(p[(o * int64_t(idx.size()) + int64_t(j)) * 70 + i], double((o * 50 + idx[j]) * 70 + i));
  }
}

TEST(ShapeIndex, IndexSelectErrors) {
  Tensor x = iota({3, 4});
  std::string e = error_of([&] { x.index_select(0, tensor({3})); });
  EXPECT_NE(e.find("index_select: index 3 is out of bounds for dimension 0 with size 3"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { x.index_select(0, tensor({-1})); }).find("index_select"), std::string::npos);
  EXPECT_NE(error_of([&] { x.index_select(0, tensor({0.0})); }).find("index_select: expected dtype int64 or int32"),
            std::string::npos);
  EXPECT_NE(error_of([&] { x.index_select(0, tensor({{0}})); }).find("index_select"), std::string::npos);
  EXPECT_NE(error_of([&] { x.index_select(2, tensor({0})); }).find("index_select"), std::string::npos);
}

TEST(ShapeIndex, IndexSelectBackwardAccumulatesDuplicates) {
  Tensor x = leaf({3, 2});
  Tensor r = x.index_select(0, tensor({2, 0, 2}));
  EXPECT_EQ(r.grad_fn()->name(), "IndexSelectBackward0");
  weighted(r).backward();  // rows of r get weights (1,2), (3,4), (5,6)
  EXPECT_EQ(values(x.grad()), std::vector<double>({3, 4, 0, 0, 1 + 5, 2 + 6}));
}

TEST(ShapeIndex, GatherValuesAndBackward) {
  Tensor x = leaf({2, 3});
  Tensor idx = tensor({{2, 2, 0}, {1, 0, 1}});
  Tensor g = x.gather(1, idx);
  EXPECT_EQ(values(g), std::vector<double>({2, 2, 0, 4, 3, 4}));
  EXPECT_EQ(g.grad_fn()->name(), "GatherBackward0");
  weighted(g).backward();  // weights 1..6
  EXPECT_EQ(values(x.grad()), std::vector<double>({3, 0, 1 + 2, 5, 4 + 6, 0}));

  Tensor y = iota({3, 2});
  EXPECT_EQ(values(y.gather(0, tensor({{2, 0}}))), std::vector<double>({4, 1}));  // smaller index shape
  EXPECT_EQ(values(y.t().gather(0, tensor({{1, 0, 1}}))), std::vector<double>({1, 2, 5}));
  EXPECT_EQ(values(y.gather(-1, tensor({{1}, {1}, {0}}).to(kInt32))), std::vector<double>({1, 3, 4}));
}

TEST(ShapeIndex, GatherErrors) {
  Tensor x = iota({2, 3});
  std::string e = error_of([&] { x.gather(1, tensor({{3}, {0}})); });
  EXPECT_NE(e.find("gather: index 3 is out of bounds for dimension 1 with size 3"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { x.gather(1, tensor({0, 1})); }).find("gather"), std::string::npos);
  EXPECT_NE(error_of([&] { x.gather(1, tensor({{0}, {0}, {0}})); }).find("gather"), std::string::npos);
  EXPECT_NE(error_of([&] { x.gather(0, tensor({{0.5}})); }).find("gather"), std::string::npos);
}

TEST(ShapeIndex, SecondDerivativeThroughGather) {
  Tensor x = tensor({1.0, 2.0, 3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor y = x.gather(0, tensor({2, 2, 0}));
  Tensor s = (y * y).sum();  // 2 x2^2 + x0^2
  Tensor g = autograd::grad({s}, {x}, {}, std::nullopt, true)[0];
  EXPECT_EQ(values(g), std::vector<double>({2, 0, 12}));
  Tensor gg = autograd::grad({g.sum()}, {x})[0];
  EXPECT_EQ(values(gg), std::vector<double>({2, 0, 4}));
}
