// nn::utils::clip_grad_norm_ and clip_grad_value_ against hand-computed values.
#include <cmath>
#include <limits>

#include "nabla/nn/utils.h"
#include "test_util.h"

namespace {

using namespace nabla;
using nabla::testing::error_of;
using nabla::testing::expect_close;
using nabla::testing::f64;

// Two parameters whose grads are [3, 4] and [[12]]: 2-norm 13, 1-norm 19, inf-norm 12.
std::vector<Tensor> two_params() {
  Tensor a = f64({1.0, 1.0}).requires_grad_(true), b = f64({{1.0}}).requires_grad_(true);
  a.set_grad(f64({3.0, 4.0}));
  b.set_grad(f64({{12.0}}));
  return {a, b};
}

TEST(ClipGradNorm, TwoNormScales) {
  auto ps = two_params();
  const Tensor grad_before = ps[0].grad();
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_(ps, 6.5), 13.0);
  const double coef = 6.5 / (13.0 + 1e-6);
  expect_close(ps[0].grad(), {3.0 * coef, 4.0 * coef});
  expect_close(ps[1].grad(), {12.0 * coef});
  EXPECT_TRUE(ps[0].grad().is_same(grad_before));  // in place, as PyTorch does
}

TEST(ClipGradNorm, OtherNorms) {
  auto ps = two_params();
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_(ps, 6.0, INFINITY), 12.0);
  expect_close(ps[1].grad(), {12.0 * 6.0 / (12.0 + 1e-6)});
  ps = two_params();
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_(ps, 100.0, 1.0), 19.0);
  expect_close(ps[0].grad(), {3.0, 4.0});  // below max_norm: the coefficient is clamped to 1
  ps = two_params();
  EXPECT_NEAR(nn::utils::clip_grad_norm_(ps, 100.0, 3.0), std::cbrt(27.0 + 64.0 + 1728.0), 1e-12);
}

TEST(ClipGradNorm, SkipsMissingGradsAndBroadcastGrads) {
  Tensor none = f64({1.0}).requires_grad_(true);
  EXPECT_EQ(nn::utils::clip_grad_norm_({none}, 1.0), 0.0);
  // The grad of sum() over 4 elements is all ones (possibly a broadcast view): norm 2, halved to 1.
  Tensor w = f64({1.0, 2.0, 3.0, 4.0}).requires_grad_(true);
  w.sum().backward();
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_(w, 1.0), 2.0);
  const double c = 1.0 / (2.0 + 1e-6);
  expect_close(w.grad(), {c, c, c, c});
  EXPECT_FALSE(none.grad().defined());
}

TEST(ClipGradNorm, Float32Grads) {
  Tensor w = f64({0.0, 0.0}).to(kFloat32).requires_grad_(true);
  w.set_grad(f64({3.0, 4.0}).to(kFloat32));
  EXPECT_NEAR(nn::utils::clip_grad_norm_({w}, 1.0), 5.0, 1e-6);
  EXPECT_EQ(w.grad().dtype(), kFloat32);
  expect_close(w.grad(), {0.6, 0.8}, 1e-6);
}

TEST(ClipGradNorm, NonFinite) {
  auto ps = two_params();
  ps[0].set_grad(f64({INFINITY, 1.0}));
  EXPECT_NE(error_of([&] {
              nn::utils::clip_grad_norm_(ps, 1.0, 2.0, true);
            }).find("clip_grad_norm_: the total norm of order 2 of the gradients is non-finite"),
            std::string::npos);
  expect_close(ps[1].grad(), {12.0});  // untouched when it throws
  EXPECT_TRUE(std::isinf(nn::utils::clip_grad_norm_(ps, 1.0)));
  ps = two_params();
  ps[1].set_grad(f64({{NAN}}));
  EXPECT_TRUE(std::isnan(nn::utils::clip_grad_norm_(ps, 1.0, INFINITY)));
  EXPECT_NE(error_of([&] { nn::utils::clip_grad_norm_(two_params(), 1.0, -1.0); }).find("invalid norm_type"),
            std::string::npos);
}

TEST(ClipGradValue, Clamps) {
  auto ps = two_params();
  nn::utils::clip_grad_value_(ps, 3.5);
  expect_close(ps[0].grad(), {3.0, 3.5});
  expect_close(ps[1].grad(), {3.5});
  ps[0].set_grad(f64({-10.0, 0.25}));
  nn::utils::clip_grad_value_(ps[0], 1.0);
  expect_close(ps[0].grad(), {-1.0, 0.25});
}

}  // namespace
