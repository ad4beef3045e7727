// Unary math functions: exp, sin, ...
#include <cmath>

#include "autograd/record.h"
#include "ops/elementwise_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

Tensor exp(const Tensor& x) {
  Tensor out = ops::unary_kernel(x, ops::float_compute_type(x.dtype()), "exp", [](auto v) { return std::exp(v); });
  if (autograd::needs_grad(x)) {
    record(OpId::Exp, {x}, out, [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      return {g[0] * sy.unpack()};
    });
  }
  return out;
}

Tensor sin(const Tensor& x) {
  Tensor out = ops::unary_kernel(x, ops::float_compute_type(x.dtype()), "sin", [](auto v) { return std::sin(v); });
  if (autograd::needs_grad(x)) {
    record(OpId::Sin, {x}, out, [sx = SavedVariable(x)](const variable_list& g) -> variable_list {
      return {g[0] * cos(sx.unpack())};
    });
  }
  return out;
}

}  // namespace nabla
