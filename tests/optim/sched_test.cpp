// LR schedulers: argument errors, OneCycleLR's step limit, momentum cycling and the chainable (recursive) form.
#include <string>

#include "nabla/optim.h"
#include "test_util.h"

namespace {

using namespace nabla;
using nabla::testing::error_of;

struct TwoGroups {
  Tensor a = zeros({2}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  Tensor b = zeros({3}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  optim::SGD sgd{
      std::vector<optim::OptimizerParamGroup>{
          optim::OptimizerParamGroup({a}), optim::OptimizerParamGroup({b}, std::make_unique<optim::SGDOptions>(0.01))},
      optim::SGDOptions(0.1)};
};

#define EXPECT_ERROR(stmt, text) \
  EXPECT_NE(error_of([&] { stmt; }).find(text), std::string::npos) << error_of([&] { stmt; })

TEST(Sched, ConstructionIsStepZero) {
  TwoGroups t;
  optim::LinearLR s(t.sgd, 0.5, 1.0, 4);
  EXPECT_EQ(s.last_epoch(), 0);
  ASSERT_EQ(s.get_last_lr().size(), 2u);
  EXPECT_DOUBLE_EQ(s.get_last_lr()[0], 0.05);
  EXPECT_DOUBLE_EQ(s.get_last_lr()[1], 0.005);
  EXPECT_DOUBLE_EQ(t.sgd.param_groups()[0].options().get_lr(), 0.05);
  EXPECT_DOUBLE_EQ(s.base_lrs()[1], 0.01);
}

TEST(Sched, InvalidArguments) {
  TwoGroups t;
  using P = optim::ReduceLROnPlateau;
  EXPECT_ERROR(optim::StepLR(t.sgd, 0), "StepLR: step_size must be > 0, got 0");
  EXPECT_ERROR(optim::StepLR(t.sgd, 3, 0.0), "StepLR: gamma must be > 0");
  EXPECT_ERROR(optim::MultiStepLR(t.sgd, {2, -1}), "MultiStepLR: milestones must be >= 0, got -1");
  EXPECT_ERROR(optim::MultiStepLR(t.sgd, {2}, -0.5), "MultiStepLR: gamma must be > 0");
  EXPECT_ERROR(optim::ExponentialLR(t.sgd, 0.0), "ExponentialLR: gamma must be > 0, got 0");
  EXPECT_ERROR(optim::CosineAnnealingLR(t.sgd, 0), "CosineAnnealingLR: T_max must be > 0");
  EXPECT_ERROR(optim::CosineAnnealingLR(t.sgd, -3, 0.1), "got -3");
  EXPECT_ERROR(optim::LinearLR(t.sgd, 0.0), "LinearLR: start_factor must be in (0, 1], got 0");
  EXPECT_ERROR(optim::LinearLR(t.sgd, 1.5), "LinearLR: start_factor");
  EXPECT_ERROR(optim::LinearLR(t.sgd, 0.5, 1.2), "LinearLR: end_factor must be in [0, 1], got 1.2");
  EXPECT_ERROR(optim::LinearLR(t.sgd, 0.5, 1.0, -1), "LinearLR: total_iters must be >= 0");
  EXPECT_ERROR(optim::OneCycleLR(t.sgd, 0.1, 0), "OneCycleLR: expected a positive total_steps, got 0");
  EXPECT_ERROR(optim::OneCycleLR(t.sgd, 0.1, 10, 1.5), "OneCycleLR: expected pct_start between 0 and 1, got 1.5");
  EXPECT_ERROR(optim::OneCycleLR(t.sgd, std::vector<double>{0.1}, 10), "expected 2 values for max_lr");
  EXPECT_ERROR(optim::OneCycleLR(t.sgd, 0.1, 10, 0.1), "OneCycleLR: phase 0 has zero length");
  EXPECT_ERROR(P(t.sgd, P::min, 1.0), "ReduceLROnPlateau: factor should be < 1.0, got 1");
  EXPECT_ERROR(P(t.sgd, P::min, 2.0), "factor should be < 1.0");
  EXPECT_ERROR(P(t.sgd, P::min, 0.1, -1), "ReduceLROnPlateau: patience must be >= 0");
  EXPECT_ERROR(P(t.sgd, P::min, 0.1, 10, 1e-4, P::rel, -2), "ReduceLROnPlateau: cooldown must be >= 0");
  EXPECT_ERROR(P(t.sgd, P::min, 0.1, 10, 1e-4, P::rel, 0, {0.1, 0.2, 0.3}), "expected 2 min_lrs");
  // A failed construction leaves the lrs alone.
  EXPECT_DOUBLE_EQ(t.sgd.param_groups()[0].options().get_lr(), 0.1);
}

TEST(Sched, OneCycleRefusesToStepPastTotalSteps) {
  TwoGroups t;
  optim::OneCycleLR s(t.sgd, 0.5, 4);
  for (int i = 0; i < 4; ++i) s.step();
  const std::vector<double> last = s.get_last_lr();
  EXPECT_EQ(error_of([&] { s.step(); }),
            "OneCycleLR: Tried to step 6 times. The specified number of total steps is 4; make total_steps at least "
            "the number of scheduler.step() calls + 1");
  EXPECT_EQ(s.last_epoch(), 4);  // the refused step changed nothing
  EXPECT_EQ(s.get_last_lr(), last);
}

TEST(Sched, OneCycleNeedsMomentumOrCycleMomentumOff) {
  Tensor p = zeros({2}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  optim::Adagrad ada(std::vector<Tensor>{p}, optim::AdagradOptions(0.1));
  EXPECT_ERROR(optim::OneCycleLR(ada, 0.1, 10), "OneCycleLR: optimizer must support momentum");
  optim::OneCycleLR s(ada, 0.1, 10, 0.3, optim::OneCycleLR::AnnealStrategy::cos, /*cycle_momentum=*/false);
  EXPECT_NEAR(s.get_last_lr()[0], 0.1 / 25, 1e-15);
}

TEST(Sched, OneCycleCyclesRMSpropMomentumAndAdamWBeta1) {
  Tensor p = zeros({2}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  optim::RMSprop rms(std::vector<Tensor>{p}, optim::RMSpropOptions(0.1));
  optim::OneCycleLR s(rms, 0.1, 10);
  auto& ro = dynamic_cast<optim::RMSpropOptions&>(rms.param_groups()[0].options());
  EXPECT_NEAR(ro.momentum(), 0.95, 1e-15);
  for (int i = 0; i < 2; ++i) s.step();  // end of warm-up (step 0.3 * 10 - 1): momentum at base_momentum
  EXPECT_NEAR(ro.momentum(), 0.85, 1e-12);
  optim::AdamW adamw(std::vector<Tensor>{p}, optim::AdamWOptions(0.1));
  optim::OneCycleLR s2(adamw, 0.1, 10);
  s2.step();
  auto& ao = dynamic_cast<optim::AdamWOptions&>(adamw.param_groups()[0].options());
  EXPECT_GT(std::get<0>(ao.betas()), 0.85);
  EXPECT_LT(std::get<0>(ao.betas()), 0.95);
  EXPECT_DOUBLE_EQ(std::get<1>(ao.betas()), 0.999);
}

TEST(Sched, RecursiveFormFollowsOutsideChanges) {
  TwoGroups t;
  optim::ExponentialLR s(t.sgd, 0.5);
  t.sgd.param_groups()[0].options().set_lr(1.0);  // a change outside the scheduler carries through, as in PyTorch
  s.step();
  EXPECT_DOUBLE_EQ(s.get_last_lr()[0], 0.5);
  EXPECT_DOUBLE_EQ(s.get_last_lr()[1], 0.005);
}

TEST(Sched, SchedulerMadeBeforeAGroupWasAddedSaysSo) {
  TwoGroups t;
  optim::CosineAnnealingLR s(t.sgd, 5);
  Tensor c = zeros({1}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  t.sgd.add_param_group(optim::OptimizerParamGroup({c}));
  EXPECT_ERROR(s.step(), "make the scheduler after adding every param group");
}

TEST(Sched, PlateauCountsBadEpochsAndCoolsDown) {
  TwoGroups t;
  using P = optim::ReduceLROnPlateau;
  P s(t.sgd, P::min, 0.5, 1, 0.0, P::abs, 1);
  s.step(1.0);
  EXPECT_EQ(s.num_bad_epochs(), 0);
  s.step(1.0);
  EXPECT_EQ(s.num_bad_epochs(), 1);
  s.step(1.0);  // 2 > patience: reduce, cooldown 1
  EXPECT_DOUBLE_EQ(s.get_last_lr()[0], 0.05);
  EXPECT_TRUE(s.in_cooldown());
  s.step(1.0);  // cooldown swallows this bad epoch
  EXPECT_EQ(s.num_bad_epochs(), 0);
  EXPECT_DOUBLE_EQ(s.best(), 1.0);
}

}  // namespace
