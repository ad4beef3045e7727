// User mistakes in the losses throw nabla::Error naming the loss and the offending shapes / values.
#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

namespace F = nn::functional;
// msg contains sub (the message is printed on failure).
#define EXPECT_HAS(msg, sub)                          \
  do {                                                \
    const std::string m_ = (msg);                     \
    EXPECT_NE(m_.find(sub), std::string::npos) << m_; \
  } while (0)

Tensor idx(std::initializer_list<NestedList> v) { return tensor(v, TensorOptions().dtype(kInt64)); }

TEST(LossErrors, CrossEntropyFloatTargetOfOtherShape) {
  const std::string msg = error_of([] { F::cross_entropy(zeros({4, 3}), zeros({4})); });
  EXPECT_HAS(msg, "cross_entropy");
  EXPECT_HAS(msg, "[4, 3]");
  EXPECT_HAS(msg, "[4]");
}

TEST(LossErrors, CrossEntropyTargetOutOfRange) {
  const std::string msg = error_of([] { F::cross_entropy(zeros({2, 3}), idx({0, 3})); });
  EXPECT_HAS(msg, "cross_entropy: target 3 is out of bounds for 3 classes");
  EXPECT_HAS(error_of([] { F::cross_entropy(zeros({2, 3}), idx({-1, 0})); }), "target -1");
  // ignore_index values are allowed out of range.
  EXPECT_NO_THROW(F::cross_entropy(zeros({2, 3}), idx({-100, 1})));
}

TEST(LossErrors, NllShapesAndDtypes) {
  EXPECT_HAS(error_of([] {
               F::nll_loss(zeros({4, 3}), idx({0, 1, 2}));
             }),
             "nll_loss: expected target of shape [4] for input of shape [4, 3]");
  EXPECT_HAS(error_of([] { F::nll_loss(zeros({4, 3}), zeros({4})); }), "nll_loss: expected class indices");
  EXPECT_HAS(error_of([] { F::nll_loss(zeros({2, 3, 5}), zeros({2, 4}, kInt64)); }), "[2, 5]");
  EXPECT_HAS(error_of([] {
               F::nll_loss(zeros({2, 3}), idx({0, 1}), F::NLLLossFuncOptions().weight(ones({4})));
             }),
             "nll_loss: weight must be 1-D with one entry per class (3)");
  EXPECT_HAS(error_of([] { F::nll_loss(zeros({2, 3}), idx({0, 7})); }), "nll_loss: target 7");
}

TEST(LossErrors, BceTargets) {
  EXPECT_HAS(error_of([] {
               F::binary_cross_entropy(full({3}, 0.5), idx({0, 1, 1}));
             }),
             "binary_cross_entropy: expected a floating-point target");
  EXPECT_HAS(error_of([] {
               F::binary_cross_entropy_with_logits(zeros({3}), idx({0, 1, 1}));
             }),
             "binary_cross_entropy_with_logits: expected a floating-point target");
  EXPECT_HAS(error_of([] {
               F::binary_cross_entropy(full({2, 3}, 0.5), zeros({3}));
             }),
             "binary_cross_entropy: target shape [3] must equal the input shape [2, 3]");
  EXPECT_HAS(error_of([] { F::binary_cross_entropy(full({3}, 1.5), zeros({3})); }),
             "binary_cross_entropy: all elements of input must be probabilities in [0, 1]");
  EXPECT_HAS(error_of([] {
               F::binary_cross_entropy_with_logits(zeros({2, 3}), zeros({2, 3}),
                                                   F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(ones({2})));
             }),
             "pos_weight shape [2]");
}

TEST(LossErrors, RegressionShapesAndOptions) {
  EXPECT_HAS(error_of([] { F::l1_loss(zeros({2, 3}), zeros({4})); }), "l1_loss");
  EXPECT_HAS(error_of([] { F::huber_loss(zeros({2}), zeros({2}), F::HuberLossFuncOptions().delta(0)); }),
             "huber_loss: delta must be positive");
  EXPECT_HAS(error_of([] { F::smooth_l1_loss(zeros({2}), zeros({2}), F::SmoothL1LossFuncOptions().beta(-1)); }),
             "smooth_l1_loss: beta must be non-negative");
  EXPECT_HAS(error_of([] { F::kl_div(zeros({2, 3}), zeros({4})); }), "kl_div");
  EXPECT_HAS(error_of([] { F::l1_loss(zeros({2}), idx({1, 2})); }), "l1_loss: expected floating-point");
}

