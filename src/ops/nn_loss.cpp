// nn::functional::mse_loss, composed of differentiable ops (sub, mul, mean/sum): no op-table row of its own.
#include "nabla/nn/functional.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"
#include "ops/nn_loss_common.h"

namespace nabla {

// input, target broadcast to one shape S -> (S) for kNone, 0-dim for kMean / kSum.
Tensor nn::functional::mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  NABLA_CHECK(input.defined() && target.defined(), "mse_loss: input or target is an undefined tensor");
  NABLA_CHECK(input.is_floating_point() && target.is_floating_point(),
              "mse_loss: expected floating-point input and target, but got ", input.dtype(), " and ", target.dtype(),
              "; convert with .to(nabla::kFloat32)");
  broadcast_shapes(input.sizes(), target.sizes(), "mse_loss");  // names the op in a shape error
  const Tensor d = input - target;
  return ops::reduce_loss(d * d, options.reduction());
}

}  // namespace nabla
