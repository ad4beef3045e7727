#pragma once
// The CPU's reduction loops: fold rows of a contiguous [outer, inner] buffer, or blocks of columns of an (A, R, K)
// buffer, deterministically (fixed chunking and order, whatever the thread count).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

/// A "column" reduction: a contiguous buffer (A, R, K) whose middle dim R is folded, giving (A, K).
struct ColumnLayout {
  int64_t A = 1, R = 1, K = 1;
};

/// Elements per chunk of a row in fold_rows: a row is always folded in these chunks, combined left to right,
/// so results do not depend on the thread count or on whether a row was split across threads.
constexpr int64_t kReduceChunk = 16384;

/// Folds every row of a contiguous [outer, inner] buffer: acc[o] = combine(chunk(o, p0, n0, 0), chunk(o, p1, n1,
/// s1)...) over chunks of kReduceChunk elements (one empty chunk when inner == 0). chunk(o, ptr, n, start) -> Acc,
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
  const bool parallel = outer * inner >= kParallelThreshold;
  if (nchunks == 1 || outer >= 64) {
    parallel_for(outer, parallel, [&](int64_t o) {
      Acc a = run(o, 0);
      for (int64_t c = 1; c < nchunks; ++c) a = combine(a, run(o, c));
      acc[size_t(o)] = a;
    });
  } else {
    std::vector<Acc> part(size_t(outer * nchunks));
    parallel_for(outer * nchunks, parallel, [&](int64_t k) { part[size_t(k)] = run(k / nchunks, k % nchunks); });
    for (int64_t o = 0; o < outer; ++o) {
      Acc a = part[size_t(o * nchunks)];
      for (int64_t c = 1; c < nchunks; ++c) a = combine(a, part[size_t(o * nchunks + c)]);
      acc[size_t(o)] = a;
    }
  }
  return acc;
}

/// out[a * K + k] = fold of src[a][r][k] over r = 0..R-1 in order (acc = step(acc, value)), starting from init.
/// Parallel over (a, column block); deterministic.
template <typename Acc, typename T, typename Step>
std::vector<Acc> fold_columns(const T* src, const ColumnLayout& L, Acc init, Step step) {
  std::vector<Acc> out(size_t(L.A * L.K), init);
  constexpr int64_t kBlock = 256;
  const int64_t nblocks = (L.K + kBlock - 1) / kBlock;
  const bool parallel = L.A * L.R * L.K >= kParallelThreshold;
  parallel_for(L.A * nblocks, parallel, [&](int64_t task) {
    const int64_t a = task / nblocks, k0 = (task % nblocks) * kBlock, k1 = std::min(L.K, k0 + kBlock);
    Acc* acc = out.data() + a * L.K;
    for (int64_t r = 0; r < L.R; ++r) {
      const T* row = src + (a * L.R + r) * L.K;
      for (int64_t k = k0; k < k1; ++k) acc[k] = step(acc[k], row[k]);
    }
  });
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

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
