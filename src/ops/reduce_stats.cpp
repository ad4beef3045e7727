// var, std, norm and logsumexp: shapes and autograd here, the folds in the backend (KernelTable::reduce).
#include <cmath>
#include <limits>

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
// A statistic of x along plan by the device's reduce kernel, over x with the reduced dims moved innermost.
Tensor stat_forward(backend::ReduceOp op, const Tensor& x, const ops::ReducePlan& plan, double divisor = 1,
                    double p = 2) {
  const Device dev = backend::common_device(backend::op_name(op), {&x});
  Tensor rows = ops::reduce_rows(x, plan);
  Tensor out = detail::make_empty(plan.out_shape, x.dtype(), dev);
  backend::kernels(dev).reduce(op, backend::ReduceGeom{plan.outer, plan.inner, 1, false, divisor, p}, out, rows);
  return out;
}

Tensor var_std(const Tensor& x, IntArrayRef dims_in, bool unbiased, bool keepdim, bool is_std) {
  const char* op = is_std ? "std" : "var";
  NABLA_CHECK(is_floating_point(x.dtype()), op, ": std and var only support floating point dtypes, got ", x.dtype(),
              "; convert with .to(nabla::kFloat)");
  std::vector<int64_t> dims = dims_in.vec();
  auto plan = ops::make_reduce_plan(x, dims, keepdim, op);
  const double divisor = std::max<double>(0.0, double(plan.inner) - (unbiased ? 1.0 : 0.0));
  Tensor out = stat_forward(is_std ? backend::ReduceOp::Std : backend::ReduceOp::Var, x, plan, divisor);
  if (autograd::needs_grad(x)) {
    if (is_std) {
      // d std = g * (x - mean) / (std * divisor); 0 where std == 0 (as PyTorch's masked_fill).
      record(OpId::Std, {x}, out,
             [sx = SavedVariable(x), sy = SavedVariable(out, true), dims, keep = plan.keep_shape, divisor](
                 const variable_list& g) -> variable_list {
               Tensor xv = sx.unpack(), yk = sy.unpack().reshape(keep);
               Tensor gs = where(eq(yk, 0.0), Scalar(0.0), g[0].reshape(keep) / yk);
               return {gs * (xv - mean(xv, dims, true)) * (1.0 / divisor)};
             });
    } else {
      // d var = g * 2 (x - mean) / divisor
      record(OpId::Var, {x}, out,
             [sx = SavedVariable(x), dims, keep = plan.keep_shape, divisor](const variable_list& g) -> variable_list {
               Tensor xv = sx.unpack();
               return {g[0].reshape(keep) * (xv - mean(xv, dims, true)) * (2.0 / divisor)};
             });
    }
  }
  return out;
}

// Gradient of the p-norm (PyTorch's norm_backward): 0 where the norm is 0.
Tensor norm_backward(const Tensor& g, const Tensor& x, const Tensor& y, double p, const std::vector<int64_t>& dims,
                     const std::vector<int64_t>& keep) {
  Tensor gk = g.reshape(keep), yk = y.reshape(keep);
  if (p == 0) return zeros_like(x);
  if (p == 1) return gk * sign(x);
  if (p == 2) return x * where(eq(yk, 0.0), Scalar(0.0), gk / yk);
  if (std::isinf(p)) {
    // Like max/min: split evenly among the elements whose |x| equals the norm.
    Tensor scale;
    {
      NoGradGuard ng;
      Tensor mask = ops::as_dtype(eq(abs(x), yk), x.dtype());
      scale = sign(x) * mask / sum(mask, dims, true);
    }
    return gk * scale;
  }
  Tensor scale_v = where(eq(yk, 0.0), Scalar(0.0), gk / pow(yk, p - 1));
  Tensor self_scaled;
  if (p < 2) {
    Tensor x_safe = where(eq(x, 0.0), Scalar(1.0), x);  // |0|^(p-1) would be inf; sign(0) = 0 zeroes it anyway
    self_scaled = sign(x) * pow(abs(x_safe), p - 1);
  } else {
    self_scaled = x * pow(abs(x), p - 2);
  }
  return self_scaled * scale_v;
}

Tensor norm_impl(const Tensor& x, const Scalar& p_s, IntArrayRef dims_in, bool keepdim) {
  NABLA_CHECK(is_floating_point(x.dtype()), "norm: input dtype should be floating point, got ", x.dtype(),
              "; convert with .to(nabla::kFloat)");
  const double p = p_s.to_double();
  NABLA_CHECK(!std::isnan(p), "norm: p must be a number, got nan");
  std::vector<int64_t> dims = dims_in.vec();
  auto plan = ops::make_reduce_plan(x, dims, keepdim, "norm");
  Tensor out = stat_forward(backend::ReduceOp::Norm, x, plan, 1, p);
  if (autograd::needs_grad(x)) {
    record(OpId::Norm, {x}, out,
           [sx = SavedVariable(x), sy = SavedVariable(out, true), p, dims, keep = plan.keep_shape](
               const variable_list& g) -> variable_list {
             return {norm_backward(g[0], sx.unpack(), sy.unpack(), p, dims, keep)};
           });
  }
  return out;
}
}  // namespace

Tensor var(const Tensor& x, bool unbiased) { return var_std(x, {}, unbiased, false, false); }
Tensor var(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim) {
  return var_std(x, dims, unbiased, keepdim, false);
}
Tensor std(const Tensor& x, bool unbiased) { return var_std(x, {}, unbiased, false, true); }
Tensor std(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim) {
  return var_std(x, dims, unbiased, keepdim, true);
}

Tensor norm(const Tensor& x, const Scalar& p) { return norm_impl(x, p, {}, false); }
Tensor norm(const Tensor& x, const Scalar& p, IntArrayRef dims, bool keepdim) { return norm_impl(x, p, dims, keepdim); }

// log(sum(exp(x))) over dims, stable: the row max is subtracted first (0 when it is infinite).
Tensor logsumexp(const Tensor& x0, IntArrayRef dims_in, bool keepdim) {
  Tensor x = ops::as_dtype(x0, ops::float_compute_type(x0.dtype()));  // int inputs compute in float, as PyTorch
  std::vector<int64_t> dims = dims_in.vec();
  auto plan = ops::make_reduce_plan(x, dims, keepdim, "logsumexp");
  Tensor out = stat_forward(backend::ReduceOp::LogSumExp, x, plan);
  if (autograd::needs_grad(x0)) {
    // d/dx = g * exp(x - y)
    record(OpId::LogSumExp, {x0}, out,
           [sx = SavedVariable(x0), sy = SavedVariable(out, true), keep = plan.keep_shape](const variable_list& g)
               -> variable_list { return {g[0].reshape(keep) * exp(sx.unpack() - sy.unpack().reshape(keep))}; });
  }
  return out;
}

}  // namespace nabla
