// cross_entropy's fused path ((N, C) logits, class indices, no weights, no smoothing): one node, the same values
// and gradients as the composite log_softmax + nll_loss (PyTorch's own definition), first and second order.
#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "ops/gradcheck_registry.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

namespace F = nn::functional;

Tensor idx(std::initializer_list<NestedList> v) { return tensor(v, TensorOptions().dtype(kInt64)); }

// The composite definition: nll_loss of log_softmax (nabla's own, itself checked against PyTorch's fixtures).
Tensor composite(const Tensor& x, const Tensor& t, Reduction r) {
  return F::nll_loss(log_softmax(x, 1), t, F::NLLLossFuncOptions().reduction(r).ignore_index(-100));
}

TEST(CrossEntropyFused, MatchesLogSoftmaxAndNllLossWithIgnoredLines) {
  for (ScalarType dt : {kFloat32, kFloat64}) {
    for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
      manual_seed(3);
      const Tensor x0 = (randn({7, 5}) * 3).to(dt);
      const Tensor t = idx({4, -100, 0, 2, -100, 1, 3});
      Tensor a = x0.clone().requires_grad_(true), b = x0.clone().requires_grad_(true);
      const Tensor la = F::cross_entropy(a, t, F::CrossEntropyFuncOptions().reduction(r));
      const Tensor lb = composite(b, t, r);
      ASSERT_EQ(la.grad_fn()->name(), "NllLossBackward0");  // the fused node (the composite's last is another)
      const double tol = dt == kFloat32 ? 1e-6 : 1e-14;
      EXPECT_TRUE(allclose(la, lb, tol, tol)) << la << lb;
      // A weighted sum, so that a kNone loss gets a different gradient per line.
      const Tensor w = arange(la.numel(), TensorOptions().dtype(dt)).reshape(la.sizes()) + 1;
      (la * w).sum().backward();
      (lb * w).sum().backward();
      EXPECT_TRUE(allclose(a.grad(), b.grad(), tol, tol)) << a.grad() << b.grad();
      // Ignored lines get no gradient.
      EXPECT_EQ(a.grad()[1].abs().sum().item<double>(), 0.0);
      EXPECT_EQ(a.grad()[4].abs().sum().item<double>(), 0.0);
    }
  }
}

TEST(CrossEntropyFused, HandDerivedGradientIsSoftmaxMinusOneHotOverN) {
  // d mean(-log softmax(x)[t]) / dx = (softmax(x) - one_hot(t)) / N.
  Tensor x = tensor({{1.0, 2.0, 0.5}, {-1.0, 0.0, 3.0}}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  const Tensor t = idx({1, 0});
  Tensor loss = F::cross_entropy(x, t);
  const double e0[] = {std::exp(1.0), std::exp(2.0), std::exp(0.5)}, e1[] = {std::exp(-1.0), 1.0, std::exp(3.0)};
  const double s0 = e0[0] + e0[1] + e0[2], s1 = e1[0] + e1[1] + e1[2];
  EXPECT_NEAR(loss.item<double>(), (std::log(s0) - 2.0 + std::log(s1) + 1.0) / 2, 1e-14);
  loss.backward();
  const Tensor g = x.grad();
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(g[0][k].item<double>(), (e0[k] / s0 - (k == 1)) / 2, 1e-15);
    EXPECT_NEAR(g[1][k].item<double>(), (e1[k] / s1 - (k == 0)) / 2, 1e-15);
  }
}

TEST(CrossEntropyFused, EveryLineIgnoredGivesNanMeanAndZeroGradient) {
  Tensor x = randn({3, 4}).requires_grad_(true);
  Tensor loss = F::cross_entropy(x, idx({-100, -100, -100}));
  EXPECT_TRUE(std::isnan(loss.item<float>()));  // 0 / 0, as PyTorch
  loss.backward();
  EXPECT_EQ(x.grad().abs().sum().item<float>(), 0.0f);
  Tensor s = F::cross_entropy(x, idx({-100, -100, -100}), F::CrossEntropyFuncOptions().reduction(Reduction::Sum));
  EXPECT_EQ(s.item<float>(), 0.0f);
}

TEST(CrossEntropyFused, NonContiguousLogitsAndInt32Targets) {
  manual_seed(5);
  const Tensor base = randn({4, 6});
  const Tensor x = base.t();  // (6, 4), not contiguous
  const Tensor t32 = idx({0, 3, 1, 2, 2, 0}).to(kInt32);
  EXPECT_TRUE(
      allclose(F::cross_entropy(x, t32), composite(x.contiguous(), t32.to(kInt64), Reduction::Mean), 1e-6, 1e-6));
}

TEST(CrossEntropyFused, SavedLogitsModifiedInPlaceAreAnError) {
  Tensor w = randn({2, 3}).requires_grad_(true);
  Tensor x = w * 1.0;
  Tensor loss = F::cross_entropy(x, idx({0, 2}));
  x.mul_(2.0);
  const std::string msg = error_of([&] { loss.backward(); });
  EXPECT_NE(msg.find("modified by an inplace operation"), std::string::npos) << msg;
}

// The fused path's first and second order (gradgradcheck goes through the backward's differentiable form).
NABLA_GRADCHECK_CASE(
    CrossEntropy, "mean, one line ignored",
    [] {
      return tensor_list{rand64({4, 5}, -2, 2)};
    },
    [](const tensor_list& x) {
      return tensor_list{F::cross_entropy(x[0], idx({1, -100, 4, 0}))};
    });
NABLA_GRADCHECK_CASE(
    CrossEntropy, "none, non-contiguous",
    [] {
      return tensor_list{rand64_noncontiguous({3, 4})};
    },
    [](const tensor_list& x) {
      return tensor_list{
          F::cross_entropy(x[0], idx({2, 0, 3}), F::CrossEntropyFuncOptions().reduction(Reduction::None))};
    });

}  // namespace
}  // namespace nabla::testing
