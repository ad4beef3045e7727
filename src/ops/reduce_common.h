#pragma once
// Shared plumbing of reductions: which dims, the output shape, and a kernel that moves the reduced dims
// innermost (one contiguous copy when needed) and folds each row.
#include <algorithm>
#include <cmath>
#include <type_traits>
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

/// Elements per chunk of a row in fold_rows: a row is always folded in these chunks, combined left to right,
/// so results do not depend on the thread count or on whether a row was split across threads.
constexpr int64_t kReduceChunk = 16384;

/// Folds every row of a contiguous [outer, inner] buffer: acc[o] = combine(chunk(o, p0, n0, 0), chunk(o, p1, n1, s1)...)
/// over chunks of kReduceChunk elements (one empty chunk when inner == 0). chunk(o, ptr, n, start) -> Acc,
/// combine(Acc left, Acc right) -> Acc. Parallel over rows when there are many, else over (row, chunk) pairs,
/// so one huge row (a full reduction) is split across threads too.
template <typename Acc, typename T, typename Chunk, typename Combine>
std::vector<Acc> fold_rows(const T* src, int64_t outer, int64_t inner, Chunk chunk, Combine combine) {
  std::vector<Acc> acc(size_t(std::max<int64_t>(outer, 0)));
  if (outer <= 0) return acc;
  const int64_t nchunks = std::max<int64_t>(1, (inner + kReduceChunk - 1) / kReduceChunk);
  auto run = [&](int64_t o, int64_t c) -> Acc {
    const int64_t start = c * kReduceChunk;
    return chunk(o, src + o * inner + start, std::min(kReduceChunk, inner - start), start);
  };
  const bool parallel = outer * inner >= cpu::kParallelThreshold;
  if (nchunks == 1 || outer >= 64) {
#pragma omp parallel for schedule(static) if (parallel && outer > 1)
    for (int64_t o = 0; o < outer; ++o) {
      Acc a = run(o, 0);
      for (int64_t c = 1; c < nchunks; ++c) a = combine(a, run(o, c));
      acc[size_t(o)] = a;
    }
  } else {
    std::vector<Acc> part(size_t(outer * nchunks));
#pragma omp parallel for schedule(static) if (parallel)
    for (int64_t k = 0; k < outer * nchunks; ++k) part[size_t(k)] = run(k / nchunks, k % nchunks);
    for (int64_t o = 0; o < outer; ++o) {
      Acc a = part[size_t(o * nchunks)];
      for (int64_t c = 1; c < nchunks; ++c) a = combine(a, part[size_t(o * nchunks + c)]);
      acc[size_t(o)] = a;
    }
  }
  return acc;
}

/// A new tensor of `shape` and `dtype` filled from vals (converted with static_cast).
template <typename R, typename V>
Tensor tensor_from_values(const std::vector<V>& vals, IntArrayRef shape, ScalarType dtype) {
  Tensor out = detail::make_empty(shape, dtype);
  R* dst = out.data_ptr<R>();
  for (size_t i = 0; i < vals.size(); ++i) dst[i] = static_cast<R>(vals[i]);
  return out;
}

/// NaN test that compiles for integer types too.
template <typename T>
inline bool is_nan_value(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

/// The row length a reduction along `plan` folds, and the keep-shape broadcast helpers used by backward formulas.
inline std::vector<int64_t> reduced_dims(const ReducePlan& plan) {
  std::vector<int64_t> d;
  for (size_t i = 0; i < plan.reduced.size(); ++i)
    if (plan.reduced[i]) d.push_back(int64_t(i));
  return d;
}

}  // namespace nabla::ops
