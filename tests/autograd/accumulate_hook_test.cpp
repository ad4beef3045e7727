// Tensor::register_post_accumulate_grad_hook (PyTorch 2.1): runs once per backward per leaf, right after the
// leaf's AccumulateGrad has written this backward's total into .grad(); errors on tensors that are not leaves
// requiring grad.
#include <vector>

#include "nabla/nabla.h"
#include "test_util.h"

namespace {

using namespace nabla;
using nabla::testing::expect_close;
using nabla::testing::expect_error;
using nabla::testing::f64;
using nabla::testing::values;

TEST(AccumulateHook, SeesTheSummedGradientOnceWhenTheLeafIsUsedTwice) {
  Tensor x = f64({1.0, 2.0, 3.0}).requires_grad_(true);
  std::vector<std::vector<double>> seen;
  x.register_post_accumulate_grad_hook([&](Tensor& p) {
    EXPECT_TRUE(p.is_same(x));
    seen.push_back(values(p.grad()));
  });
  Tensor y = (x * x + 3.0 * x).sum();  // x reaches the loss along three edges; dy/dx = 2x + 3
  y.backward();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], (std::vector<double>{5.0, 7.0, 9.0}));
  expect_close(x.grad(), {5.0, 7.0, 9.0});
}

TEST(AccumulateHook, FiresOncePerBackwardAndSeesTheRunningTotal) {
  Tensor x = f64({1.0, 2.0}).requires_grad_(true);
  std::vector<std::vector<double>> seen;
  x.register_post_accumulate_grad_hook([&](Tensor& p) { seen.push_back(values(p.grad())); });
  Tensor y = (x * x).sum();  // 2x = (2, 4)
  y.backward({}, /*retain_graph=*/true);
  y.backward();                 // the same graph again: .grad() accumulates to (4, 8)
  (x * 10.0).sum().backward();  // a new graph: (14, 18)
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], (std::vector<double>{2.0, 4.0}));
  EXPECT_EQ(seen[1], (std::vector<double>{4.0, 8.0}));
  EXPECT_EQ(seen[2], (std::vector<double>{14.0, 18.0}));
}

TEST(AccumulateHook, OnceForABackwardOfSeveralRoots) {
  Tensor x = f64({2.0}).requires_grad_(true);
  int calls = 0;
  x.register_post_accumulate_grad_hook([&](Tensor&) { ++calls; });
  autograd::backward({(x * 3.0).sum(), (x * x).sum()});  // 3 + 2x = 7
  EXPECT_EQ(calls, 1);
  expect_close(x.grad(), {7.0});
}

TEST(AccumulateHook, RunsAfterGradientHooksAndCanStepTheParameter) {
  // PyTorch's optimizer-in-backward pattern: the hook updates the leaf and drops its grad.
  Tensor w = f64({1.0, -1.0}).requires_grad_(true);
  w.register_hook([](const Tensor& g) { return g * 2.0; });  // runs before accumulation
  std::vector<double> seen;
  w.register_post_accumulate_grad_hook([&](Tensor& p) {
    seen = values(p.grad());
    NoGradGuard no_grad;
    p.sub_(0.1 * p.grad());
    p.mutable_grad() = Tensor();
  });
  (w * f64({3.0, 4.0})).sum().backward();  // grad (3, 4), doubled by the hook: (6, 8)
  EXPECT_EQ(seen, (std::vector<double>{6.0, 8.0}));
  expect_close(w, {1.0 - 0.6, -1.0 - 0.8}, 1e-12);
  EXPECT_FALSE(w.grad().defined());
}

TEST(AccumulateHook, RemoveHookStopsItAlsoFromInsideIt) {
  Tensor x = f64({1.0}).requires_grad_(true);
  int once = 0, kept = 0;
  unsigned self = 0;
  self = x.register_post_accumulate_grad_hook([&](Tensor& p) {
    ++once;
    p.remove_hook(self);
  });
  x.register_post_accumulate_grad_hook([&](Tensor&) { ++kept; });
  for (int i = 0; i < 3; ++i) (x * 2.0).sum().backward();
  EXPECT_EQ(once, 1);
  EXPECT_EQ(kept, 3);
  expect_close(x.grad(), {6.0});
}

TEST(AccumulateHook, BackwardWithInputsAndCreateGraphFireIt_GradDoesNot) {
  Tensor x = f64({3.0}).requires_grad_(true);
  std::vector<std::vector<double>> seen;
  x.register_post_accumulate_grad_hook([&](Tensor& p) { seen.push_back(values(p.grad())); });
  Tensor y = (x * x).sum();                             // 2x = 6
  autograd::grad({y}, {x}, {}, /*retain_graph=*/true);  // returns the gradient, accumulates nothing
  EXPECT_TRUE(seen.empty());
  y.backward({}, /*retain_graph=*/true, /*create_graph=*/false, /*inputs=*/{x});
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], (std::vector<double>{6.0}));
  x.mutable_grad() = Tensor();
  y.backward({}, /*retain_graph=*/true, /*create_graph=*/true);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], (std::vector<double>{6.0}));
  EXPECT_TRUE(x.grad().requires_grad());  // create_graph keeps .grad() differentiable
  x.mutable_grad() = Tensor();  // .grad() holds a graph that holds x: break the cycle (as PyTorch's docs advise)
}

TEST(AccumulateHook, UnusedLeafDoesNotFire) {
  Tensor a = f64({1.0}).requires_grad_(true), b = f64({1.0}).requires_grad_(true);
  int calls = 0;
  b.register_post_accumulate_grad_hook([&](Tensor&) { ++calls; });
  (a * 2.0).sum().backward();
  EXPECT_EQ(calls, 0);
}

TEST(AccumulateHook, OnlyOnLeavesThatRequireGrad) {
  Tensor x = f64({1.0}).requires_grad_(true);
  Tensor y = x * 2.0;
  expect_error([&] { y.register_post_accumulate_grad_hook([](Tensor&) {}); },
               {"register_post_accumulate_grad_hook", "not a leaf", "MulBackward0"});
  Tensor c = f64({1.0});
  expect_error([&] { c.register_post_accumulate_grad_hook([](Tensor&) {}); },
               {"register_post_accumulate_grad_hook", "does not require grad", "requires_grad_()"});
}

// A leaf's first gradient is taken over when nothing else holds it (no copy), and copied when something does: a
// tensor's storage and version counter share one allocation, which the ownership check must allow for.
TEST(AccumulateGrad, TakesOverAFreshGradientAndCopiesASharedOne) {
  Tensor x = f64({1.0, 2.0}).requires_grad_(true);
  const void* seen = nullptr;
  x.register_hook([&](const Tensor& g) { seen = g.data_ptr(); });  // observes only
  (x * 3.0).backward(f64({1.0, 1.0}));
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(x.grad().data_ptr(), seen);  // the product's buffer became x.grad()
  expect_close(x.grad(), {3.0, 3.0});

  Tensor w = f64({1.0, 2.0}).requires_grad_(true);
  Tensor seed = f64({4.0, 5.0});
  (w + 0.0).backward(seed);  // add passes the incoming gradient through: seed itself reaches w's AccumulateGrad
  EXPECT_NE(w.grad().data_ptr(), seed.data_ptr());
  w.mutable_grad().add_(1.0);  // in-place updates of .grad() must not write into the caller's tensor
  expect_close(seed, {4.0, 5.0});
  expect_close(w.grad(), {5.0, 6.0});
}

}  // namespace
