// nn::functional::l1_loss, smooth_l1_loss, huber_loss: composites of differentiable ops (no op-table rows).
#include "nabla/nn/functional.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"
#include "ops/nn_loss_common.h"

namespace nabla {
using ops::reduce_loss;
namespace {

// input, target broadcast to one shape S -> input - target (S), or nabla::Error naming `op`.
Tensor checked_diff(const Tensor& input, const Tensor& target, const char* op) {
  NABLA_CHECK(input.defined() && target.defined(), op, ": input or target is an undefined tensor");
  NABLA_CHECK(input.is_floating_point() && target.is_floating_point(), op,
              ": expected floating-point input and target, but got ", input.dtype(), " and ", target.dtype(),
              "; convert with .to(nabla::kFloat32)");
  broadcast_shapes(input.sizes(), target.sizes(), op);
  return input - target;
}

}  // namespace

Tensor nn::functional::l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options) {
  return reduce_loss(abs(checked_diff(input, target, "l1_loss")), options.reduction());
}

Tensor nn::functional::smooth_l1_loss(const Tensor& input, const Tensor& target,
                                      const SmoothL1LossFuncOptions& options) {
  const double beta = options.beta();
  NABLA_CHECK(beta >= 0, "smooth_l1_loss: beta must be non-negative, but got ", beta);
  const Tensor d = checked_diff(input, target, "smooth_l1_loss");
  const Tensor ad = abs(d);
  if (beta == 0) return reduce_loss(ad, options.reduction());
  // d*d (not ad*ad) keeps the quadratic branch smooth at d = 0.
  return reduce_loss(where(ad < beta, d * d * (0.5 / beta), ad - 0.5 * beta), options.reduction());
}

Tensor nn::functional::smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options,
                                      double beta) {
  SmoothL1LossFuncOptions o = options;
  return smooth_l1_loss(input, target, o.beta(beta));
}

Tensor nn::functional::huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options) {
  const double delta = options.delta();
  NABLA_CHECK(delta > 0, "huber_loss: delta must be positive, but got ", delta);
  const Tensor d = checked_diff(input, target, "huber_loss");
  const Tensor ad = abs(d);
  return reduce_loss(where(ad < delta, d * d * 0.5, (ad - 0.5 * delta) * delta), options.reduction());
}

}  // namespace nabla
