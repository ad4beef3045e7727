// arange, linspace and eye: dtypes as PyTorch picks them, exact values (float32 values bit-equal to
// torch 1.13's), options (dtype, requires_grad) and errors naming the op.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::Shape;

TEST(FactoryRange, ArangeIntegralIsInt64) {
  Tensor a = arange(5);
  EXPECT_EQ(a.dtype(), kInt64);
  EXPECT_EQ(a.sizes().vec(), Shape({5}));
  EXPECT_EQ(values(a), std::vector<double>({0, 1, 2, 3, 4}));
  EXPECT_EQ(values(arange(10, 0, -3)), std::vector<double>({10, 7, 4, 1}));
  EXPECT_EQ(values(arange(2, 9, 3)), std::vector<double>({2, 5, 8}));
  EXPECT_EQ(arange(3, 3).numel(), 0);
  EXPECT_EQ(arange(0).numel(), 0);
}

TEST(FactoryRange, ArangeFloatingIsFloat32AndMatchesPyTorch) {
  Tensor a = arange(0.1, 1.0, 0.2);
  EXPECT_EQ(a.dtype(), kFloat32);
  ASSERT_EQ(a.numel(), 5);
  const float want[] = {0.10000000149011612f, 0.30000001192092896f, 0.5f, 0.699999988079071f, 0.8999999761581421f};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a[i].item<float>(), want[i]) << i;
  EXPECT_EQ(arange(0, 5, 2.0).dtype(), kFloat32);
  EXPECT_EQ(values(arange(0, 5, 2.0)), std::vector<double>({0, 2, 4}));
  EXPECT_EQ(values(arange(-1.5, 1)), std::vector<double>({-1.5, -0.5, 0.5}));
  EXPECT_EQ(arange(0, 1, 0.3).numel(), 4);
}

TEST(FactoryRange, ArangeOptionsAndErrors) {
  Tensor a = arange(4, TensorOptions().dtype(kFloat64).requires_grad(true));
  EXPECT_EQ(a.dtype(), kFloat64);
  EXPECT_TRUE(a.requires_grad());
  EXPECT_TRUE(a.is_leaf());
  EXPECT_EQ(arange(1.0, 4.0, 1.0, kInt32).dtype(), kInt32);
  std::string e = error_of([] { arange(0, 5, -1); });
  EXPECT_NE(e.find("arange: upper bound and larger bound inconsistent with step sign"), std::string::npos) << e;
  EXPECT_NE(error_of([] { arange(0, 5, 0); }).find("arange: step must be nonzero"), std::string::npos);
  EXPECT_NE(error_of([] { arange(3, TensorOptions().requires_grad(true).dtype(kInt64)); }).find("requires_grad"),
            std::string::npos);
}

TEST(FactoryRange, Linspace) {
  Tensor l = linspace(-0.3, 1.7, 7);
  EXPECT_EQ(l.dtype(), kFloat32);
  const float want[] = {-0.30000001192092896f, 0.03333333134651184f, 0.36666667461395264f, 0.7000000476837158f,
                        1.0333333015441895f,   1.3666666746139526f,  1.7000000476837158f};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(l[i].item<float>(), want[i]) << i;
  EXPECT_EQ(values(linspace(0, 1, 5, kFloat64)), std::vector<double>({0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(values(linspace(0, 10, 5, kInt64)), std::vector<double>({0, 2, 5, 7, 10}));  // as PyTorch
  EXPECT_EQ(values(linspace(3, -1, 1)), std::vector<double>({3}));
  EXPECT_EQ(linspace(0, 1, 0).numel(), 0);
  EXPECT_NE(error_of([] { linspace(0, 1, -1); }).find("linspace: number of steps must be non-negative"),
            std::string::npos);
}

TEST(FactoryRange, Eye) {
  Tensor i3 = eye(3);
  EXPECT_EQ(i3.dtype(), kFloat32);
  EXPECT_EQ(values(i3), std::vector<double>({1, 0, 0, 0, 1, 0, 0, 0, 1}));
  Tensor r = eye(2, 3, kInt64);
  EXPECT_EQ(r.dtype(), kInt64);
  EXPECT_EQ(r.sizes().vec(), Shape({2, 3}));
  EXPECT_EQ(values(r), std::vector<double>({1, 0, 0, 0, 1, 0}));
  EXPECT_EQ(values(eye(3, 1)), std::vector<double>({1, 0, 0}));
  EXPECT_EQ(eye(0).sizes().vec(), Shape({0, 0}));
  EXPECT_TRUE(eye(2, TensorOptions().dtype(kFloat64).requires_grad(true)).requires_grad());
  EXPECT_NE(error_of([] { eye(-1); }).find("eye: n must be greater or equal to 0"), std::string::npos);
  EXPECT_NE(error_of([] { eye(2, -3); }).find("eye: m must be greater or equal to 0"), std::string::npos);
}
