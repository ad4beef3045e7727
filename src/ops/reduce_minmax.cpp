// max, min (whole tensor, or along a dim with indices), argmax, argmin, all, any: shapes and autograd here, the
// folds in the backend (backend/cpu/kernels/reduce_best.cpp).
#include "autograd/record.h"
#include "backend/kernels.h"
#include "nabla/ops/reduce.h"
#include "ops/reduce_common.h"
#include "ops/shape_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

namespace {
// Values and int64 indices of the best element of each reduced slice (the device's reduce_best kernel, over x with
// the reduced dims moved innermost). values_too false: the indices only (argmax, argmin).
template <bool kMax>
std::pair<Tensor, Tensor> best_values_indices(const Tensor& x, const ops::ReducePlan& plan, const char* op,
                                              bool values_too = true) {
  const Device dev = backend::common_device(op, {&x});
  Tensor rows = ops::reduce_rows(x, plan);
  Tensor values = values_too ? detail::make_empty(plan.out_shape, x.dtype(), dev) : Tensor();
  Tensor indices = detail::make_empty(plan.out_shape, kInt64, dev);
  backend::kernels(dev).reduce_best(kMax, backend::ReduceGeom{plan.outer, plan.inner, 1}, values, indices, rows);
  return {values, indices};
}

void check_nonempty_whole(const Tensor& x, const char* op) {
  NABLA_CHECK(x.numel() > 0, op, ": expected a non-empty tensor, got shape ", x.sizes().vec(),
              "; a reduction over all elements of an empty tensor has no value; specify a dim to reduce instead");
}

void check_nonempty_dim(const Tensor& x, int64_t d, const char* op) {
  NABLA_CHECK(x.dim() == 0 || x.sizes()[size_t(d)] > 0, op, ": expected reduction dim ", d,
              " to have non-zero size (input shape ", x.sizes().vec(), ")");
}

// Whole-tensor max/min: the gradient is split evenly among the elements equal to the result (as PyTorch's amax).
template <bool kMax>
Tensor whole(const Tensor& x, const char* op, OpId id) {
  check_nonempty_whole(x, op);
  auto plan = ops::make_reduce_plan(x, {}, false, op);
  Tensor out = best_values_indices<kMax>(x, plan, op).first;
  if (autograd::needs_grad(x)) {
    record(id, {x}, out, [sx = SavedVariable(x), sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      Tensor scale;
      {
        NoGradGuard ng;
        Tensor mask = ops::as_dtype(eq(sx.unpack(), sy.unpack()), sx.unpack().dtype());
        scale = mask / sum(mask);
      }
      return {g[0] * scale};
    });
  }
  return out;
}

// Along a dim: (values, indices); the gradient goes to the element at each index.
template <bool kMax>
std::tuple<Tensor, Tensor> along_dim(const Tensor& x, int64_t dim, bool keepdim, const char* op, OpId id) {
  const int64_t d = wrap_dim(dim, x.dim(), op);
  check_nonempty_dim(x, d, op);
  auto plan = ops::make_reduce_plan(x, {d}, keepdim, op);
  Tensor values, indices;
  std::tie(values, indices) = best_values_indices<kMax>(x, plan, op);
  if (autograd::needs_grad(x)) {
    record(id, {x}, values,
           [indices, d, keep = plan.keep_shape, in_shape = x.sizes().vec(), dtype = x.dtype()](
               const variable_list& g) -> variable_list {
             // one_hot (in_shape): 1 where the index of each slice points (scattered by the backend).
             const Tensor at = indices.reshape(keep);
             const Tensor one_hot =
                 ops::scatter_add_into_zeros(in_shape, d, at, ones(keep, TensorOptions().dtype(dtype)));
             return {g[0].reshape(keep) * one_hot};
           });
  }
  return {values, indices};
}

template <bool kMax>
Tensor arg_best(const Tensor& x, std::optional<int64_t> dim, bool keepdim, const char* op) {
  std::vector<int64_t> dims;
  if (dim) {
    int64_t d = wrap_dim(*dim, x.dim(), op);
    check_nonempty_dim(x, d, op);
    dims.push_back(d);
  } else {
    check_nonempty_whole(x, op);
  }
  auto plan = ops::make_reduce_plan(x, dims, keepdim, op);
  return best_values_indices<kMax>(x, plan, op, /*values_too=*/false).second;
}

// all / any: bool results (uint8 for uint8 inputs, as PyTorch), inputs of any dtype.
template <bool kAll>
Tensor all_any(const Tensor& x, IntArrayRef dims, bool keepdim, const char* op) {
  auto plan = ops::make_reduce_plan(x, dims, keepdim, op);
  const Device dev = backend::common_device(op, {&x});
  Tensor rows = ops::reduce_rows(x, plan);
  Tensor out = detail::make_empty(plan.out_shape, x.dtype() == kUInt8 ? kUInt8 : kBool, dev);
  backend::kernels(dev).reduce_all_any(kAll, backend::ReduceGeom{plan.outer, plan.inner, 1}, out, rows);
  return out;
}
}  // namespace

Tensor max(const Tensor& x) { return whole<true>(x, "max", OpId::Max); }
Tensor min(const Tensor& x) { return whole<false>(x, "min", OpId::Min); }
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return along_dim<true>(x, dim, keepdim, "max", OpId::MaxDim);
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return along_dim<false>(x, dim, keepdim, "min", OpId::MinDim);
}
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_best<true>(x, dim, keepdim, "argmax");
}
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_best<false>(x, dim, keepdim, "argmin");
}

Tensor all(const Tensor& x) { return all_any<true>(x, {}, false, "all"); }
Tensor all(const Tensor& x, int64_t dim, bool keepdim) { return all_any<true>(x, {dim}, keepdim, "all"); }
Tensor any(const Tensor& x) { return all_any<false>(x, {}, false, "any"); }
Tensor any(const Tensor& x, int64_t dim, bool keepdim) { return all_any<false>(x, {dim}, keepdim, "any"); }

}  // namespace nabla
