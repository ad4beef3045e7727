// nn::functional::nll_loss, cross_entropy, kl_div: composites of differentiable ops (log_softmax, gather, sum):
// no op-table rows of their own. cross_entropy's common case (class indices, no weights, no smoothing) takes the
// fused path of src/ops/nn_cross_entropy.cpp instead.
#include <string>

#include "nabla/nn/functional.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"
#include "ops/nn_loss_common.h"

namespace nabla {
namespace {

// Weights given to each target: the class weight (1 without one), 0 for ignored targets.
struct NllParts {
  Tensor loss;     // (N, d1..) or () per-sample loss, weighted
  Tensor weights;  // same shape: weight[target], 0 where ignored
};

void check_weight(const Tensor& weight, int64_t classes, const char* op) {
  if (!weight.defined()) return;
  NABLA_CHECK(weight.is_floating_point(), op, ": expected a floating-point weight, but got ", weight.dtype());
  NABLA_CHECK(weight.dim() == 1 && weight.size(0) == classes, op, ": weight must be 1-D with one entry per class (",
              classes, "), but got shape ", weight.sizes().vec());
}

// Checks shapes and dtypes for class-index targets; returns the class count C.
// input (N, C, d1..) with target (N, d1..), or input (C) with target ().
int64_t check_class_target(const Tensor& input, const Tensor& target, const char* op) {
  NABLA_CHECK(input.defined() && target.defined(), op, ": input or target is an undefined tensor");
  NABLA_CHECK(input.is_floating_point(), op, ": expected floating-point input, but got ", input.dtype());
  NABLA_CHECK(input.dim() >= 1, op, ": input must have a class dimension, but got shape ", input.sizes().vec());
  NABLA_CHECK(!target.is_floating_point() && target.dtype() != kBool, op,
              ": expected class indices of dtype kInt64 as target, but got ", target.dtype(), " with shape ",
              target.sizes().vec(), " for input ", input.sizes().vec(),
              (std::string(op) == "cross_entropy" ? "; class probabilities must have the input's shape"
                                                  : "; convert with target.to(nabla::kInt64)"));
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  std::vector<int64_t> want;
  for (int64_t d = 0; d < input.dim(); ++d)
    if (d != class_dim) want.push_back(input.size(d));
  NABLA_CHECK(target.sizes().vec() == want, op, ": expected target of shape ", want, " for input of shape ",
              input.sizes().vec(), " (N, C, d1..), but got ", target.sizes().vec());
  return input.size(class_dim);
}

// logp (N, C, d1..) or (C), target (N, d1..) or () -> per-sample loss and weights.
NllParts nll_parts(const Tensor& logp, const Tensor& target_in, const Tensor& weight, int64_t ignore_index,
                   const char* op) {
  const int64_t classes = check_class_target(logp, target_in, op);
  check_weight(weight, classes, op);
  const Tensor target = target_in.to(kInt64);
  const Tensor keep = target != ignore_index;           // (N, d1..) bool
  const Tensor safe = where(keep, target, int64_t(0));  // ignored -> class 0, then zero-weighted
  if (safe.numel() > 0) {
    const int64_t lo = safe.min().item<int64_t>();
    const int64_t hi = safe.max().item<int64_t>();
    if (lo < 0 || hi >= classes) ops::fail_target_out_of_bounds(op, lo < 0 ? lo : hi, classes, logp, ignore_index);
  }
  const int64_t class_dim = logp.dim() == 1 ? 0 : 1;
  const Tensor picked = gather(logp, class_dim, safe.unsqueeze(class_dim)).squeeze(class_dim);  // (N, d1..)
  Tensor w = keep.to(logp.dtype());
  if (weight.defined()) w = w * weight.to(logp.dtype()).index_select(0, safe.flatten()).reshape(safe.sizes());
  return {-picked * w, w};
}

Tensor reduce_nll(const NllParts& p, Reduction r) {
  switch (r) {
    case Reduction::None:
      return p.loss;
    case Reduction::Sum:
      return p.loss.sum();
    case Reduction::Mean:
      return p.loss.sum() / p.weights.sum();  // as PyTorch: divided by the total weight of kept targets
  }
  NABLA_FAIL("nll_loss: unknown reduction");
}

}  // namespace

Tensor nn::functional::nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  return reduce_nll(nll_parts(input, target, options.weight(), options.ignore_index(), "nll_loss"),
                    options.reduction());
}

