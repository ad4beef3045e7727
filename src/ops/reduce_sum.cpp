// sum, mean and prod (whole tensor or along dims).
#include <algorithm>

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
// Integers and bool accumulate in int64 unless a dtype is given (PyTorch's rule for sum and prod).
ScalarType sum_dtype(const Tensor& x, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_integral(x.dtype(), true) ? kInt64 : x.dtype();
}

// x converted to the dtype the kernel folds in; a bool result is folded in int64 and converted at the end.
Tensor compute_input(const Tensor& x0, ScalarType out_t) {
  if (out_t == kBool) return ops::as_dtype(ops::as_dtype(x0, kBool), kInt64);
  return ops::as_dtype(x0, out_t);
}

// The gradient of a reduction that changed dtype (sum(x_f32, kFloat64)) goes back in the input's dtype.
Tensor grad_like_input(const Tensor& g, ScalarType in_t) { return g.dtype() == in_t ? g : to_dtype(g, in_t); }

// The sum (or product) of x over plan's dims by the device's reduce kernel. x is folded in place when its reduced
// dims form one block of columns (sum over the batch of a contiguous gradient), else after one copy that moves them
// innermost. `divide_by` (mean) divides the accumulator before it is rounded to the output dtype. Empty means are nan
// (0 / 0), as in PyTorch.
Tensor fold_sum_or_prod(backend::ReduceOp op, const Tensor& x, const ops::ReducePlan& plan,
                        std::optional<double> divide_by = std::nullopt);

// A sum whose reduced dims end x but have kept dims between them (a conv bias gradient or BatchNorm2d's mean: (N, C,
// H, W) over {0, 2, 3}), x contiguous: the trailing block is folded first, one row per element of the rest, and the
// other dims from that smaller result (a column fold), instead of copying all of x to move the reduced dims
// innermost. The partial sums are rounded to x's dtype once. nullopt when the layout does not apply.
std::optional<Tensor> fold_trailing_block_first(const Tensor& x, const ops::ReducePlan& plan,
                                                std::optional<double> divide_by, Device dev) {
  const auto sizes = x.sizes();
  size_t t = sizes.size();
  while (t > 0 && plan.reduced[t - 1]) --t;  // dims [t, nd) are reduced
  int64_t R = 1;
  for (size_t d = t; d < sizes.size(); ++d) R *= sizes[d];
  const bool more = std::find(plan.reduced.begin(), plan.reduced.begin() + std::ptrdiff_t(t), true) !=
                    plan.reduced.begin() + std::ptrdiff_t(t);
  if (t == 0 || R <= 1 || !more || !x.is_contiguous() || x.numel() == 0) return std::nullopt;
  Tensor partial = detail::make_empty(IntArrayRef(sizes.data(), t), x.dtype(), dev);
  backend::kernels(dev).reduce(backend::ReduceOp::Sum, backend::ReduceGeom{x.numel() / R, R, 1, false, 1}, partial, x);
  std::vector<int64_t> rest;
  for (size_t d = 0; d < t; ++d)
    if (plan.reduced[d]) rest.push_back(int64_t(d));
  const auto plan2 = ops::make_reduce_plan(partial, rest, /*keepdim=*/false, "sum");
  return fold_sum_or_prod(backend::ReduceOp::Sum, partial, plan2, divide_by).view(plan.out_shape);
}

Tensor fold_sum_or_prod(backend::ReduceOp op, const Tensor& x, const ops::ReducePlan& plan,
                        std::optional<double> divide_by) {
  const Device dev = backend::common_device(backend::op_name(op), {&x});
  const auto L = ops::column_layout(x, plan);
  if (!L && op == backend::ReduceOp::Sum)
    if (auto out = fold_trailing_block_first(x, plan, divide_by, dev)) return *out;
  Tensor out = detail::make_empty(plan.out_shape, x.dtype(), dev);
  const bool divide = divide_by.has_value();
  const double divisor = divide_by.value_or(1);
  if (L) {
    backend::kernels(dev).reduce(op, backend::ReduceGeom{L->A, L->R, L->K, divide, divisor}, out, x);
  } else {
    Tensor rows = ops::reduce_rows(x, plan);
    backend::kernels(dev).reduce(op, backend::ReduceGeom{plan.outer, plan.inner, 1, divide, divisor}, out, rows);
  }
  return out;
}

Tensor sum_impl(const Tensor& x0, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype, OpId op) {
  ScalarType out_t = sum_dtype(x0, dtype);
  Tensor x = compute_input(x0, out_t);
  auto plan = ops::make_reduce_plan(x, dims, keepdim, "sum");
  Tensor out = fold_sum_or_prod(backend::ReduceOp::Sum, x, plan);
  if (out_t == kBool) out = ops::as_dtype(out, kBool);
  if (autograd::needs_grad(x0)) {
    record(op, {x0}, out,
           [keep = plan.keep_shape, in_shape = x0.sizes().vec(), in_t = x0.dtype()](const variable_list& g)
               -> variable_list { return {grad_like_input(g[0].reshape(keep).expand(in_shape), in_t)}; });
  }
  return out;
}

