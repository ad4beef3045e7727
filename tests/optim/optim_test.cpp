// Optimizer unit tests: hand-computed steps, zero_grad, param groups, state, strided params, and the errors.
#include <cmath>

#include "nabla/optim.h"
#include "test_util.h"

namespace {

using namespace nabla;
using nabla::testing::error_of;
using nabla::testing::expect_close;
using nabla::testing::f64;
using nabla::testing::values;

Tensor param(std::initializer_list<NestedList> v) { return f64(v).requires_grad_(true); }

TEST(Optim, SGDStepByHand) {
  Tensor w = param({1.0, 2.0});
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  w.set_grad(f64({0.5, -1.0}));
  opt.step();
  expect_close(w, {0.95, 2.1});
}

TEST(Optim, SGDMomentumByHand) {
  // buf1 = g = 1; buf2 = 0.9 * 1 + 1 = 1.9: w = 1 - 0.1 - 0.19.
  Tensor w = param({1.0});
  optim::SGD opt({w}, optim::SGDOptions(0.1).momentum(0.9));
  for (int i = 0; i < 2; ++i) {
    w.set_grad(f64({1.0}));
    opt.step();
  }
  expect_close(w, {1.0 - 0.1 - 0.19});
  auto& st = static_cast<optim::SGDParamState&>(*opt.state().at(w.impl_ptr().get()));
  expect_close(st.momentum_buffer(), {1.9});
}

TEST(Optim, AdamFirstStepIsLrTimesSign) {
  // Step 1: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps) for float32 and float64 alike.
  for (ScalarType dt : {kFloat32, kFloat64}) {
    Tensor w = f64({1.0, -2.0, 3.0}).to(dt).requires_grad_(true);
    optim::Adam opt({w}, optim::AdamOptions(0.01));
    w.set_grad(f64({0.5, -4.0, 1e-3}).to(dt));
    opt.step();
    EXPECT_EQ(w.dtype(), dt);
    const double e = 1e-8;
    expect_close(w, {1.0 - 0.01 * 0.5 / (0.5 + e), -2.0 + 0.01 * 4.0 / (4.0 + e), 3.0 - 0.01 * 1e-3 / (1e-3 + e)},
                 dt == kFloat32 ? 1e-6 : 1e-13);
    auto& st = static_cast<optim::AdamParamState&>(*opt.state().at(w.impl_ptr().get()));
    EXPECT_EQ(st.step(), 1);
  }
}

TEST(Optim, LargeParamUpdatesEveryChunk) {
  // Past the parallel threshold and not a multiple of the chunk: every element gets the first-step update.
  const int64_t n = 70001;
  Tensor w = zeros({n}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  w.set_grad(arange(n, kFloat64) + 1.0);
  optim::Adam opt({w}, optim::AdamOptions(0.01).eps(0));
  opt.step();
  auto got = values(w);
  for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(got[i], -0.01, 1e-15) << "at " << i;
  optim::SGD sgd({w}, optim::SGDOptions(1.0));
  sgd.step();
  got = values(w);
  EXPECT_NEAR(got[n - 1], -0.01 - double(n), 1e-9);
  EXPECT_NEAR(got[8192], -0.01 - 8193.0, 1e-9);
}

TEST(Optim, AdamWDecaysWithoutGradient) {
  // A zero gradient leaves only the decoupled decay: w *= 1 - lr * wd (m = v = 0, so the Adam term is 0).
  Tensor w = param({2.0, -4.0});
  optim::AdamW opt({w}, optim::AdamWOptions(0.1).weight_decay(0.5));
  w.set_grad(f64({0.0, 0.0}));
  opt.step();
  expect_close(w, {2.0 * 0.95, -4.0 * 0.95});
  EXPECT_DOUBLE_EQ(optim::AdamWOptions().weight_decay(), 1e-2);
}

TEST(Optim, ZeroGradSetsToNoneOrZeros) {
  Tensor w = param({1.0, 2.0});
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  (w * w).sum().backward();
  ASSERT_TRUE(w.grad().defined());
  opt.zero_grad(false);
  ASSERT_TRUE(w.grad().defined());
  expect_close(w.grad(), {0.0, 0.0});
  EXPECT_FALSE(w.grad().requires_grad());
  (w * w).sum().backward();
  expect_close(w.grad(), {2.0, 4.0});  // accumulates onto the zeros
  opt.zero_grad();
  EXPECT_FALSE(w.grad().defined());
}

TEST(Optim, ParamsWithoutGradAreSkipped) {
  Tensor w = param({1.0}), v = param({5.0});
  optim::Adam opt({w, v}, optim::AdamOptions(0.1));
  w.set_grad(f64({1.0}));
  opt.step();
  expect_close(v, {5.0});
  EXPECT_EQ(opt.state().count(v.impl_ptr().get()), 0u);
  EXPECT_NE(values(w)[0], 1.0);
}

TEST(Optim, ParamGroupsHaveTheirOwnOptions) {
  Tensor w = param({1.0}), v = param({1.0}), u = param({1.0});
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{w});
  groups.emplace_back(std::vector<Tensor>{v}, std::make_unique<optim::SGDOptions>(0.5));
  optim::SGD opt(groups, optim::SGDOptions(0.1));
  opt.add_param_group(optim::OptimizerParamGroup({u}));
  ASSERT_EQ(opt.param_groups().size(), 3u);
  EXPECT_EQ(opt.size(), 3u);
  EXPECT_TRUE(opt.parameters()[2].is_same(u));
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].options().get_lr(), 0.1);
  EXPECT_DOUBLE_EQ(static_cast<optim::SGDOptions&>(opt.param_groups()[1].options()).lr(), 0.5);
  // Changing one group's lr (as an LR schedule does) leaves the defaults and the other groups alone.
  opt.param_groups()[2].options().set_lr(0.25);
  EXPECT_DOUBLE_EQ(opt.defaults().get_lr(), 0.1);
  for (Tensor t : {w, v, u}) t.set_grad(f64({1.0}));
  opt.step();
  expect_close(w, {0.9});
  expect_close(v, {0.5});
  expect_close(u, {0.75});
}

