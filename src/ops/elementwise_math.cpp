// Unary math functions: exp, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, tanh, square, clamp.
// Integer and bool inputs of the transcendental functions compute in float32, as PyTorch's do.
#include <cmath>
#include <type_traits>

#include "autograd/record.h"
#include "ops/elementwise_common.h"
#include "ops/elementwise_kernels.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::variable_list;
using ops::OpId;

namespace {
// The unary kernel `k` over x in x's floating type (float32 for integer and bool x).
Tensor float_unary(const Tensor& x0, const char* op, backend::UnaryOp k) {
  return ops::unary_op(k, ops::as_dtype(x0, ops::float_compute_type(x0.dtype())), op);
}

void check_not_bool(const Tensor& x, const char* op) {
  NABLA_CHECK(x.dtype() != kBool, op,
              ": not implemented for bool tensors; convert with .to(nabla::kInt64) or "
              ".to(nabla::kFloat) first");
}

// PyTorch's promotion of a tensor dtype with a Python number.
ScalarType promote_with(ScalarType t, const Scalar& s) {
  if (s.is_floating_point()) return is_floating_point(t) ? t : kFloat32;
  if (s.is_integral()) return t == kBool ? kInt64 : t;
  return t;
}
}  // namespace

Tensor exp(const Tensor& x) {
  Tensor out = float_unary(x, "exp", backend::UnaryOp::Exp);
  if (autograd::needs_grad(x)) {
    record(OpId::Exp, {x}, out,
           [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list { return {g[0] * sy.unpack()}; });
  }
  return out;
}

Tensor log(const Tensor& x) {
  Tensor out = float_unary(x, "log", backend::UnaryOp::Log);
  if (autograd::needs_grad(x)) {
    record(OpId::Log, {x}, out,
           [sx = SavedVariable(x)](const variable_list& g) -> variable_list { return {g[0] / sx.unpack()}; });
  }
  return out;
}

Tensor log1p(const Tensor& x) {
  Tensor out = float_unary(x, "log1p", backend::UnaryOp::Log1p);
  if (autograd::needs_grad(x)) {
    record(OpId::Log1p, {x}, out,
           [sx = SavedVariable(x)](const variable_list& g) -> variable_list { return {g[0] / (sx.unpack() + 1)}; });
  }
  return out;
}

Tensor sqrt(const Tensor& x) {
  Tensor out = float_unary(x, "sqrt", backend::UnaryOp::Sqrt);
  if (autograd::needs_grad(x)) {
    // d sqrt(x) = 1 / (2 sqrt(x)), from the saved output.
    record(OpId::Sqrt, {x}, out, [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      return {g[0] / (sy.unpack() * 2)};
    });
  }
  return out;
}

Tensor rsqrt(const Tensor& x) {
  Tensor out = float_unary(x, "rsqrt", backend::UnaryOp::Rsqrt);
  if (autograd::needs_grad(x)) {
    // y = x^(-1/2): dy/dx = -1/2 x^(-3/2) = -1/2 y^3.
    record(OpId::Rsqrt, {x}, out, [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      return {g[0] * (pow(sy.unpack(), 3) * -0.5)};
    });
  }
  return out;
}

Tensor abs(const Tensor& x) {
  check_not_bool(x, "abs");
  Tensor out = ops::unary_op(backend::UnaryOp::Abs, x, "abs");
  if (autograd::needs_grad(x)) {
    record(OpId::Abs, {x}, out,
           [sx = SavedVariable(x)](const variable_list& g) -> variable_list { return {g[0] * sign(sx.unpack())}; });
  }
  return out;
}

Tensor sign(const Tensor& x) {
  Tensor out = detail::make_empty(x.sizes(), x.dtype());
  NABLA_DISPATCH_ALL(x.dtype(), "sign", [&] {
    cpu::map(
        [](scalar_t v) -> scalar_t {
          if constexpr (std::is_same_v<scalar_t, bool>) {
            return v;
          } else if constexpr (std::is_unsigned_v<scalar_t>) {
            return static_cast<scalar_t>(v > 0);
          } else {
            return static_cast<scalar_t>((scalar_t(0) < v) - (v < scalar_t(0)));
          }
        },
        out, x);
  });
  if (autograd::needs_grad(x)) {
    record(OpId::Sign, {x}, out, [](const variable_list& g) -> variable_list { return {zeros_like(g[0])}; });
  }
  return out;
}

Tensor sin(const Tensor& x) {
  Tensor out = float_unary(x, "sin", backend::UnaryOp::Sin);
  if (autograd::needs_grad(x)) {
    record(OpId::Sin, {x}, out,
           [sx = SavedVariable(x)](const variable_list& g) -> variable_list { return {g[0] * cos(sx.unpack())}; });
  }
  return out;
}

Tensor cos(const Tensor& x) {
  Tensor out = float_unary(x, "cos", backend::UnaryOp::Cos);
  if (autograd::needs_grad(x)) {
    record(OpId::Cos, {x}, out,
           [sx = SavedVariable(x)](const variable_list& g) -> variable_list { return {g[0] * neg(sin(sx.unpack()))}; });
  }
  return out;
}

Tensor tanh(const Tensor& x) {
  Tensor out = float_unary(x, "tanh", backend::UnaryOp::Tanh);
  if (autograd::needs_grad(x)) {
    // d tanh = 1 - y^2, from the saved output: one fused pass, or differentiable ops for a higher-order graph.
    record(OpId::Tanh, {x}, out, [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      Tensor y = sy.unpack();
      if (!GradMode::is_enabled())
        return {ops::binary_op(backend::BinaryOp::TanhBackward, g[0], y, g[0].dtype(), "tanh")};
      return {g[0] * rsub(y * y, 1)};
    });
  }
  return out;
}

/// x^2 as pow(x, 2), so it keeps integer dtypes and records PowBackward0 as torch.square does.
Tensor square(const Tensor& x) { return pow(x, 2); }

// ---- clamp: min(max(x, min), max); NaN stays NaN; gradient 1 on [min, max] including the bounds ----
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) {
  NABLA_CHECK(min || max, "clamp: at least one of 'min' or 'max' must not be None (nullopt)");
  ScalarType t = x.dtype();
  if (min) t = promote_with(t, *min);
  if (max) t = promote_with(t, *max);
  NABLA_CHECK(t != kBool,
              "clamp: not implemented for bool tensors with bool bounds; use numeric bounds (the result is "
              "then Long) or convert the tensor first");
  Tensor xv = ops::as_dtype(x, t);
  Tensor out = detail::make_empty(x.sizes(), t);
  NABLA_DISPATCH_NUMERIC(t, "clamp", [&] {
    if (min && max) {
      const auto lo = min->to<scalar_t>(), hi = max->to<scalar_t>();
      cpu::map(
          [lo, hi](scalar_t v) -> scalar_t {
            v = v < lo ? lo : v;
            return v > hi ? hi : v;
          },
          out, xv);
    } else if (min) {
      const auto lo = min->to<scalar_t>();
      cpu::map([lo](scalar_t v) -> scalar_t { return v < lo ? lo : v; }, out, xv);
    } else {
      const auto hi = max->to<scalar_t>();
      cpu::map([hi](scalar_t v) -> scalar_t { return v > hi ? hi : v; }, out, xv);
    }
  });
  if (autograd::needs_grad(x)) {
    record(OpId::Clamp, {x}, out, [sx = SavedVariable(x), min, max](const variable_list& g) -> variable_list {
      Tensor xs = sx.unpack();
      Tensor mask;
      if (min && max) {
        mask = (xs >= *min) * (xs <= *max);
      } else if (min) {
        mask = xs >= *min;
      } else {
        mask = xs <= *max;
      }
      return {g[0] * mask};
    });
  }
  return out;
}

}  // namespace nabla
