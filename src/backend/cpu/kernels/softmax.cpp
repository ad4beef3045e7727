// softmax and log_softmax along one dim of a contiguous tensor viewed as (pre, len, post) (compiled once per
// instruction set). Stable: each line's max is subtracted first; the sum of exponentials is taken in double, in
// order, so every instruction set gives the same bits. Lines with post > 1 are processed in blocks of neighbouring
// lines so that every pass reads contiguous memory.
#include <algorithm>
#include <cmath>
#include <limits>

#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

template <typename T>
inline T nan_max(T m, T v) {
  return (v > m || std::isnan(v)) ? v : m;
}

// One contiguous line of len elements: max, then exp(x - max) written once and summed in double, then scaled.
template <bool kLog, typename T>
void softmax_line(const T* s, T* o, int64_t len) {
  T m = -std::numeric_limits<T>::infinity();
  for (int64_t k = 0; k < len; ++k) m = nan_max(m, s[k]);
  double total = 0;
  if constexpr (kLog) {
    for (int64_t k = 0; k < len; ++k) total += double(std::exp(s[k] - m));
    const double log_total = std::log(total);  // (x - max) is exact near the max; subtract log(sum) in double
    for (int64_t k = 0; k < len; ++k) o[k] = T(double(s[k] - m) - log_total);
  } else {
    for (int64_t k = 0; k < len; ++k) {
      o[k] = std::exp(s[k] - m);
      total += double(o[k]);
    }
    const T inv = T(1.0 / total);
    for (int64_t k = 0; k < len; ++k) o[k] *= inv;
  }
}

// Lines with stride post > 1: a block of up to kBlock neighbouring lines is processed together so every pass
// reads contiguous memory.
template <bool kLog, typename T>
void softmax_block(const T* s, T* o, int64_t len, int64_t post, int64_t width) {
  constexpr int64_t kBlock = 256;
  T m[kBlock];
  double total[kBlock];
  for (int64_t j = 0; j < width; ++j) {
    m[j] = -std::numeric_limits<T>::infinity();
    total[j] = 0;
  }
  for (int64_t k = 0; k < len; ++k)
    for (int64_t j = 0; j < width; ++j) m[j] = nan_max(m[j], s[k * post + j]);
  for (int64_t k = 0; k < len; ++k) {
    for (int64_t j = 0; j < width; ++j) {
      const T e = std::exp(s[k * post + j] - m[j]);
      if constexpr (!kLog) o[k * post + j] = e;
      total[j] += double(e);
    }
  }
  for (int64_t j = 0; j < width; ++j) total[j] = kLog ? std::log(total[j]) : 1.0 / total[j];
  for (int64_t k = 0; k < len; ++k) {
    for (int64_t j = 0; j < width; ++j) {
      if constexpr (kLog)
        o[k * post + j] = T(double(s[k * post + j] - m[j]) - total[j]);
      else
        o[k * post + j] *= T(total[j]);
    }
  }
}

template <bool kLog, typename T>
void softmax_lines(const T* src, T* dst, int64_t pre, int64_t len, int64_t post) {
  constexpr int64_t kBlock = 256;
  const bool parallel = pre * len * post >= kParallelThreshold;
  if (post == 1) {
    parallel_for(pre, parallel, [&](int64_t i) { softmax_line<kLog>(src + i * len, dst + i * len, len); });
    return;
  }
  const int64_t nblocks = (post + kBlock - 1) / kBlock;
  parallel_for(pre * nblocks, parallel, [&](int64_t task) {
    const int64_t i = task / nblocks, j0 = (task % nblocks) * kBlock;
    const int64_t off = i * len * post + j0;
    softmax_block<kLog>(src + off, dst + off, len, post, std::min(kBlock, post - j0));
  });
}

}  // namespace

void softmax(bool log, const backend::SoftmaxGeom& g, const Tensor& out, const Tensor& x) {
  NABLA_DISPATCH_FLOATING(x.dtype(), log ? "log_softmax" : "softmax", [&] {
    if (log) {
      softmax_lines<true>(x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), g.pre, g.len, g.post);
    } else {
      softmax_lines<false>(x.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), g.pre, g.len, g.post);
    }
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
