#pragma once
// Shared plumbing of reductions: which dims, the output shape, and a kernel that moves the reduced dims
// innermost (one contiguous copy when needed) and folds each row.
#include <algorithm>
#include <cmath>
#include <optional>
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
  cpu::parallel_for(plan.outer, plan.outer * inner >= cpu::kParallelThreshold,
                    [&](int64_t o) { dst[o] = fold(src + o * inner, inner); });
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
    cpu::parallel_for(outer, parallel, [&](int64_t o) {
      Acc a = run(o, 0);
      for (int64_t c = 1; c < nchunks; ++c) a = combine(a, run(o, c));
      acc[size_t(o)] = a;
    });
  } else {
    std::vector<Acc> part(size_t(outer * nchunks));
    cpu::parallel_for(outer * nchunks, parallel,
                      [&](int64_t k) { part[size_t(k)] = run(k / nchunks, k % nchunks); });
    for (int64_t o = 0; o < outer; ++o) {
      Acc a = part[size_t(o * nchunks)];
      for (int64_t c = 1; c < nchunks; ++c) a = combine(a, part[size_t(o * nchunks + c)]);
      acc[size_t(o)] = a;
    }
  }
  return acc;
}

/// The layout of a "column" reduction: x contiguous and its reduced dims one consecutive block, so x is
/// (A, R, K) with R reduced and the kept elements (A, K) in output order. With K wide, folding R rows of K
/// contiguous columns at once is far faster than transposing (sum over the batch dim of a gradient, say).
struct ColumnLayout {
  int64_t A = 1, R = 1, K = 1;
};
std::optional<ColumnLayout> column_layout(const Tensor& x, const ReducePlan& plan);

/// out[a * K + k] = fold of src[a][r][k] over r = 0..R-1 in order (acc = step(acc, value)), starting from init.
/// Parallel over (a, column block); deterministic.
template <typename Acc, typename T, typename Step>
std::vector<Acc> fold_columns(const T* src, const ColumnLayout& L, Acc init, Step step) {
  std::vector<Acc> out(size_t(L.A * L.K), init);
  constexpr int64_t kBlock = 256;
  const int64_t nblocks = (L.K + kBlock - 1) / kBlock;
  const bool parallel = L.A * L.R * L.K >= cpu::kParallelThreshold;
  cpu::parallel_for(L.A * nblocks, parallel, [&](int64_t task) {
    const int64_t a = task / nblocks, k0 = (task % nblocks) * kBlock, k1 = std::min(L.K, k0 + kBlock);
    Acc* acc = out.data() + a * L.K;
    for (int64_t r = 0; r < L.R; ++r) {
      const T* row = src + (a * L.R + r) * L.K;
      for (int64_t k = k0; k < k1; ++k) acc[k] = step(acc[k], row[k]);
    }
  });
  return out;
}

/// A new tensor of `shape` and `dtype` filled from vals (converted with static_cast).
template <typename R, typename V>
Tensor tensor_from_values(const std::vector<V>& vals, IntArrayRef shape, ScalarType dtype) {
  Tensor out = detail::make_empty(shape, dtype);
  R* dst = out.data_ptr<R>();
  for (size_t i = 0; i < vals.size(); ++i) dst[i] = static_cast<R>(vals[i]);
  return out;
}

/// sum of f(p[i]) over n elements in double, with 8 independent accumulators (vectorizable; fixed order).
template <typename T, typename F>
double sum_of(const T* p, int64_t n, F f) {
  double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) a[k] += f(p[i + k]);
  for (; i < n; ++i) a[0] += f(p[i]);
  return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
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