TEST(Optim, StepReturnsTheClosureLoss) {
  Tensor w = param({3.0});
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  Tensor loss = opt.step([&] {
    opt.zero_grad();
    Tensor l = (w * w).sum();
    l.backward();
    return l;
  });
  ASSERT_TRUE(loss.defined());
  EXPECT_DOUBLE_EQ(loss.item<double>(), 9.0);
  expect_close(w, {3.0 - 0.1 * 6.0});
  EXPECT_FALSE(opt.step().defined());
}

TEST(Optim, StridedParamAndBroadcastGrad) {
  // A transposed leaf is updated through a contiguous copy; the grad of sum() may be a broadcast view.
  Tensor w = nabla::testing::iota({2, 3}).t().requires_grad_(true);
  ASSERT_FALSE(w.is_contiguous());
  optim::SGD opt({w}, optim::SGDOptions(0.5));
  const uint32_t version = w._version();
  w.sum().backward();
  opt.step();
  expect_close(w, {-0.5, 2.5, 0.5, 3.5, 1.5, 4.5});
  EXPECT_GT(w._version(), version);
}

TEST(Optim, UpdatesDoNotRecordTheGraph) {
  Tensor w = param({1.0, 2.0});
  optim::RMSprop opt({w}, optim::RMSpropOptions(0.01).momentum(0.9).centered(true));
  (w * w).sum().backward();
  opt.step();
  EXPECT_TRUE(w.is_leaf());
  EXPECT_FALSE(w.grad_fn());
  EXPECT_TRUE(w.requires_grad());
}

TEST(OptimErrors, InvalidOptions) {
  Tensor w = param({1.0});
  EXPECT_NE(error_of([&] { optim::SGD({w}, optim::SGDOptions(-0.1)); }).find("SGD: invalid learning rate -0.1"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              optim::SGD({w}, optim::SGDOptions(0.1).nesterov(true));
            }).find("SGD: nesterov momentum requires a momentum > 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              optim::SGD({w}, optim::SGDOptions(0.1).momentum(0.9).dampening(0.1).nesterov(true));
            }).find("zero dampening"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              optim::Adam({w}, optim::AdamOptions(0.1).betas({1.0, 0.999}));
            }).find("Adam: invalid beta parameter at index 0: 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              optim::AdamW({w}, optim::AdamWOptions(0.1).betas({0.9, -0.5}));
            }).find("AdamW: invalid beta parameter at index 1: -0.5"),
            std::string::npos);
  EXPECT_NE(error_of([&] { optim::Adam({w}, optim::AdamOptions(-1)); }).find("Adam: invalid learning rate"),
            std::string::npos);
  EXPECT_NE(error_of([&] { optim::RMSprop({w}, optim::RMSpropOptions(0.1).alpha(-1)); }).find("RMSprop: invalid alpha"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { optim::Adagrad({w}, optim::AdagradOptions(0.1).lr_decay(-1)); }).find("Adagrad: invalid lr_decay"),
      std::string::npos);
  // A group's options are checked at step time too (they can be changed after construction).
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  opt.param_groups()[0].options().set_lr(-1);
  w.set_grad(f64({1.0}));
  EXPECT_NE(error_of([&] { opt.step(); }).find("SGD: invalid learning rate -1"), std::string::npos);
}

TEST(OptimErrors, BadParameters) {
  // A frozen parameter (requires_grad false) is accepted, as in PyTorch, and never moves.
  Tensor frozen = f64({1.0});
  Tensor trained = param({1.0});
  optim::SGD frozen_opt({frozen, trained}, optim::SGDOptions(0.1));
  (frozen * trained).sum().backward();
  frozen_opt.step();
  EXPECT_EQ(frozen.item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(trained.item<double>(), 1.0 - 0.1 * 1.0);
  Tensor leaf = param({1.0});
  Tensor non_leaf = leaf * 2.0;
  EXPECT_NE(error_of([&] { optim::Adam({non_leaf}); }).find("can't optimize a non-leaf Tensor"), std::string::npos);
  EXPECT_NE(error_of([&] { optim::Adam({leaf, leaf}); }).find("appears more than once"), std::string::npos);
  optim::Adam opt({leaf});
  EXPECT_NE(error_of([&] { opt.add_param_group(optim::OptimizerParamGroup({leaf})); }).find("appears more than once"),
            std::string::npos);
  EXPECT_NE(error_of([&] { optim::SGD({Tensor()}, optim::SGDOptions(0.1)); }).find("undefined"), std::string::npos);
  // A group whose options belong to another optimizer.
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<Tensor>{param({1.0})}, std::make_unique<optim::AdamOptions>(0.1));
  optim::SGD sgd(groups, optim::SGDOptions(0.1));
  sgd.param_groups()[0].params()[0].set_grad(f64({1.0}));
  EXPECT_NE(error_of([&] { sgd.step(); }).find("give it SGDOptions"), std::string::npos);
}

}  // namespace
