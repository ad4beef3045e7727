// sum and mean.
#include "autograd/record.h"
#include "nabla/ops/reduce.h"
#include "ops/reduce_common.h"

namespace nabla {
using autograd::record;
using autograd::variable_list;
using ops::OpId;

namespace {
ScalarType sum_dtype(const Tensor& x, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_integral(x.dtype(), true) ? kInt64 : x.dtype();
}

Tensor sum_impl(const Tensor& x0, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype, bool all) {
  ScalarType out_t = sum_dtype(x0, dtype);
  Tensor x = ops::as_dtype(x0, out_t);
  auto plan = ops::make_reduce_plan(x, all ? IntArrayRef() : dims, keepdim, "sum");
  Tensor out = NABLA_DISPATCH_NUMERIC(out_t, "sum", [&] {
    // Floating sums accumulate in double for accuracy; integers in their own type.
    using acc_t = std::conditional_t<std::is_floating_point_v<scalar_t>, double, scalar_t>;
    return ops::reduce_kernel<scalar_t, scalar_t>(x, plan, out_t, [](const scalar_t* p, int64_t n) {
      acc_t acc = 0;
      for (int64_t i = 0; i < n; ++i) acc += p[i];
      return static_cast<scalar_t>(acc);
    });
  });
  if (autograd::needs_grad(x0)) {
    record(OpId::Sum, {x0}, out,
           [keep = plan.keep_shape, in_shape = x0.sizes().vec()](const variable_list& g) -> variable_list {
             return {g[0].reshape(keep).expand(in_shape)};
           });
  }
  return out;
}
}  // namespace

Tensor sum(const Tensor& x, std::optional<ScalarType> dtype) { return sum_impl(x, {}, false, dtype, true); }
Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype) {
  return sum_impl(x, dims, keepdim, dtype, dims.empty());
}

Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType t = dtype.value_or(x.dtype());
  NABLA_CHECK(is_floating_point(t), "mean: could not infer output dtype. Input dtype must be either a floating point "
              "or complex dtype. Got: ", x.dtype(), "; convert with .to(nabla::kFloat) or pass dtype");
  auto plan = ops::make_reduce_plan(x, dims, keepdim, "mean");
  Tensor s = sum(x, dims, keepdim, t);
  return plan.inner == 0 ? s / 0.0 : s / double(plan.inner);
}
Tensor mean(const Tensor& x, std::optional<ScalarType> dtype) { return mean(x, IntArrayRef(), false, dtype); }

}  // namespace nabla
