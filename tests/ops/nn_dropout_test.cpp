// dropout: mask statistics and scaling, gradient = mask / (1 - p), identity cases, p = 1, in place, errors.
#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "test_util.h"

using namespace nabla;
using nabla::testing::values;
namespace F = nabla::nn::functional;

namespace {
template <typename Fn>
std::string error_of(Fn f) {
  try {
    f();
  } catch (const nabla::Error& e) {
    return e.what();
  }
  return "<no nabla::Error thrown>";
}
}  // namespace

TEST(Dropout, KeepsAboutOneMinusPAndScales) {
  manual_seed(0);
  const double p = 0.3;
  auto x = full({20000}, 2.0, TensorOptions().dtype(kFloat32).requires_grad(true));
  auto y = F::dropout(x, F::DropoutFuncOptions().p(p));
  EXPECT_EQ(y.sizes().vec(), x.sizes().vec());
  EXPECT_EQ(y.dtype(), kFloat32);
  auto v = values(y);
  int kept = 0;
  for (double e : v) {
    if (e != 0.0) {
      ++kept;
      EXPECT_NEAR(e, 2.0 / (1.0 - p), 1e-5);
    }
  }
  // Binomial(20000, 0.7): sd ~ 65; 6 sd tolerance.
  EXPECT_NEAR(kept, 14000, 400);
  y.sum().backward();
  auto g = values(x.grad());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(g[i], v[i] == 0.0 ? 0.0 : 1.0 / (1.0 - p), 1e-5) << i;
}

TEST(Dropout, SameSeedSameMask) {
  auto x = ones({1000});
  manual_seed(42);
  auto a = values(dropout(x, 0.5, true));
  manual_seed(42);
  auto b = values(dropout(x, 0.5, true));
  EXPECT_EQ(a, b);
  auto c = values(dropout(x, 0.5, true));
  EXPECT_NE(a, c);
}

TEST(Dropout, IdentityWhenEvalOrPZero) {
  auto x = tensor({1.0, -2.0, 3.0});
  EXPECT_TRUE(F::dropout(x, F::DropoutFuncOptions().p(0.9).training(false)).is_same(x));
  EXPECT_TRUE(dropout(x, 0.9, false).is_same(x));
  EXPECT_TRUE(dropout(x, 0.0, true).is_same(x));
}

TEST(Dropout, POneGivesZerosAndZeroGrad) {
  auto x = tensor({1.0, -2.0, 3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto y = dropout(x, 1.0, true);
  EXPECT_EQ(values(y), (std::vector<double>{0, 0, 0}));
  y.sum().backward();
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 0, 0}));
}

TEST(Dropout, InplaceModifiesInput) {
  manual_seed(3);
  auto x = ones({200});
  const auto version = x._version();
  auto y = F::dropout(x, F::DropoutFuncOptions().p(0.5).inplace(true));
  EXPECT_TRUE(y.is_alias_of(x));
  EXPECT_GT(x._version(), version);
  int zeros_seen = 0, twos_seen = 0;
  for (double e : values(x)) {
    zeros_seen += e == 0.0;
    twos_seen += e == 2.0;
  }
  EXPECT_EQ(zeros_seen + twos_seen, 200);
  EXPECT_GT(zeros_seen, 50);
  EXPECT_GT(twos_seen, 50);
}

TEST(Dropout, Errors) {
  auto msg = error_of([] { dropout(ones({3}), 1.5, true); });
  EXPECT_NE(msg.find("dropout: dropout probability has to be between 0 and 1, but got 1.5"), std::string::npos) << msg;
  msg = error_of([] { F::dropout(ones({3}), F::DropoutFuncOptions().p(-0.1)); });
  EXPECT_NE(msg.find("dropout: dropout probability has to be between 0 and 1"), std::string::npos) << msg;
  msg = error_of([] { dropout(tensor({1, 2, 3}), 0.5, true); });
  EXPECT_NE(msg.find("dropout: expected a floating-point input"), std::string::npos) << msg;
}

TEST(Dropout, InplaceOnNonLeafKeepsTheGraph) {
  manual_seed(5);
  auto x = full({400}, 3.0, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto h = x * 1.0;
  F::dropout(h, F::DropoutFuncOptions().p(0.25).inplace(true));
  h.sum().backward();
  auto vh = values(h), g = values(x.grad());
  int dropped = 0;
  for (size_t i = 0; i < vh.size(); ++i) {
    // kept: h = 3 / 0.75 = 4 and dh/dx = 1 / 0.75; dropped: both 0
    const bool kept = vh[i] != 0.0;
    dropped += !kept;
    EXPECT_NEAR(vh[i], kept ? 4.0 : 0.0, 1e-12);
    EXPECT_NEAR(g[i], kept ? 1.0 / 0.75 : 0.0, 1e-12);
  }
  EXPECT_GT(dropped, 50);
  EXPECT_LT(dropped, 150);
  // In place on a leaf that requires grad is refused, as in PyTorch.
  auto leaf = ones({3}, TensorOptions().requires_grad(true));
  auto msg = error_of([&] { F::dropout(leaf, F::DropoutFuncOptions().p(0.5).inplace(true)); });
  EXPECT_NE(msg.find("dropout: inplace=true on a leaf tensor that requires grad"), std::string::npos) << msg;
  EXPECT_TRUE(leaf.grad_fn() == nullptr);
}
