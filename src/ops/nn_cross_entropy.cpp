// cross_entropy's fused path: log_softmax and nll_loss over (N, C) logits in one kernel forward and one backward,
// recorded as one node (PyTorch records two: LogSoftmaxBackward0 and NllLossBackward0). The composite in
// nn_loss_class.cpp, which takes every other case, builds about a dozen nodes and reads the targets' range with
// two reductions; at a batch of 64 x 10 classes it took 7.5 + 4.3 us forward and backward, this path 3.6 + 2.2.
#include "autograd/record.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"
#include "nabla/ops/shape.h"
#include "ops/nn_loss_common.h"

namespace nabla::ops {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;

bool cross_entropy_fusable(const Tensor& input, const Tensor& target, const Tensor& weight, double label_smoothing) {
  return input.dim() == 2 && (input.dtype() == kFloat32 || input.dtype() == kFloat64) && target.dim() == 1 &&
         !target.is_floating_point() && target.dtype() != kBool && !weight.defined() && label_smoothing == 0.0;
}

Tensor fused_cross_entropy(const Tensor& input, const Tensor& target, int64_t ignore_index, Reduction reduction) {
  const char* op = "cross_entropy";
  const Device dev = backend::common_device(op, {&input, &target});
  Tensor x, t;
  {
    NoGradGuard ng;
    x = input.contiguous();
    t = target.to(kInt64).contiguous();
  }
  const backend::CrossEntropyGeom geom{x.size(0), x.size(1), ignore_index};
  Tensor rows = detail::make_empty({geom.rows}, x.dtype(), dev);
  Tensor stats = detail::make_empty({geom.rows, 2}, kFloat64, dev);
  const int64_t kept = backend::kernels(dev).cross_entropy(geom, rows, stats, x, t);
  if (kept < 0) fail_target_out_of_bounds(op, t[-1 - kept].item<int64_t>(), geom.classes, input, ignore_index);

  Tensor out;
  double scale = 1.0;  // d out / d rows[r] for the lines not ignored
  {
    NoGradGuard ng;
    switch (reduction) {
      case Reduction::None:
        out = rows;
        break;
      case Reduction::Sum:
        out = rows.sum();
        break;
      case Reduction::Mean:  // divided by the lines kept (all ignored: 0 / 0, NaN, as PyTorch)
        out = rows.sum() / static_cast<double>(kept);
        scale = kept > 0 ? 1.0 / static_cast<double>(kept) : 0.0;  // no line is kept: every gradient is 0
        break;
    }
  }
  if (autograd::needs_grad(input)) {
    record(OpId::CrossEntropy, {input}, out,
           [sx = SavedVariable(input), stats, t, geom, scale](const variable_list& g) -> variable_list {
             const Tensor xv = sx.unpack();  // the input itself: a recorded backward differentiates through it
             if (!GradMode::is_enabled()) {
               const Device d = xv.device();
               Tensor gx = detail::make_empty({geom.rows, geom.classes}, xv.dtype(), d);
               Tensor gl = g[0].to(xv.dtype()).contiguous();
               backend::kernels(d).cross_entropy_backward(geom, scale, gx, gl, xv.contiguous(), stats, t);
               return {gx};
             }
             // A recorded backward (create_graph): (softmax(x) - one_hot(t)) * scale * g per line, from
             // differentiable ops, zero on ignored lines.
             const Tensor t_col = t.unsqueeze(1);
             const Tensor one_hot =
                 (arange(geom.classes, TensorOptions().dtype(kInt64).device(xv.device())).unsqueeze(0) == t_col)
                     .to(xv.dtype());
             const Tensor keep = (t_col != geom.ignore_index).to(xv.dtype());
             Tensor s = g[0].dim() == 0 ? g[0].reshape({1, 1}) : g[0].unsqueeze(1);
             if (scale != 1.0) s = s * scale;
             return {(softmax(xv, 1) - one_hot) * (s * keep)};
           });
  }
  return out;
}

}  // namespace nabla::ops
