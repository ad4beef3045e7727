#pragma once
// Shared plumbing of reductions: which dims, the output shape, and the layout the kernels fold (the reduced dims
// moved innermost by one contiguous copy when needed, or left as a block of columns). The folds are the backend's
// (KernelTable::reduce, reduce_best, reduce_all_any, softmax).
#include <optional>
#include <vector>

#include "backend/cpu/reduce_loops.h"
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

/// The layout of a "column" reduction: x contiguous and its reduced dims one consecutive block, so x is
/// (A, R, K) with R reduced and the kept elements (A, K) in output order. With K wide, folding R rows of K
/// contiguous columns at once is far faster than transposing (sum over the batch dim of a gradient, say).
using ColumnLayout = cpu::ColumnLayout;
std::optional<ColumnLayout> column_layout(const Tensor& x, const ReducePlan& plan);

}  // namespace nabla::ops
