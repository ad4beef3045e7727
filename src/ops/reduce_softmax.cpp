// softmax and log_softmax along one dim (stable: the max of each slice is subtracted first).
#include <cmath>
#include <limits>

#include "autograd/record.h"
#include "nabla/ops/reduce.h"
#include "ops/reduce_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

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
      if constexpr (kLog) o[k * post + j] = T(double(s[k * post + j] - m[j]) - total[j]);
      else o[k * post + j] *= T(total[j]);
    }
  }
}

template <bool kLog, typename T>
void softmax_lines(const T* src, T* dst, int64_t pre, int64_t len, int64_t post) {
  constexpr int64_t kBlock = 256;
  const bool parallel = pre * len * post >= cpu::kParallelThreshold;
  if (post == 1) {
    cpu::parallel_for(pre, parallel, [&](int64_t i) { softmax_line<kLog>(src + i * len, dst + i * len, len); });
    return;
  }
  const int64_t nblocks = (post + kBlock - 1) / kBlock;
  cpu::parallel_for(pre * nblocks, parallel, [&](int64_t task) {
    const int64_t i = task / nblocks, j0 = (task % nblocks) * kBlock;
    const int64_t off = i * len * post + j0;
    softmax_block<kLog>(src + off, dst + off, len, post, std::min(kBlock, post - j0));
  });
}

// x viewed as (pre, len, post) around dim d; every (pre, post) line of len elements (stride post) is normalised.
template <bool kLog>
Tensor softmax_forward(const Tensor& x, int64_t d) {
  Tensor xc;
  {
    NoGradGuard ng;
    xc = x.is_contiguous() ? x : clone(x);
  }
  const auto sizes = x.sizes().vec();
  const int64_t len = sizes.empty() ? 1 : sizes[size_t(d)];
  int64_t pre = 1, post = 1;
  for (int64_t i = 0; i < int64_t(sizes.size()); ++i) {
    if (i < d) pre *= sizes[size_t(i)];
    if (i > d) post *= sizes[size_t(i)];
  }
  Tensor out = detail::make_empty(sizes, x.dtype());
  NABLA_DISPATCH_FLOATING(x.dtype(), kLog ? "log_softmax" : "softmax",
                          [&] { softmax_lines<kLog>(xc.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), pre, len, post); });
  return out;
}

template <bool kLog>
Tensor softmax_impl(const Tensor& x0, int64_t dim, std::optional<ScalarType> dtype) {
  const char* op = kLog ? "log_softmax" : "softmax";
  Tensor x = dtype ? to_dtype(x0, *dtype) : x0;
  NABLA_CHECK(is_floating_point(x.dtype()), op, ": expected a floating-point input, got ", x.dtype(),
              "; pass a dtype: ", op, "(x, dim, nabla::kFloat)");
  const int64_t d = wrap_dim(dim, x.dim(), op);
  Tensor out = softmax_forward<kLog>(x, d);
  if (autograd::needs_grad(x)) {
    if constexpr (kLog) {
      // dx = g - exp(y) * sum(g, d)
      record(OpId::LogSoftmax, {x}, out, [sy = SavedVariable(out, true), d](const variable_list& g) -> variable_list {
        return {g[0] - exp(sy.unpack()) * sum(g[0], {d}, true)};
      });
    } else {
      // dx = y * (g - sum(g * y, d))
      record(OpId::Softmax, {x}, out, [sy = SavedVariable(out, true), d](const variable_list& g) -> variable_list {
        Tensor y = sy.unpack();
        return {y * (g[0] - sum(g[0] * y, {d}, true))};
      });
    }
  }
  return out;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) { return softmax_impl<false>(x, dim, dtype); }
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_impl<true>(x, dim, dtype);
}

}  // namespace nabla
