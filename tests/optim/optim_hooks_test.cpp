// Optimizer step hooks (PyTorch's register_step_pre_hook / register_step_post_hook): they run around every step()
// of every optimizer, the pre-hook sees the parameters before the update and the post-hook after it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nabla/optim.h"
#include "test_util.h"

namespace {

using namespace nabla;
using nabla::testing::expect_close;
using nabla::testing::f64;
using nabla::testing::values;

using MakeOptimizer = std::function<std::unique_ptr<optim::Optimizer>(const Tensor& w)>;

struct Case {
  std::string name;
  MakeOptimizer make;
};

std::vector<Case> every_optimizer() {
  return {
      {"SGD",
       [](const Tensor& w) { return std::make_unique<optim::SGD>(std::vector<Tensor>{w}, optim::SGDOptions(0.1)); }},
      {"Adam",
       [](const Tensor& w) { return std::make_unique<optim::Adam>(std::vector<Tensor>{w}, optim::AdamOptions(0.1)); }},
      {"AdamW",
       [](const Tensor& w) {
         return std::make_unique<optim::AdamW>(std::vector<Tensor>{w}, optim::AdamWOptions(0.1));
       }},
      {"RMSprop",
       [](const Tensor& w) {
         return std::make_unique<optim::RMSprop>(std::vector<Tensor>{w}, optim::RMSpropOptions(0.1));
       }},
      {"Adagrad",
       [](const Tensor& w) {
         return std::make_unique<optim::Adagrad>(std::vector<Tensor>{w}, optim::AdagradOptions(0.1));
       }},
  };
}

TEST(OptimHooks, PreHookSeesOldValuesPostHookSeesNew) {
  Tensor w = f64({1.0, 2.0}).requires_grad_(true);
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  std::vector<double> before, after;
  opt.register_step_pre_hook([&](optim::Optimizer& o) {
    EXPECT_EQ(&o, &opt);
    before = values(o.parameters()[0]);
  });
  opt.register_step_post_hook([&](optim::Optimizer& o) { after = values(o.parameters()[0]); });
  w.set_grad(f64({0.5, -1.0}));
  opt.step();
  EXPECT_EQ(before, (std::vector<double>{1.0, 2.0}));
  nabla::testing::expect_near(after, {0.95, 2.1});
}

TEST(OptimHooks, FireAroundEveryStepOfEveryOptimizer) {
  for (const Case& c : every_optimizer()) {
    SCOPED_TRACE(c.name);
    Tensor w = f64({1.0, -2.0, 3.0}).requires_grad_(true);
    auto opt = c.make(w);
    std::vector<std::string> log;
    std::vector<std::vector<double>> before, after;
    opt->register_step_pre_hook([&](optim::Optimizer& o) {
      EXPECT_EQ(&o, opt.get());
      log.push_back("pre");
      before.push_back(values(w));
    });
    opt->register_step_post_hook([&](optim::Optimizer&) {
      log.push_back("post");
      after.push_back(values(w));
    });
    for (int step = 0; step < 3; ++step) {
      std::vector<double> expected_before = values(w);
      w.set_grad(f64({0.5, -1.0, 2.0}));
      opt->step();
      EXPECT_EQ(before.back(), expected_before);
      EXPECT_EQ(after.back(), values(w));
      EXPECT_NE(after.back(), before.back());  // the update happened between the two
    }
    EXPECT_EQ(log, (std::vector<std::string>{"pre", "post", "pre", "post", "pre", "post"}));
  }
}

TEST(OptimHooks, PreHookRunsBeforeTheClosureAndCanRewriteGradients) {
  // An all-reduce / clipping hook edits .grad() before the update: here it doubles it.
  Tensor w = f64({1.0}).requires_grad_(true);
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  std::vector<std::string> log;
  opt.register_step_pre_hook([&](optim::Optimizer& o) {
    log.push_back("pre");
    for (Tensor& p : o.param_groups()[0].params()) {
      if (!p.grad().defined()) continue;
      NoGradGuard g;
      p.mutable_grad().mul_(2.0);
    }
  });
  opt.register_step_post_hook([&](optim::Optimizer&) { log.push_back("post"); });
  w.set_grad(f64({1.0}));
  opt.step();
  expect_close(w, {0.8});  // 1 - 0.1 * 2
  // With a closure: pre, closure, post. The closure recomputes the gradient after the pre-hook, so only it counts.
  Tensor loss = opt.step([&] {
    log.push_back("closure");
    opt.zero_grad();
    Tensor l = (w * w).sum();  // dl/dw = 2 w = 1.6
    l.backward();
    return l;
  });
  expect_close(loss, {0.64}, 1e-12);
  expect_close(w, {0.8 - 0.1 * 1.6}, 1e-12);
  EXPECT_EQ(log, (std::vector<std::string>{"pre", "post", "pre", "closure", "post"}));
}

TEST(OptimHooks, RunEvenWhenNoParameterHasAGradient) {
  Tensor w = f64({1.0}).requires_grad_(true);
  optim::Adam opt({w}, optim::AdamOptions(0.1));
  int pre = 0, post = 0;
  opt.register_step_pre_hook([&](optim::Optimizer&) { ++pre; });
  opt.register_step_post_hook([&](optim::Optimizer&) { ++post; });
  opt.step();
  EXPECT_EQ(pre, 1);
  EXPECT_EQ(post, 1);
  expect_close(w, {1.0});
}

TEST(OptimHooks, RemoveStopsAHookAlsoFromInsideIt) {
  Tensor w = f64({1.0}).requires_grad_(true);
  optim::SGD opt({w}, optim::SGDOptions(0.1));
  int once = 0, always = 0, removed = 0;
  RemovableHandle self;
  self = opt.register_step_pre_hook([&](optim::Optimizer&) {
    ++once;
    self.remove();
  });
  opt.register_step_pre_hook([&](optim::Optimizer&) { ++always; });
  auto h = opt.register_step_post_hook([&](optim::Optimizer&) { ++removed; });
  h.remove();
  for (int i = 0; i < 3; ++i) opt.step();
  EXPECT_EQ(once, 1);
  EXPECT_EQ(always, 3);
  EXPECT_EQ(removed, 0);
  h.remove();  // twice is fine
}

TEST(OptimHooks, HandlesOutliveTheOptimizer) {
  Tensor w = f64({1.0}).requires_grad_(true);
  RemovableHandle h;
  {
    optim::SGD opt({w}, optim::SGDOptions(0.1));
    h = opt.register_step_post_hook([](optim::Optimizer&) {});
  }
  h.remove();  // nothing left to remove: no crash
  SUCCEED();
}

}  // namespace
