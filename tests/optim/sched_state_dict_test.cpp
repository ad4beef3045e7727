// LR schedulers' state_dict / load_state_dict: 5 epochs, both state dicts, a fresh model copy, optimizer and
// scheduler that load them, 5 more epochs == an uninterrupted 10-epoch run, bit for bit (lrs, momentum and betas
// included); and refused dicts leave the scheduler unchanged.
#include <functional>
#include <memory>

#include "optim/resume_util.h"

namespace {

using namespace nabla;
using nabla::testing::copy_params;
using nabla::testing::error_of;
using nabla::testing::expect_params_equal;
using nabla::testing::expect_same_dict;
using nabla::testing::make_params;
using nabla::testing::train_step;

struct SchedRun {
  std::vector<Tensor> p;
  std::unique_ptr<optim::Optimizer> opt;
  std::unique_ptr<optim::LRScheduler> sched;
};
using MakeRun = std::function<SchedRun(std::vector<Tensor>)>;

std::vector<optim::OptimizerParamGroup> two_groups(const std::vector<Tensor>& p,
                                                   std::unique_ptr<optim::OptimizerOptions> second) {
  std::vector<optim::OptimizerParamGroup> g;
  g.emplace_back(std::vector<Tensor>{p[0], p[1]});
  g.emplace_back(std::vector<Tensor>{p[2], p[3]}, std::move(second));
  return g;
}

std::vector<double> group_lrs(const optim::Optimizer& opt) {
  std::vector<double> r;
  for (const auto& g : opt.param_groups()) r.push_back(g.options().get_lr());
  return r;
}

void epoch(SchedRun& r, int t) {
  train_step(*r.opt, r.p, t);
  r.sched->step();
}

void check_resume(const MakeRun& make) {
  SchedRun ref = make(make_params());
  for (int t = 0; t < 10; ++t) epoch(ref, t);

  SchedRun a = make(make_params());
  for (int t = 0; t < 5; ++t) epoch(a, t);
  auto osd = a.opt->state_dict();
  auto ssd = a.sched->state_dict();
  EXPECT_EQ(ssd.keys(), (std::vector<std::string>{"last_epoch", "base_lrs", "last_lr"}));
  EXPECT_EQ(ssd["last_epoch"].item<int64_t>(), 5);
  EXPECT_EQ(nabla::testing::values(ssd["last_lr"]), a.sched->get_last_lr());

  // As in PyTorch: build the optimizer and scheduler as at the start (which resets the lrs), then load both.
  SchedRun b = make(copy_params(a.p));
  EXPECT_NE(b.sched->get_last_lr(), a.sched->get_last_lr());
  b.opt->load_state_dict(osd);
  b.sched->load_state_dict(ssd);
  EXPECT_EQ(b.sched->last_epoch(), 5);
  EXPECT_EQ(b.sched->base_lrs(), a.sched->base_lrs());
  EXPECT_EQ(b.sched->get_last_lr(), a.sched->get_last_lr());
  EXPECT_EQ(group_lrs(*b.opt), group_lrs(*a.opt));
  for (int t = 5; t < 10; ++t) {
    epoch(a, t);
    epoch(b, t);
  }
  expect_params_equal(b.p, ref.p);
  EXPECT_EQ(b.sched->get_last_lr(), ref.sched->get_last_lr());
  EXPECT_EQ(group_lrs(*b.opt), group_lrs(*ref.opt));
  expect_same_dict(b.opt->state_dict(), ref.opt->state_dict());  // options (momentum, betas) too
  expect_same_dict(b.sched->state_dict(), ref.sched->state_dict());
}

SchedRun sgd_run(std::vector<Tensor> p) {
  SchedRun r;
  r.opt = std::make_unique<optim::SGD>(
      two_groups(p, std::make_unique<optim::SGDOptions>(optim::SGDOptions(0.03).momentum(0.5))),
      optim::SGDOptions(0.1).momentum(0.9));
  r.p = std::move(p);
  return r;
}

TEST(SchedStateDict, StepLRResumesExactly) {
  check_resume([](std::vector<Tensor> p) {
    SchedRun r = sgd_run(std::move(p));
    r.sched = std::make_unique<optim::StepLR>(*r.opt, 3, 0.5);
    return r;
  });
}

TEST(SchedStateDict, CosineAnnealingLRResumesExactly) {
  check_resume([](std::vector<Tensor> p) {
    SchedRun r = sgd_run(std::move(p));
    r.sched = std::make_unique<optim::CosineAnnealingLR>(*r.opt, 4, 0.001);
    return r;
  });
}

TEST(SchedStateDict, OneCycleLRWithAdamCyclesBetasExactly) {
  check_resume([](std::vector<Tensor> p) {
    SchedRun r;
    r.opt = std::make_unique<optim::Adam>(
        two_groups(p, std::make_unique<optim::AdamOptions>(optim::AdamOptions(0.01).amsgrad(true))),
        optim::AdamOptions(0.01));
    r.p = std::move(p);
    r.sched = std::make_unique<optim::OneCycleLR>(*r.opt, std::vector<double>{0.1, 0.05}, 12);
    return r;
  });
}

TEST(SchedStateDict, RefusedDictLeavesTheSchedulerUnchanged) {
  SchedRun a = sgd_run(make_params());
  a.sched = std::make_unique<optim::StepLR>(*a.opt, 3, 0.5);
  for (int t = 0; t < 4; ++t) epoch(a, t);
  const auto before = a.sched->state_dict();
  auto expect_refused = [&](const OrderedDict<std::string, Tensor>& sd, const std::string& piece) {
    auto msg = error_of([&] { a.sched->load_state_dict(sd); });
    EXPECT_NE(msg.find("LRScheduler::load_state_dict"), std::string::npos) << msg;
    EXPECT_NE(msg.find(piece), std::string::npos) << msg;
    expect_same_dict(a.sched->state_dict(), before);
  };
  const auto f64 = TensorOptions().dtype(kFloat64);
  auto sd = before;
  sd.insert_or_assign("base_lrs", tensor(std::vector<double>{0.1}, f64));
  sd.insert_or_assign("last_epoch", scalar_tensor(int64_t{9}));
  expect_refused(sd, "'base_lrs' must be a 1-d tensor of 2 values");
  auto unknown = before;
  unknown.insert("gamma", scalar_tensor(0.5, f64));
  expect_refused(unknown, "unknown key(s) [gamma]");
  auto missing = before;
  missing.erase("last_lr");
  expect_refused(missing, "no key 'last_lr'");
  auto negative = before;
  negative.insert_or_assign("last_epoch", scalar_tensor(int64_t{-1}));
  expect_refused(negative, "'last_epoch' must be >= 0");
}

TEST(SchedStateDict, ReduceLROnPlateauResumesInThePatienceCount) {
  // patience 2, cooldown 1: epochs 3 and 4 are bad, the cut comes after epoch 4 (two bad epochs counted), epoch 5
  // is the third bad one and halves the lrs; then a cooldown epoch, and more bad epochs.
  const std::vector<double> metrics = {1.0, 0.9, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91};
  struct PlateauRun {
    std::vector<Tensor> p;
    std::unique_ptr<optim::Optimizer> opt;
    std::unique_ptr<optim::ReduceLROnPlateau> sched;
  };
  auto make = [](std::vector<Tensor> p) {
    SchedRun r = sgd_run(std::move(p));
    PlateauRun pr{std::move(r.p), std::move(r.opt), nullptr};
    pr.sched = std::make_unique<optim::ReduceLROnPlateau>(*pr.opt, optim::ReduceLROnPlateau::min, 0.5, 2, 1e-4,
                                                          optim::ReduceLROnPlateau::rel, 1);
    return pr;
  };
  auto epoch_of = [&](PlateauRun& r, int t) {
    train_step(*r.opt, r.p, t);
    r.sched->step(metrics[t]);
  };
  PlateauRun ref = make(make_params());
  for (int t = 0; t < 10; ++t) epoch_of(ref, t);
  EXPECT_EQ(group_lrs(*ref.opt), (std::vector<double>{0.1 * 0.5 * 0.5, 0.03 * 0.5 * 0.5}));

  PlateauRun a = make(make_params());
  for (int t = 0; t < 5; ++t) epoch_of(a, t);
  EXPECT_EQ(a.sched->num_bad_epochs(), 2);
  auto osd = a.opt->state_dict();
  auto ssd = a.sched->state_dict();
  EXPECT_EQ(ssd.keys(),
            (std::vector<std::string>{"best", "num_bad_epochs", "cooldown_counter", "last_epoch", "last_lr"}));
  EXPECT_EQ(ssd["best"].item<double>(), 0.8);
  EXPECT_EQ(ssd["num_bad_epochs"].item<int64_t>(), 2);
  EXPECT_EQ(ssd["last_epoch"].item<int64_t>(), 5);

  PlateauRun b = make(copy_params(a.p));
  b.opt->load_state_dict(osd);
  b.sched->load_state_dict(ssd);
  EXPECT_EQ(b.sched->num_bad_epochs(), 2);
  EXPECT_EQ(b.sched->best(), 0.8);
  for (int t = 5; t < 10; ++t) {
    epoch_of(a, t);
    epoch_of(b, t);
    if (t == 5) {
      EXPECT_EQ(group_lrs(*b.opt), (std::vector<double>{0.05, 0.015}));
    }
  }
  expect_params_equal(b.p, ref.p);
  EXPECT_EQ(group_lrs(*b.opt), group_lrs(*ref.opt));
  expect_same_dict(b.sched->state_dict(), ref.sched->state_dict());

  // A refused dict leaves it unchanged.
  const auto before = b.sched->state_dict();
  auto bad = ssd;
  bad.insert_or_assign("last_lr", tensor(std::vector<double>{0.1, 0.2, 0.3}, TensorOptions().dtype(kFloat64)));
  auto msg = error_of([&] { b.sched->load_state_dict(bad); });
  EXPECT_NE(msg.find("ReduceLROnPlateau::load_state_dict: 'last_lr' must be a 1-d tensor of 2 values"),
            std::string::npos)
      << msg;
  expect_same_dict(b.sched->state_dict(), before);
}

}  // namespace
