// Dropout: input * mask, where the mask (no graph) holds 0 with probability p and 1/(1-p) otherwise.
// Composed of mul, so its gradient is g * mask (MulBackward0): no op-table row of its own.
#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/functional.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "ops/elementwise_common.h"

namespace nabla {

namespace {
Tensor dropout_impl(const Tensor& input, double p, bool train, bool inplace) {
  NABLA_CHECK(input.defined(), "dropout: input is an undefined tensor");
  NABLA_CHECK(p >= 0.0 && p <= 1.0, "dropout: dropout probability has to be between 0 and 1, but got ", p);
  if (p == 0.0 || !train || input.numel() == 0) return input;  // PyTorch returns the input itself
  NABLA_CHECK(input.is_floating_point(), "dropout: expected a floating-point input, but got ", input.dtype(),
              "; convert with .to(nabla::kFloat32)");
  NABLA_CHECK(!(inplace && GradMode::is_enabled() && input.is_leaf() && input.requires_grad()),
              "dropout: inplace=true on a leaf tensor that requires grad would overwrite the values its gradient "
              "is taken with respect to; use inplace(false)");
  Tensor mask;
  {
    NoGradGuard no_grad;
    if (p == 1.0) {
      mask = zeros({}, input.options());
    } else {
      mask = bernoulli(input, 1.0 - p);  // PyTorch: empty_like(input).bernoulli_(1 - p).div_(1 - p)
      mask.div_(1.0 - p);
    }
  }
  if (inplace) {
    Tensor self = input;
    self.mul_(mask);
    return self;
  }
  return input * mask;
}
}  // namespace

Tensor nn::functional::dropout(const Tensor& input, const DropoutFuncOptions& options) {
  return dropout_impl(input, options.p(), options.training(), options.inplace());
}

Tensor dropout(const Tensor& input, double p, bool train) { return dropout_impl(input, p, train, false); }

}  // namespace nabla
