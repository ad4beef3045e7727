// Comparisons eq/ne/lt/le/gt/ge: kBool results, broadcasting, promotion, scalars, operators, no gradient.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace nabla {
namespace {

std::vector<int> bits(const Tensor& t) {
  EXPECT_EQ(t.dtype(), kBool);
  Tensor c = t.contiguous();
  const bool* p = c.data_ptr<bool>();
  return std::vector<int>(p, p + c.numel());
}

TEST(ElementwiseCompare, TensorTensorAllSix) {
  Tensor a = tensor({1.0, 2.0, 3.0}), b = tensor({2.0, 2.0, 2.0});
  EXPECT_EQ(bits(eq(a, b)), (std::vector<int>{0, 1, 0}));
  EXPECT_EQ(bits(ne(a, b)), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(bits(lt(a, b)), (std::vector<int>{1, 0, 0}));
  EXPECT_EQ(bits(le(a, b)), (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(bits(gt(a, b)), (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(bits(ge(a, b)), (std::vector<int>{0, 1, 1}));
}

TEST(ElementwiseCompare, ScalarsAndOperators) {
  Tensor a = tensor({1, 2, 3});
  EXPECT_EQ(bits(a == 2), (std::vector<int>{0, 1, 0}));
  EXPECT_EQ(bits(a != 2), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(bits(a < 2.5), (std::vector<int>{1, 1, 0}));  // int tensor vs float scalar compares as float
  EXPECT_EQ(bits(a <= 2), (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(bits(a > 1.5), (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(bits(a >= 3), (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(bits(a.eq(tensor({1, 0, 3}))), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(bits(a.gt(tensor(1.5))), (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(bits(tensor({true, false}) < 1), (std::vector<int>{0, 1}));
}

TEST(ElementwiseCompare, BroadcastAndMixedDtypes) {
  Tensor col = tensor({{1}, {2}});                 // (2,1) int64
  Tensor row = tensor({0.5, 1.0, 2.5}, kFloat64);  // (3) float64
  Tensor r = col >= row;
  EXPECT_EQ(r.sizes().vec(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(bits(r), (std::vector<int>{1, 1, 0, 1, 1, 0}));
  // Large int64 values compare exactly (in int64, not through float).
  Tensor big = tensor({int64_t(1) << 40});
  EXPECT_EQ(bits(big == tensor({(int64_t(1) << 40) + 1})), (std::vector<int>{0}));
  EXPECT_THROW(eq(zeros({2, 3}), zeros({2})), Error);
  try {
    gt(zeros({2, 3}), zeros({4}));
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gt"), std::string::npos) << e.what();
  }
}

TEST(ElementwiseCompare, NaNAndNonContiguous) {
  Tensor n = tensor({NAN, 1.0});
  EXPECT_EQ(bits(n == n), (std::vector<int>{0, 1}));
  EXPECT_EQ(bits(n != n), (std::vector<int>{1, 0}));
  EXPECT_EQ(bits(n < 2), (std::vector<int>{0, 1}));
  Tensor m = tensor({{1.0, 2.0}, {3.0, 4.0}}).t();  // [[1,3],[2,4]], non-contiguous
  EXPECT_EQ(bits(m > 2), (std::vector<int>{0, 1, 0, 1}));
}

TEST(ElementwiseCompare, ResultIsNotDifferentiable) {
  Tensor x = tensor({1.0, -1.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor m = x > 0;
  EXPECT_FALSE(m.requires_grad());
  EXPECT_FALSE(m.grad_fn());
  // Used as a mask, it blocks the gradient where false.
  (x * m).sum().backward();
  EXPECT_DOUBLE_EQ(x.grad().contiguous().data_ptr<double>()[0], 1.0);
  EXPECT_DOUBLE_EQ(x.grad().contiguous().data_ptr<double>()[1], 0.0);
}

}  // namespace
}  // namespace nabla