// Behaviour checks beyond the fixtures: option defaults, all-ignored mean is NaN as in PyTorch, reductions.
TEST(LossBehaviour, OptionDefaultsMatchLibTorch) {
  F::CrossEntropyFuncOptions ce;
  EXPECT_EQ(ce.ignore_index(), -100);
  EXPECT_EQ(ce.label_smoothing(), 0.0);
  EXPECT_EQ(ce.reduction(), kMean);
  EXPECT_FALSE(ce.weight().defined());
  EXPECT_EQ(F::SmoothL1LossFuncOptions().beta(), 1.0);
  EXPECT_EQ(F::HuberLossFuncOptions().delta(), 1.0);
  EXPECT_FALSE(F::KLDivFuncOptions().log_target());
  EXPECT_EQ(F::KLDivFuncOptions().reduction(), F::KLDivFuncOptions::Mode::Mean);
  EXPECT_EQ(F::KLDivFuncOptions(kBatchMean).reduction(), F::KLDivFuncOptions::Mode::BatchMean);
}

TEST(LossBehaviour, AllIgnoredMeanIsNan) {
  Tensor x = zeros({2, 3}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  Tensor l = F::cross_entropy(x, idx({-100, -100}));
  EXPECT_TRUE(std::isnan(l.item<double>()));
  Tensor s = F::cross_entropy(x, idx({-100, -100}), F::CrossEntropyFuncOptions().reduction(kSum));
  EXPECT_EQ(s.item<double>(), 0.0);
  s.backward();
  expect_close(x.grad(), std::vector<double>(6, 0.0));
}

TEST(LossBehaviour, CrossEntropyStableForHugeLogits) {
  Tensor x = tensor({{1e4, -1e4}}, TensorOptions().dtype(kFloat32)).requires_grad_(true);
  Tensor l = F::cross_entropy(x, idx({1}));
  EXPECT_FLOAT_EQ(l.item<float>(), 2e4f);
  l.backward();
  expect_close(x.grad(), {1.0, -1.0}, 1e-6);
}

TEST(LossBehaviour, BceWithLogitsStableForHugeLogits) {
  Tensor x = tensor({-1000.0, 1000.0}, TensorOptions().dtype(kFloat32)).requires_grad_(true);
  Tensor l = F::binary_cross_entropy_with_logits(x, tensor({1.0, 0.0}),
                                                 F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(kSum));
  EXPECT_FLOAT_EQ(l.item<float>(), 2000.0f);
  l.backward();
  expect_close(x.grad(), {-1.0, 1.0}, 1e-6);
}

// Second-order gradients (composites of differentiable ops; BCE's custom backward is differentiable too).
TEST(LossGradcheck, FirstAndSecondOrderFloat64) {
  auto u = [](IntArrayRef s, double lo, double hi) {
    return (rand(s, TensorOptions().dtype(kFloat64)) * (hi - lo) + lo).requires_grad_(true);
  };
  manual_seed(7);
  const Tensor target_idx = idx({0, 2, -100, 1});
  const Tensor w = tensor({0.5, 2.0, 1.5}, TensorOptions().dtype(kFloat64));
  std::vector<std::pair<std::string, std::function<autograd::tensor_list(const autograd::tensor_list&)>>> fns = {
      {"smooth_l1",
       [](const autograd::tensor_list& v) {
         return autograd::tensor_list{F::smooth_l1_loss(v[0] * 3.0, v[1], F::SmoothL1LossFuncOptions().beta(0.7))};
       }},
      {"huber",
       [](const autograd::tensor_list& v) {
         return autograd::tensor_list{F::huber_loss(v[0] * 3.0, v[1], F::HuberLossFuncOptions(kSum).delta(0.8))};
       }},
      {"bce",
       [w](const autograd::tensor_list& v) {
         return autograd::tensor_list{
             F::binary_cross_entropy(v[0] * 0.8 + 0.1, v[1] * 0.5 + 0.5, F::BinaryCrossEntropyFuncOptions().weight(w))};
       }},
      {"bce_logits",
       [w](const autograd::tensor_list& v) {
         return autograd::tensor_list{F::binary_cross_entropy_with_logits(
             v[0] * 4.0 - 2.0, v[1] * 0.5 + 0.5, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(w))};
       }},
      {"cross_entropy",
       [w, target_idx](const autograd::tensor_list& v) {
         return autograd::tensor_list{F::cross_entropy(v[0].reshape({4, 3}), target_idx,
                                                       F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.2))};
       }},
      {"cross_entropy_probs",
       [](const autograd::tensor_list& v) {
         return autograd::tensor_list{F::cross_entropy(v[0].reshape({4, 3}), v[1].reshape({4, 3}).softmax(1))};
       }},
      {"kl_div",
       [](const autograd::tensor_list& v) {
         return autograd::tensor_list{F::kl_div(v[0].reshape({4, 3}).log_softmax(1), v[1].reshape({4, 3}).softmax(1),
                                                F::KLDivFuncOptions(kBatchMean))};
       }},
  };
  for (auto& [name, fn] : fns) {
    SCOPED_TRACE(name);
    const autograd::tensor_list in = {u({4, 3}, 0.0, 1.0), u({4, 3}, 0.0, 1.0)};
    EXPECT_NO_THROW(EXPECT_TRUE(autograd::gradcheck(fn, in))) << name;
    EXPECT_NO_THROW(EXPECT_TRUE(autograd::gradgradcheck(fn, in))) << name;
  }
}

}  // namespace
}  // namespace nabla::testing