Tensor mean_impl(const Tensor& x0, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype, OpId op) {
  ScalarType t = dtype.value_or(x0.dtype());
  NABLA_CHECK(is_floating_point(t), "mean: could not infer output dtype. Input dtype must be either a floating point "
              "or complex dtype. Got: ", x0.dtype(), "; convert with .to(nabla::kFloat) or pass dtype");
  Tensor x = ops::as_dtype(x0, t);
  auto plan = ops::make_reduce_plan(x, dims, keepdim, "mean");
  const double n = double(plan.inner);
  Tensor out = fold_sum_or_prod(backend::ReduceOp::Sum, x, plan, n);
  if (autograd::needs_grad(x0)) {
    record(op, {x0}, out,
           [keep = plan.keep_shape, in_shape = x0.sizes().vec(), in_t = x0.dtype(), n](const variable_list& g)
               -> variable_list {
             return {grad_like_input(g[0].reshape(keep).expand(in_shape) * (1.0 / n), in_t)};
           });
  }
  return out;
}

// Gradient of prod: g * prod(others). Without zeros that is g * out / x. With zeros (per slice, P = product of the
// non-zeros, S = sum of the zero elements, which is 0 but carries their graph so second derivatives are right):
//   one zero:  P at the zero, S * P / x elsewhere (= 0, with d/dx_zero = P / x);
//   two zeros: P * (S - x) at each zero (= P * the other zero), 0 elsewhere; three or more: 0.
// x (in_shape), out and g reduced over `dim` (all dims when dim is empty), keep_shape for broadcasting back.
Tensor prod_backward(const Tensor& g, const Tensor& x, const Tensor& out, std::optional<int64_t> dim,
                     const std::vector<int64_t>& keep) {
  Tensor gk = g.reshape(keep);
  bool has_zero;
  {
    NoGradGuard ng;
    has_zero = !all(x).item<bool>();
  }
  if (!has_zero) return gk * out.reshape(keep) / x;
  auto reduce_keep = [&](const Tensor& t) { return dim ? sum(t, {*dim}, true) : sum(t, IntArrayRef(), true); };
  Tensor zero_mask, zero_count;
  {
    NoGradGuard ng;
    zero_mask = eq(x, 0.0);
    zero_count = reduce_keep(zero_mask);
  }
  Tensor x_safe = where(zero_mask, Scalar(1.0), x);
  Tensor others = dim ? prod(x_safe, *dim, true) : prod(x_safe).reshape(keep);  // P
  Tensor zero_sum = reduce_keep(x * ops::as_dtype(zero_mask, x.dtype()));     // S
  Tensor at_zero = where(eq(zero_count, 1), others, where(eq(zero_count, 2), others * (zero_sum - x), Scalar(0.0)));
  Tensor at_nonzero =
      where(eq(zero_count, 0), others / x_safe, where(eq(zero_count, 1), zero_sum * others / x_safe, Scalar(0.0)));
  return gk * where(zero_mask, at_zero, at_nonzero);
}

Tensor prod_impl(const Tensor& x0, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype) {
  ScalarType out_t = sum_dtype(x0, dtype);
  Tensor x = compute_input(x0, out_t);
  std::vector<int64_t> dims;
  if (dim) dims.push_back(*dim);
  auto plan = ops::make_reduce_plan(x, dims, dim ? keepdim : false, "prod");
  Tensor out = fold_sum_or_prod(backend::ReduceOp::Prod, x, plan);
  if (out_t == kBool) out = ops::as_dtype(out, kBool);
  if (autograd::needs_grad(x0)) {
    std::optional<int64_t> wdim;
    if (dim) wdim = wrap_dim(*dim, x0.dim(), "prod");
    record(dim ? OpId::ProdDim : OpId::Prod, {x0}, out,
           [sx = SavedVariable(x0), sy = SavedVariable(out, true), wdim, keep = plan.keep_shape,
            in_t = x0.dtype()](const variable_list& g) -> variable_list {
             return {grad_like_input(prod_backward(g[0], sx.unpack(), sy.unpack(), wdim, keep), in_t)};
           });
  }
  return out;
}
}  // namespace

Tensor sum(const Tensor& x, std::optional<ScalarType> dtype) { return sum_impl(x, {}, false, dtype, OpId::Sum); }
Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype) {
  return sum_impl(x, dims, keepdim, dtype, OpId::SumDim);
}

Tensor mean(const Tensor& x, std::optional<ScalarType> dtype) { return mean_impl(x, {}, false, dtype, OpId::Mean); }
Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim, std::optional<ScalarType> dtype) {
  return mean_impl(x, dims, keepdim, dtype, OpId::MeanDim);
}

Tensor prod(const Tensor& x, std::optional<ScalarType> dtype) { return prod_impl(x, std::nullopt, false, dtype); }
Tensor prod(const Tensor& x, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  return prod_impl(x, dim, keepdim, dtype);
}

}  // namespace nabla
