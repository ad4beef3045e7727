#pragma once
// Shared by the loss functions: the reduction step.
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

}  // namespace nabla::ops