namespace nabla::testing {
namespace {

TEST(LossBehaviour, SmoothL1BetaArgument) {
  namespace F = nn::functional;
  const Tensor x = tensor({0.0, 0.0}, TensorOptions().dtype(kFloat64)),
               y = tensor({0.2, 3.0}, TensorOptions().dtype(kFloat64));
  // beta 0.5: 0.5 * 0.04 / 0.5 = 0.04 and 3 - 0.25 = 2.75
  EXPECT_NEAR(F::smooth_l1_loss(x, y, kSum, 0.5).item<double>(), 2.79, 1e-12);
  EXPECT_NEAR(F::smooth_l1_loss(x, y, F::SmoothL1LossFuncOptions(kSum).beta(0.5)).item<double>(), 2.79, 1e-12);
}

TEST(LossBehaviour, Float64WeightsKeepFloat32Loss) {
  namespace F = nn::functional;
  const Tensor w = tensor({1.0, 2.0}, TensorOptions().dtype(kFloat64));
  const Tensor x = full({3, 2}, 0.25), y = full({3, 2}, 1.0);
  EXPECT_EQ(F::binary_cross_entropy(x, y, F::BinaryCrossEntropyFuncOptions().weight(w)).dtype(), kFloat32);
  EXPECT_EQ(F::binary_cross_entropy_with_logits(x, y, nn::BCEWithLogitsLossOptions().weight(w).pos_weight(w)).dtype(),
            kFloat32);
  EXPECT_EQ(F::cross_entropy(x, tensor({0, 1, 1}), F::CrossEntropyFuncOptions().weight(w)).dtype(), kFloat32);
  // -log(0.25) * (1 + 2) * 3 / 6 elements
  EXPECT_NEAR(F::binary_cross_entropy(x, y, F::BinaryCrossEntropyFuncOptions().weight(w)).item<double>(),
              -std::log(0.25) * 1.5, 1e-6);
}

}  // namespace
}  // namespace nabla::testing

namespace nabla::testing {
namespace {

// cross_entropy agrees with log_softmax + nll_loss, also past the CPU parallel threshold.
TEST(LossBehaviour, CrossEntropyMatchesLogSoftmaxNll) {
  namespace F = nn::functional;
  manual_seed(3);
  // The second size is past the CPU parallel threshold (rows split over threads).
  for (auto [n, c] : {std::pair<int64_t, int64_t>{37, 11}, {4000, 10}}) {
    SCOPED_TRACE(n);
    Tensor x = (randn({n, c}, TensorOptions().dtype(kFloat64)) * 3.0).requires_grad_(true);
    Tensor t = randint(0, c, {n});
    Tensor w = rand({c}, TensorOptions().dtype(kFloat64)) + 0.5;
    Tensor ce = F::cross_entropy(x, t, F::CrossEntropyFuncOptions().weight(w).reduction(kNone));
    Tensor comp = F::nll_loss(log_softmax(x, 1), t, F::NLLLossFuncOptions().weight(w).reduction(kNone));
    expect_close(ce, values(comp), 1e-12);
    const Tensor gw = rand({n}, TensorOptions().dtype(kFloat64));
    Tensor g1 = autograd::grad({(ce * gw).sum()}, {x})[0];
    Tensor g2 = autograd::grad({(comp * gw).sum()}, {x})[0];
    expect_close(g1, values(g2), 1e-12);
  }
}

}  // namespace
}  // namespace nabla::testing
