// nn::functional::binary_cross_entropy(_with_logits). BCE is a custom autograd::Function so that its gradient is
// PyTorch's (x - y) / max(x (1 - x), 1e-12) also at x = 0 and 1; its backward uses differentiable ops, so it has
// higher-order gradients. BCE with logits is a composite of differentiable ops. No op-table rows.
#include "nabla/autograd/function.h"
#include "nabla/nn/functional.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"
#include "ops/nn_loss_common.h"

namespace nabla {
using ops::reduce_loss;
namespace {

// True when a tensor of shape `a` broadcasts to exactly `shape`.
bool broadcasts_to(IntArrayRef a, IntArrayRef shape) {
  if (a.size() > shape.size()) return false;
  const size_t off = shape.size() - a.size();
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != 1 && a[i] != shape[off + i]) return false;
  return true;
}

void check_bce_args(const Tensor& input, const Tensor& target, const Tensor& weight, const char* op) {
  NABLA_CHECK(input.defined() && target.defined(), op, ": input or target is an undefined tensor");
  NABLA_CHECK(input.is_floating_point(), op, ": expected floating-point input, but got ", input.dtype());
  NABLA_CHECK(target.is_floating_point(), op, ": expected a floating-point target (probabilities in [0, 1]), but got ",
              target.dtype(), "; convert with target.to(input.dtype())");
  NABLA_CHECK(input.sizes() == target.sizes(), op, ": target shape ", target.sizes().vec(),
              " must equal the input shape ", input.sizes().vec());
  if (weight.defined()) {
    NABLA_CHECK(weight.is_floating_point(), op, ": expected a floating-point weight, but got ", weight.dtype());
    NABLA_CHECK(broadcasts_to(weight.sizes(), input.sizes()), op, ": weight shape ", weight.sizes().vec(),
                " does not broadcast to the input shape ", input.sizes().vec());
  }
}

// log(x) clamped at -100 as PyTorch; x = 0 gives -100 with a zero (not NaN) gradient.
Tensor clamped_log(const Tensor& x) {
  const Tensor pos = x > 0.0;
  return where(pos, log(where(pos, x, 1.0)), -100.0).clamp_min(-100.0);
}

// softplus(-x) = log(1 + exp(-x)), stable for any x: both branches only exponentiate non-positive numbers.
Tensor softplus_neg(const Tensor& x) {
  const Tensor pos = x >= 0.0;
  const Tensor xp = where(pos, x, 0.0);  // x where x >= 0, else 0
  const Tensor xn = where(pos, 0.0, x);  // x where x < 0, else 0
  return where(pos, log1p(exp(-xp)), log1p(exp(xn)) - xn);
}

// PyTorch clamps x (1 - x) at a float 1e-12 (EPSILON in its BCE backward), also for float64.
constexpr double kBceEps = static_cast<double>(1e-12f);

// Unweighted element-wise BCE: x, y (S) -> -(y log x + (1 - y) log(1 - x)) (S), logs clamped at -100.
struct BinaryCrossEntropyFn : autograd::Function<BinaryCrossEntropyFn> {
  static Tensor forward(autograd::AutogradContext* ctx, const Tensor& x, const Tensor& y) {
    ctx->save_for_backward({x, y});
    return -(y * clamped_log(x) + (1.0 - y) * clamped_log(1.0 - x));
  }
  static autograd::tensor_list backward(autograd::AutogradContext* ctx, autograd::tensor_list g) {
    const autograd::tensor_list s = ctx->get_saved_variables();
    const Tensor &x = s[0], &y = s[1];
    // d/dx = (x - y) / max(x (1 - x), eps) as PyTorch; d/dy = log(1 - x) - log(x), both logs clamped.
    return {g[0] * (x - y) / (x * (1.0 - x)).clamp_min(kBceEps), g[0] * (clamped_log(1.0 - x) - clamped_log(x))};
  }
};

}  // namespace

// input, target (S) probabilities; weight broadcasts to S.
Tensor nn::functional::binary_cross_entropy(const Tensor& input, const Tensor& target,
                                            const BinaryCrossEntropyFuncOptions& options) {
  const Tensor& weight = options.weight();
  check_bce_args(input, target, weight, "binary_cross_entropy");
  if (input.numel() > 0) {
    const Tensor x = input.detach();
    NABLA_CHECK(!(x < 0.0).any().item<bool>() && !(x > 1.0).any().item<bool>(),
                "binary_cross_entropy: all elements of input must be probabilities in [0, 1] (min ",
                x.min().item<double>(), ", max ", x.max().item<double>(),
                "); apply sigmoid first or use binary_cross_entropy_with_logits");
  }
  Tensor loss = BinaryCrossEntropyFn::apply(input, target);
  if (weight.defined()) loss = loss * weight.to(loss.dtype());  // a float64 weight keeps a float32 loss
  return reduce_loss(loss, options.reduction());
}

// input logits, target (S); weight broadcasts to S, pos_weight broadcasts along the last (class) dim.
Tensor nn::functional::binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  const char* op = "binary_cross_entropy_with_logits";
  const Tensor& weight = options.weight();
  const Tensor& pos_weight = options.pos_weight();
  check_bce_args(input, target, weight, op);
  Tensor loss;
  if (pos_weight.defined()) {
    NABLA_CHECK(pos_weight.is_floating_point(), op, ": expected a floating-point pos_weight, but got ",
                pos_weight.dtype());
    NABLA_CHECK(broadcasts_to(pos_weight.sizes(), input.sizes()), op, ": pos_weight shape ", pos_weight.sizes().vec(),
                " does not broadcast to the input shape ", input.sizes().vec(),
                " (give one weight per class, the last dim)");
    const Tensor log_weight = (pos_weight.to(input.dtype()) - 1.0) * target + 1.0;
    loss = (1.0 - target) * input + log_weight * softplus_neg(input);
  } else {
    loss = (1.0 - target) * input + softplus_neg(input);
  }
  if (weight.defined()) loss = loss * weight.to(loss.dtype());  // a float64 weight keeps a float32 loss
  return reduce_loss(loss, options.reduction());
}

}  // namespace nabla
