#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"

using namespace nabla;

TEST(Smoke, AddMulSumBackward) {
  auto x = tensor({1.0, 2.0, 3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto y = tensor({{4.0}, {5.0}}, kFloat64);
  auto z = ((x * y + x) * 2.0).sum();  // (2,3)
  z.backward();
  // dz/dx_j = sum_i 2*(y_i + 1) = 2*(5+6) = 22
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().sizes().vec(), std::vector<int64_t>({3}));
  for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(x.grad()[j].item<double>(), 22.0);
  EXPECT_EQ(z.grad_fn()->name(), "SumBackward0");
}

TEST(Smoke, SecondDerivativeOfSin) {
  auto x = tensor(0.7, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto y = sin(x);
  auto g = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];
  EXPECT_NEAR(g.item<double>(), std::cos(0.7), 1e-12);
  auto gg = autograd::grad({g}, {x})[0];
  EXPECT_NEAR(gg.item<double>(), -std::sin(0.7), 1e-12);
}
