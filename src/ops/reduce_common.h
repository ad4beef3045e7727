#pragma once
// Shared plumbing of reductions: which dims, the output shape, and a kernel that moves the reduced dims
// innermost (one contiguous copy when needed) and folds each row.
#include <vector>

#include "core/make.h"
#include "ops/elementwise_common.h"

namespace nabla::ops {

struct ReducePlan {
  std::vector<bool> reduced;          // per input dim
  std::vector<int64_t> out_shape;     // with keepdim applied
  std::vector<int64_t> keep_shape;    // out shape with reduced dims kept as 1 (for broadcasting back)
  int64_t outer = 1;                  // number of output elements
  int64_t inner = 1;                  // elements folded into each output
};

/// dims empty means all dims (as PyTorch's sum(dim=[])). Wraps and de-duplicates dims; errors name `op`.
ReducePlan make_reduce_plan(const Tensor& x, IntArrayRef dims, bool keepdim, const char* op);

/// x with the reduced dims moved innermost, contiguous: rows of plan.inner elements, one per output.
Tensor reduce_rows(const Tensor& x, const ReducePlan& plan);

/// out[o] = fold over row o. `Fold` gets (const T* row, int64_t n) and returns the output value (type R).
template <typename R, typename T, typename Fold>
Tensor reduce_kernel(const Tensor& x_in, const ReducePlan& plan, ScalarType out_dtype, Fold fold) {
  Tensor rows = reduce_rows(x_in, plan);
  Tensor out = detail::make_empty(plan.out_shape, out_dtype);
  const T* src = rows.data_ptr<T>();
  R* dst = out.data_ptr<R>();
  const int64_t inner = plan.inner;
#pragma omp parallel for schedule(static) if (plan.outer * inner >= cpu::kParallelThreshold && plan.outer > 1)
  for (int64_t o = 0; o < plan.outer; ++o) dst[o] = fold(src + o * inner, inner);
  return out;
}

}  // namespace nabla::ops
