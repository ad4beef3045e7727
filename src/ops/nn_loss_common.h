#pragma once
// Shared by the loss functions: the reduction step, the class-index target's range error, and cross_entropy's fused
// path (src/ops/nn_cross_entropy.cpp).
#include "nabla/core/error.h"
#include "nabla/nn/functional.h"
#include "nabla/ops/reduce.h"

namespace nabla::ops {

/// loss (S) -> (S) for kNone, 0-dim sum or mean for kSum / kMean.
inline Tensor reduce_loss(const Tensor& loss, Reduction r) {
  switch (r) {
    case Reduction::None:
      return loss;
    case Reduction::Sum:
      return loss.sum();
    case Reduction::Mean:
      return loss.mean();
  }
  NABLA_FAIL("loss: unknown reduction");
}

/// The error for a class-index target outside [0, classes) that is not ignore_index.
[[noreturn]] inline void fail_target_out_of_bounds(const char* op, int64_t target, int64_t classes, const Tensor& input,
                                                   int64_t ignore_index) {
  NABLA_FAIL(op, ": target ", target, " is out of bounds for ", classes, " classes (input ", input.sizes().vec(),
             "); expected 0 <= target < ", classes, " or target == ignore_index (", ignore_index, ")");
}

/// Whether cross_entropy takes its fused path: (N, C) float32/float64 logits, class indices (N), no class weights
/// and no label smoothing.
bool cross_entropy_fusable(const Tensor& input, const Tensor& target, const Tensor& weight, double label_smoothing);
/// cross_entropy on that path: one kernel for log_softmax + nll_loss forward, one for the backward (a graph of
/// differentiable ops when the backward itself is recorded). Shapes and dtypes are checked by the caller.
Tensor fused_cross_entropy(const Tensor& input, const Tensor& target, int64_t ignore_index, Reduction reduction);

}  // namespace nabla::ops
