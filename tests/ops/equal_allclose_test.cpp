// nabla::equal and nabla::allclose (torch::equal, torch::allclose): values worked out from PyTorch's definitions.
#include <gtest/gtest.h>

#include <limits>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

TEST(EqualAllclose, EqualNeedsSameSizesAndElements) {
  Tensor a = tensor({1.0, 2.0, 3.0});
  EXPECT_TRUE(equal(a, tensor({1.0, 2.0, 3.0})));
  EXPECT_FALSE(equal(a, tensor({1.0, 2.0, 3.5})));
  EXPECT_FALSE(equal(a, tensor({{1.0, 2.0, 3.0}})));  // same elements, other shape (no broadcasting)
  EXPECT_TRUE(equal(a.view({3, 1}).t().view({3}), a));  // strides do not matter
  EXPECT_TRUE(equal(tensor({1, 2}, TensorOptions().dtype(kInt64)), tensor({1.0, 2.0})));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(equal(tensor({nan}), tensor({nan})));  // NaN != NaN, as in PyTorch
}

TEST(EqualAllclose, AllcloseUsesAtolPlusRtolTimesOther) {
  // |a - b| <= 1e-8 + 1e-5 |b|: for b = 1000 the bound is 0.01000001.
  EXPECT_TRUE(allclose(tensor({1000.01}, TensorOptions().dtype(kFloat64)),
                       tensor({1000.0}, TensorOptions().dtype(kFloat64))));
  EXPECT_FALSE(allclose(tensor({1000.0102}, TensorOptions().dtype(kFloat64)),
                        tensor({1000.0}, TensorOptions().dtype(kFloat64))));
  // Asymmetric: the tolerance scales with |other| only.
  EXPECT_TRUE(allclose(tensor({0.0}), tensor({0.5}), 1.0, 0.0));
  EXPECT_FALSE(allclose(tensor({0.5}), tensor({0.0}), 1.0, 0.0));
  // Broadcasting.
  EXPECT_TRUE(allclose(tensor({{1.0, 1.0}, {1.0, 1.0}}), tensor({1.0})));
  EXPECT_FALSE(allclose(tensor({{1.0, 1.0}, {1.0, 2.0}}), tensor({1.0})));
}

TEST(EqualAllclose, InfinitiesAndNaNs) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(allclose(tensor({inf, -inf}), tensor({inf, -inf})));
  EXPECT_FALSE(allclose(tensor({inf}), tensor({-inf})));
  EXPECT_FALSE(allclose(tensor({inf}), tensor({1e30})));
  EXPECT_FALSE(allclose(tensor({nan}), tensor({nan})));
  EXPECT_TRUE(allclose(tensor({nan, 1.0}), tensor({nan, 1.0}), 1e-5, 1e-8, /*equal_nan=*/true));
  EXPECT_FALSE(allclose(tensor({nan}), tensor({1.0}), 1e-5, 1e-8, /*equal_nan=*/true));
}

TEST(EqualAllclose, Errors) {
  testing::expect_error([] { allclose(tensor({1.0, 2.0}), tensor({1.0, 2.0, 3.0})); }, {"2", "3"});
  testing::expect_error([] { allclose(tensor({1.0}), tensor({1.0}), -1.0); }, {"allclose", "rtol"});
}

}  // namespace
}  // namespace nabla
