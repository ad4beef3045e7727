// Loss modules: each equals its functional loss with the same options; printing and use in a training step.
#include <gtest/gtest.h>

#include <sstream>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

namespace F = nn::functional;

double item(const Tensor& t) { return t.item<double>(); }

TEST(LossModule, MatchesFunctional) {
  manual_seed(5);
  auto o = TensorOptions().dtype(kFloat64);
  Tensor x = randn({4, 3}, o), y = randn({4, 3}, o);
  Tensor p = rand({4, 3}, o) * 0.8 + 0.1, t = rand({4, 3}, o);
  Tensor cls = tensor({0, 2, 1, 2}, TensorOptions().dtype(kInt64));
  Tensor cw = tensor({1.0, 2.0, 0.5});
  EXPECT_EQ(item(nn::MSELoss()(x, y)), item(F::mse_loss(x, y)));
  expect_close(nn::MSELoss(nn::MSELossOptions(kNone))(x, y), values(F::mse_loss(x, y, kNone)), 0);
  EXPECT_EQ(item(nn::L1Loss(nn::L1LossOptions(kSum))(x, y)), item(F::l1_loss(x, y, kSum)));
  EXPECT_EQ(item(nn::SmoothL1Loss(nn::SmoothL1LossOptions().beta(0.5))(x, y)),
            item(F::smooth_l1_loss(x, y, F::SmoothL1LossFuncOptions().beta(0.5))));
  EXPECT_EQ(item(nn::HuberLoss(nn::HuberLossOptions().delta(0.3))(x, y)),
            item(F::huber_loss(x, y, F::HuberLossFuncOptions().delta(0.3))));
  EXPECT_EQ(item(nn::BCELoss()(p, t)), item(F::binary_cross_entropy(p, t)));
  EXPECT_EQ(item(nn::BCEWithLogitsLoss(nn::BCEWithLogitsLossOptions().pos_weight(tensor({1.0, 2.0, 3.0})))(x, t)),
            item(F::binary_cross_entropy_with_logits(
                x, t, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(tensor({1.0, 2.0, 3.0})))));
  EXPECT_EQ(item(nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().weight(cw).label_smoothing(0.1))(x, cls)),
            item(F::cross_entropy(x, cls, F::CrossEntropyFuncOptions().weight(cw).label_smoothing(0.1))));
  Tensor logp = log_softmax(x, 1);
  EXPECT_EQ(item(nn::NLLLoss(nn::NLLLossOptions().ignore_index(2))(logp, cls)),
            item(F::nll_loss(logp, cls, F::NLLLossFuncOptions().ignore_index(2))));
  Tensor q = softmax(y, 1);
  EXPECT_EQ(item(nn::KLDivLoss(nn::KLDivLossOptions(kBatchMean))(logp, q)),
            item(F::kl_div(logp, q, F::KLDivFuncOptions(kBatchMean))));
  // A hand-checked value: MSE of [1, 2] against [0, 0] is 2.5.
  EXPECT_DOUBLE_EQ(item(nn::MSELoss()(tensor({1.0, 2.0}), tensor({0.0, 0.0}))), 2.5);
}

TEST(LossModule, PrintsAndHasNoParameters) {
  std::ostringstream os;
  os << *nn::CrossEntropyLoss();
  EXPECT_EQ(os.str(), "CrossEntropyLoss()");
  EXPECT_TRUE(nn::BCEWithLogitsLoss()->parameters().empty());
  EXPECT_TRUE(nn::KLDivLoss()->state_dict().is_empty());
}

TEST(LossModule, ErrorsComeFromTheFunctionalLoss) {
  nn::NLLLoss nll;
  std::string e = error_of([&] { nll(randn({2, 3}), tensor({0, 3}, TensorOptions().dtype(kInt64))); });
  EXPECT_NE(e.find("nll_loss"), std::string::npos) << e;
}

TEST(LossModule, TrainsALinearLayer) {
  manual_seed(6);
  nn::Linear fc(3, 2);
  nn::CrossEntropyLoss loss_fn;
  optim::SGD opt(fc->parameters(), optim::SGDOptions(0.5));
  Tensor x = randn({8, 3});
  Tensor y = tensor({0, 1, 0, 1, 1, 0, 0, 1}, TensorOptions().dtype(kInt64));
  double first = 0, last = 0;
  for (int i = 0; i < 20; ++i) {
    opt.zero_grad();
    Tensor l = loss_fn(fc(x), y);
    if (i == 0) first = l.item<double>();
    last = l.item<double>();
    l.backward();
    opt.step();
  }
  EXPECT_LT(last, first);
}

}  // namespace
}  // namespace nabla::testing
