// Checks the math the seed walkthrough prints (examples/seed_math.h): hand backprop against closed-form
// numbers, against nabla's autograd and against finite differences; and that gradient descent learns.
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>

#include "../../examples/seed_math.h"

namespace seed {
// Names the activation in gtest's messages.
void PrintTo(Activation a, std::ostream* os) { *os << name(a); }
}  // namespace seed

namespace {

using seed::Activation;

// One neuron, x = 2, y = 1, w = 0.5, b = 0, lr = 0.1. With s = sigmoid(1):
//   dL/dw = 2 (s - 1) s (1 - s) x = -4 s (1 - s)^2,   dL/db = -2 s (1 - s)^2,
//   w' = 0.5 + 0.4 s (1 - s)^2,                       b' = 0.2 s (1 - s)^2.
TEST(SeedNeuron, HandStepMatchesClosedForm) {
  const double s = 1.0 / (1.0 + std::exp(-1.0));
  seed::NeuronStep h = seed::neuron_by_hand({});
  EXPECT_DOUBLE_EQ(h.z, 1.0);
  EXPECT_NEAR(h.y_hat, s, 1e-15);
  EXPECT_NEAR(h.loss, (1 - s) * (1 - s), 1e-15);
  EXPECT_NEAR(h.dL_dyhat, 2 * (s - 1), 1e-15);
  EXPECT_NEAR(h.dyhat_dz, s * (1 - s), 1e-15);
  EXPECT_NEAR(h.dL_dw, -4 * s * (1 - s) * (1 - s), 1e-15);
  EXPECT_NEAR(h.dL_db, -2 * s * (1 - s) * (1 - s), 1e-15);
  EXPECT_NEAR(h.w_new, 0.5 + 0.4 * s * (1 - s) * (1 - s), 1e-15);
  EXPECT_NEAR(h.b_new, 0.2 * s * (1 - s) * (1 - s), 1e-15);
  // The numbers the walkthrough prints (and the seed tutorial's "w ~ 0.521, b ~ 0.0106").
  EXPECT_NEAR(h.y_hat, 0.7310585786300049, 1e-15);
  EXPECT_NEAR(h.loss, 0.07232948812851325, 1e-15);
  EXPECT_NEAR(h.w_new, 0.5211508371137067, 1e-15);
  EXPECT_NEAR(h.b_new, 0.010575418556853344, 1e-15);
}

TEST(SeedNeuron, AutogradStepMatchesHand) {
  seed::NeuronStep h = seed::neuron_by_hand({});
  seed::NeuronStep a = seed::neuron_by_autograd({});
  EXPECT_NEAR(a.z, h.z, 1e-12);
  EXPECT_NEAR(a.y_hat, h.y_hat, 1e-12);
  EXPECT_NEAR(a.loss, h.loss, 1e-12);
  EXPECT_NEAR(a.dL_dw, h.dL_dw, 1e-12);
  EXPECT_NEAR(a.dL_db, h.dL_db, 1e-12);
  EXPECT_NEAR(a.w_new, h.w_new, 1e-12);
  EXPECT_NEAR(a.b_new, h.b_new, 1e-12);
  EXPECT_NEAR(a.w_new, 0.5211508371137067, 1e-12);
  EXPECT_NEAR(a.b_new, 0.010575418556853344, 1e-12);
}

TEST(SeedNeuron, OtherStartingPointAgrees) {
  seed::NeuronProblem p;
  p.x = -1.5, p.y = 0.25, p.w = 1.2, p.b = -0.3, p.lr = 0.7;
  seed::NeuronStep h = seed::neuron_by_hand(p);
  seed::NeuronStep a = seed::neuron_by_autograd(p);
  EXPECT_NEAR(a.dL_dw, h.dL_dw, 1e-12);
  EXPECT_NEAR(a.dL_db, h.dL_db, 1e-12);
  EXPECT_NEAR(a.w_new, h.w_new, 1e-12);
  EXPECT_NEAR(a.b_new, h.b_new, 1e-12);
}

// Loss of the 2-3-1 net by the hand forward pass, for central differences.
double hand_loss(const seed::Net& n, Activation act) {
  return seed::backprop_by_hand(n, seed::example_x(), seed::example_y(), act).loss;
}

void expect_close(const seed::Mat& a, const seed::Mat& b, double tol, const char* what) {
  ASSERT_EQ(a.rows, b.rows) << what;
  ASSERT_EQ(a.cols, b.cols) << what;
  for (size_t i = 0; i < a.v.size(); ++i) EXPECT_NEAR(a.v[i], b.v[i], tol) << what << " element " << i;
}

class SeedHiddenLayer : public ::testing::TestWithParam<Activation> {};

TEST_P(SeedHiddenLayer, HandGradientsEqualAutograd) {
  const Activation act = GetParam();
  seed::Net n = seed::example_net();
  seed::Backprop h = seed::backprop_by_hand(n, seed::example_x(), seed::example_y(), act);
  seed::Grads g = seed::backprop_by_autograd(n, seed::example_x(), seed::example_y(), act);
  EXPECT_NEAR(g.loss, h.loss, 1e-12);
  expect_close(h.dW1, g.dW1, 1e-12, "dW1");
  expect_close(h.db1, g.db1, 1e-12, "db1");
  expect_close(h.dW2, g.dW2, 1e-12, "dW2");
  expect_close(h.db2, g.db2, 1e-12, "db2");
}

// Independent of nabla: the hand formulas against central differences of the hand loss.
TEST_P(SeedHiddenLayer, HandGradientsEqualFiniteDifferences) {
  const Activation act = GetParam();
  const seed::Net n0 = seed::example_net();
  seed::Backprop h = seed::backprop_by_hand(n0, seed::example_x(), seed::example_y(), act);
  const double eps = 1e-6;
  auto check = [&](seed::Mat seed::Net::*param, const seed::Mat& analytic, const char* what) {
    for (size_t i = 0; i < analytic.v.size(); ++i) {
      seed::Net plus = n0, minus = n0;
      (plus.*param).v[i] += eps;
      (minus.*param).v[i] -= eps;
      double numeric = (hand_loss(plus, act) - hand_loss(minus, act)) / (2 * eps);
      EXPECT_NEAR(analytic.v[i], numeric, 1e-8) << what << " element " << i;
    }
  };
  check(&seed::Net::W1, h.dW1, "dW1");
  check(&seed::Net::b1, h.db1, "db1");
  check(&seed::Net::W2, h.dW2, "dW2");
  check(&seed::Net::b2, h.db2, "db2");
}

INSTANTIATE_TEST_SUITE_P(Activations, SeedHiddenLayer, ::testing::Values(Activation::Sigmoid, Activation::ReLU),
                         [](const auto& info) { return std::string(seed::name(info.param)); });

TEST(SeedHiddenLayer, ReluDeadUnitGetsNoGradient) {
  seed::Backprop h =
      seed::backprop_by_hand(seed::example_net(), seed::example_x(), seed::example_y(), Activation::ReLU);
  ASSERT_LT(h.z1(2, 0), 0.0);  // the example's weights switch hidden unit 3 off
  ASSERT_GT(h.z2(0, 0), 0.0);  // while the output unit stays on
  EXPECT_EQ(h.dW1(2, 0), 0.0);
  EXPECT_EQ(h.dW1(2, 1), 0.0);
  EXPECT_EQ(h.db1(2, 0), 0.0);
  EXPECT_NE(h.dW1(0, 0), 0.0);
}

TEST(SeedGradientDescent, ReluLossFallsTenfoldIn20Steps) {
  seed::Net n = seed::example_net();
  auto losses = seed::train_by_hand(n, seed::toy_data(), Activation::ReLU, 0.5, 20);
  ASSERT_EQ(losses.size(), 21u);
  EXPECT_NEAR(losses.front(), 0.195125, 1e-12);
  EXPECT_LT(losses.back(), 0.1 * losses.front());
  for (size_t i = 1; i < losses.size(); ++i) EXPECT_LT(losses[i], losses[i - 1]) << "step " << i;
}

TEST(SeedGradientDescent, SigmoidLossFallsSlowly) {
  seed::Net n = seed::example_net();
  auto losses = seed::train_by_hand(n, seed::toy_data(), Activation::Sigmoid, 0.5, 20);
  for (size_t i = 1; i < losses.size(); ++i) EXPECT_LT(losses[i], losses[i - 1]) << "step " << i;
  EXPECT_LT(losses.back(), 0.95 * losses.front());
  EXPECT_GT(losses.back(), 0.5 * losses.front());  // the slow convergence the walkthrough points out
}

TEST(SeedGradientDescent, AutogradTrainingMatchesHand) {
  for (Activation act : {Activation::ReLU, Activation::Sigmoid}) {
    seed::Net hand = seed::example_net(), autograd = seed::example_net();
    auto lh = seed::train_by_hand(hand, seed::toy_data(), act, 0.5, 20);
    auto la = seed::train_by_autograd(autograd, seed::toy_data(), act, 0.5, 20);
    ASSERT_EQ(lh.size(), la.size());
    for (size_t i = 0; i < lh.size(); ++i) EXPECT_NEAR(la[i], lh[i], 1e-12) << seed::name(act) << " step " << i;
    expect_close(hand.W1, autograd.W1, 1e-12, "W1");
    expect_close(hand.W2, autograd.W2, 1e-12, "W2");
    expect_close(hand.b1, autograd.b1, 1e-12, "b1");
    expect_close(hand.b2, autograd.b2, 1e-12, "b2");
  }
}

}  // namespace