// input logits (N, C, d1..) or (C); target class indices (N, d1..) / () or probabilities shaped like input.
Tensor nn::functional::cross_entropy(const Tensor& input, const Tensor& target,
                                     const CrossEntropyFuncOptions& options) {
  const char* op = "cross_entropy";
  NABLA_CHECK(input.defined() && target.defined(), op, ": input or target is an undefined tensor");
  NABLA_CHECK(input.is_floating_point(), op, ": expected floating-point input (logits), but got ", input.dtype());
  NABLA_CHECK(input.dim() >= 1, op, ": input must have a class dimension, but got shape ", input.sizes().vec());
  const double ls = options.label_smoothing();
  NABLA_CHECK(ls >= 0.0 && ls <= 1.0, op, ": label_smoothing must be in [0, 1], but got ", ls);
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  const int64_t classes = input.size(class_dim);
  const Tensor& weight = options.weight();
  check_weight(weight, classes, op);
  if (ops::cross_entropy_fusable(input, target, weight, ls)) {
    check_class_target(input, target, op);
    return ops::fused_cross_entropy(input, target, options.ignore_index(), options.reduction());
  }
  // weight (C) -> (1, C, 1, ..) to broadcast against input.
  Tensor wb;
  if (weight.defined()) {
    std::vector<int64_t> shape(input.dim(), 1);
    shape[class_dim] = classes;
    wb = weight.to(input.dtype()).reshape(shape);
  }
  const Tensor logp = log_softmax(input, class_dim);

  if (target.is_floating_point()) {
    // Class probabilities, same shape as input.
    NABLA_CHECK(target.sizes() == input.sizes(), op, ": a floating-point target holds class probabilities and must ",
                "have the input's shape ", input.sizes().vec(), ", but got ", target.sizes().vec(), " (",
                target.dtype(), "); for class indices pass a kInt64 target of shape (N, d1..)");
    NABLA_CHECK(options.ignore_index() < 0, op, ": ignore_index is not supported for class-probability targets");
    Tensor t = ls > 0 ? target * (1.0 - ls) + ls / static_cast<double>(classes) : target;
    Tensor prod = logp * t;
    if (wb.defined()) prod = prod * wb;
    switch (options.reduction()) {
      case Reduction::None:
        return -prod.sum({class_dim});
      case Reduction::Sum:
        return -prod.sum();
      case Reduction::Mean:
        return -prod.sum() / static_cast<double>(classes == 0 ? 0 : input.numel() / classes);
    }
    NABLA_FAIL("cross_entropy: unknown reduction");
  }

  const NllParts p = nll_parts(logp, target, weight, options.ignore_index(), op);
  const Tensor nll = reduce_nll(p, options.reduction());
  if (ls == 0) return nll;
  // Smoothing term: -sum_c w_c logp_c per sample, zero for ignored targets (as PyTorch 1.13).
  const Tensor keep = target.to(kInt64) != options.ignore_index();
  Tensor smooth = -(wb.defined() ? logp * wb : logp).sum({class_dim});
  smooth = where(keep, smooth, 0.0);
  Tensor ret;
  switch (options.reduction()) {
    case Reduction::None:
      ret = smooth;
      break;
    case Reduction::Sum:
      ret = smooth.sum();
      break;
    case Reduction::Mean:
      ret = smooth.sum() / p.weights.sum();
      break;
  }
  return nll * (1.0 - ls) + ret * (ls / static_cast<double>(classes));
}

// input log-probabilities, target probabilities (or log-probabilities); shapes broadcast.
Tensor nn::functional::kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options) {
  const char* op = "kl_div";
  NABLA_CHECK(input.defined() && target.defined(), op, ": input or target is an undefined tensor");
  NABLA_CHECK(input.is_floating_point() && target.is_floating_point(), op,
              ": expected floating-point input and target, but got ", input.dtype(), " and ", target.dtype());
  broadcast_shapes(input.sizes().vec(), target.sizes().vec(), op);
  Tensor loss;
  if (options.log_target()) {
    loss = exp(target) * (target - input);
  } else {
    // xlogy(t, t) - t * x: 0 where t == 0 (with a zero gradient).
    const Tensor pos = target > 0.0;
    loss = where(pos, target * log(where(pos, target, 1.0)), 0.0) - target * input;
  }
  using Mode = KLDivFuncOptions::Mode;
  switch (options.reduction()) {
    case Mode::None:
      return loss;
    case Mode::Sum:
      return loss.sum();
    case Mode::Mean:
      return loss.mean();
    case Mode::BatchMean:
      return input.dim() == 0 ? loss.sum() : loss.sum() / static_cast<double>(input.size(0));
  }
  NABLA_FAIL("kl_div: unknown reduction");
}

}  // namespace nabla
