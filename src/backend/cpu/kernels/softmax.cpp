// softmax and log_softmax along one dim of a contiguous tensor viewed as (pre, len, post), and cross-entropy
// (log_softmax and nll_loss fused) over the lines of a (rows, classes) tensor (compiled once per instruction set).
// Stable: each line's max is subtracted first; the sum of exponentials is taken in double, in order, so every
// instruction set gives the same bits. Lines with post > 1 are processed in blocks of neighbouring lines so that every
// pass reads contiguous memory.
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

// A contiguous line's max and the log of its sum of exp(x - max), summed in double (the max is exact in double, so
// the cross-entropy backward recovers it bit for bit from the saved stats).
template <typename T>
void line_stats(const T* s, int64_t len, double* st) {
  T m = -std::numeric_limits<T>::infinity();
  for (int64_t k = 0; k < len; ++k) m = nan_max(m, s[k]);
  double total = 0;
  for (int64_t k = 0; k < len; ++k) total += double(std::exp(s[k] - m));
  st[0] = double(m);
  st[1] = std::log(total);
}

// log_softmax of one element x of a line with stats st: (x - max) is exact near the max; log(sum) is subtracted in
// double. log_softmax, cross_entropy and its backward all round it here.
template <typename T>
inline T log_softmax_of(T x, const double* st) {
  return T(double(x - T(st[0])) - st[1]);
}

// One contiguous line of len elements. softmax: max, then exp(x - max) written once and summed in double, then
// scaled; log_softmax: line_stats, then log_softmax_of each element.
template <bool kLog, typename T>
void softmax_line(const T* s, T* o, int64_t len) {
  if constexpr (kLog) {
    double st[2];
    line_stats(s, len, st);
    for (int64_t k = 0; k < len; ++k) o[k] = log_softmax_of(s[k], st);
  } else {
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t k = 0; k < len; ++k) m = nan_max(m, s[k]);
    double total = 0;
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

int64_t cross_entropy(const backend::CrossEntropyGeom& g, const Tensor& loss, const Tensor& stats, const Tensor& x,
                      const Tensor& target) {
  const int64_t* t = target.data_ptr<int64_t>();
  int64_t kept = 0;
  for (int64_t r = 0; r < g.rows; ++r) {
    if (t[r] == g.ignore_index) continue;
    if (t[r] < 0 || t[r] >= g.classes) return -1 - r;
    ++kept;
  }
  double* st = stats.data_ptr<double>();
  NABLA_DISPATCH_FLOATING(x.dtype(), "cross_entropy", [&] {
    const scalar_t* xs = x.data_ptr<scalar_t>();
    scalar_t* out = loss.data_ptr<scalar_t>();
    parallel_for(g.rows, g.rows * g.classes >= kParallelThreshold, [&](int64_t r) {
      const scalar_t* line = xs + r * g.classes;
      line_stats(line, g.classes, st + 2 * r);
      if (t[r] == g.ignore_index) {
        out[r] = 0;
        return;
      }
      out[r] = -log_softmax_of(line[t[r]], st + 2 * r);
    });
  });
  return kept;
}

void cross_entropy_backward(const backend::CrossEntropyGeom& g, double scale, const Tensor& grad_x,
                            const Tensor& grad_loss, const Tensor& x, const Tensor& stats, const Tensor& target) {
  const int64_t* t = target.data_ptr<int64_t>();
  const double* st = stats.data_ptr<double>();
  const bool per_line = grad_loss.dim() > 0;
  NABLA_DISPATCH_FLOATING(x.dtype(), "cross_entropy_backward", [&] {
    const scalar_t* xs = x.data_ptr<scalar_t>();
    const scalar_t* gl = grad_loss.data_ptr<scalar_t>();
    scalar_t* gx = grad_x.data_ptr<scalar_t>();
    parallel_for(g.rows, g.rows * g.classes >= kParallelThreshold, [&](int64_t r) {
      const scalar_t* line = xs + r * g.classes;
      scalar_t* o = gx + r * g.classes;
      if (t[r] == g.ignore_index) {
        std::fill(o, o + g.classes, scalar_t(0));
        return;
      }
      const auto s = scalar_t(scale * double(gl[per_line ? r : 0]));
      for (int64_t k = 0; k < g.classes; ++k) {
        const scalar_t p = std::exp(log_softmax_of(line[k], st + 2 * r));  // softmax, via log_softmax's bits
        o[k] = s * (k == t[r] ? p - scalar_t(1) : p);
      }
    });
  });
}

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
