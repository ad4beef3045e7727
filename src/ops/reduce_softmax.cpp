// softmax and log_softmax along one dim (stable: the max of each slice is subtracted first); the loops are the
// backend's (backend/cpu/kernels/softmax.cpp).
#include "autograd/record.h"
#include "backend/kernels.h"
#include "nabla/ops/reduce.h"
#include "ops/reduce_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

namespace {
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
  const Device dev = backend::common_device(kLog ? "log_softmax" : "softmax", {&xc});
  Tensor out = detail::make_empty(sizes, x.dtype(), dev);
  backend::kernels(dev).softmax(kLog, backend::SoftmaxGeom{pre, len, post}, out, xc);
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
