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
template <bool kLog, typename T>
void softmax_lines(const T* src, T* dst, int64_t pre, int64_t len, int64_t post) {
  const int64_t lines = pre * post;
#pragma omp parallel for schedule(static) if (lines * len >= cpu::kParallelThreshold && lines > 1)
  for (int64_t line = 0; line < lines; ++line) {
    const int64_t base = (line / post) * len * post + line % post;
    const T* s = src + base;
    T* o = dst + base;
    double m = -std::numeric_limits<double>::infinity();
    for (int64_t k = 0; k < len; ++k) {
      const double v = double(s[k * post]);
      m = (std::isnan(v) || v > m) ? v : m;
    }
    double total = 0;
    for (int64_t k = 0; k < len; ++k) total += std::exp(double(s[k * post]) - m);
    if constexpr (kLog) {
      const double lse = m + std::log(total);
      for (int64_t k = 0; k < len; ++k) o[k * post] = T(double(s[k * post]) - lse);
    } else {
      const double inv = 1.0 / total;
      for (int64_t k = 0; k < len; ++k) o[k * post] = T(std::exp(double(s[k * post]) - m) * inv);
    }
  }
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
