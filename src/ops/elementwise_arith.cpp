// add, sub, mul, div, pow, maximum, minimum, where, neg and type promotion.
#include <cmath>
#include <type_traits>

#include "autograd/record.h"
#include "ops/elementwise_common.h"
#include "ops/elementwise_kernels.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::sum_to;
using autograd::variable_list;
using ops::OpId;

ScalarType result_type(const Tensor& a, const Tensor& b) {
  // PyTorch's rule: a zero-dim tensor next to a dimensioned one only counts when it is of a higher category
  // (bool < integer < floating); then the two dtypes promote (int64 (2) * float64 () -> float64). Numbers
  // (Scalar) are wrapped by the callers in the dtype result_type(Tensor, Scalar) gives, so they never widen.
  auto category = [](ScalarType t) { return t == kBool ? 0 : is_integral(t) ? 1 : 2; };
  const bool a0 = a.dim() == 0, b0 = b.dim() == 0;
  if (a0 != b0) {
    const ScalarType dim_t = a0 ? b.dtype() : a.dtype(), zero_t = a0 ? a.dtype() : b.dtype();
    if (category(zero_t) <= category(dim_t)) return dim_t;
  }
  return promote_types(a.dtype(), b.dtype());
}

ScalarType result_type(const Tensor& a, const Scalar& b) {
  if (b.is_floating_point()) return a.is_floating_point() ? a.dtype() : kFloat32;
  if (b.is_integral()) return a.dtype() == kBool ? kInt64 : a.dtype();
  return a.dtype();
}

namespace {
// base^e for integer types by repeated squaring; negative e follows PyTorch (1, +-1 for base -1, else 0).
template <typename T>
T int_pow(T base, int64_t e) {
  if constexpr (std::is_same_v<T, bool>) {
    return e == 0 || base;
  } else {
    if (e < 0) {
      if (base == T(1)) return T(1);
      if constexpr (std::is_signed_v<T>) {
        if (base == T(-1)) return (e & 1) ? T(-1) : T(1);
      }
      return T(0);
    }
    // Unsigned arithmetic: overflow wraps (as in PyTorch) instead of being undefined.
    using U = std::make_unsigned_t<T>;
    U r = 1, b = static_cast<U>(base);
    while (e) {
      if (e & 1) r = static_cast<U>(r * b);
      e >>= 1;
      b = static_cast<U>(b * b);
    }
    return static_cast<T>(r);
  }
}

template <typename T>
void pow_scalar_kernel(const Tensor& out, const Tensor& x, const Scalar& exponent) {
  if constexpr (std::is_floating_point_v<T>) {
    const double e = exponent.to_double();
    const auto ev = static_cast<T>(e);
    if (e == 2.0) {
      cpu::map([](T v) -> T { return v * v; }, out, x);
    } else if (e == 3.0) {
      cpu::map([](T v) -> T { return v * v * v; }, out, x);
    } else if (e == 1.0) {
      cpu::map([](T v) -> T { return v; }, out, x);
    } else if (e == 0.5) {
      cpu::map([](T v) -> T { return std::sqrt(v); }, out, x);
    } else if (e == -1.0) {
      cpu::map([](T v) -> T { return T(1) / v; }, out, x);
    } else if (e == -2.0) {
      cpu::map([](T v) -> T { return T(1) / (v * v); }, out, x);
    } else {
      cpu::map([ev](T v) -> T { return std::pow(v, ev); }, out, x);
    }
  } else {
    const int64_t e = exponent.to_long();
    cpu::map([e](T v) -> T { return int_pow(v, e); }, out, x);
  }
}

template <typename T>
void pow_tensor_kernel(const Tensor& out, const Tensor& x, const Tensor& e) {
  if constexpr (std::is_floating_point_v<T>) {
    cpu::map([](T a, T b) -> T { return std::pow(a, b); }, out, x, e);
  } else {
    cpu::map([](T a, T b) -> T { return int_pow(a, static_cast<int64_t>(b)); }, out, x, e);
  }
}

template <typename T>
void pow_scalar_base_kernel(const Tensor& out, const Scalar& base, const Tensor& e) {
  const T b = base.to<T>();
  if constexpr (std::is_floating_point_v<T>) {
    if (b == T(2)) {
      cpu::map([](T v) -> T { return std::exp2(v); }, out, e);
    } else {
      cpu::map([b](T v) -> T { return std::pow(b, v); }, out, e);
    }
  } else {
    cpu::map([b](T v) -> T { return int_pow(b, static_cast<int64_t>(v)); }, out, e);
  }
}

Tensor add_impl(const Tensor& a, const Tensor& b, const Scalar& alpha, OpId id, const char* op) {
  ScalarType t = result_type(a, b);
  NABLA_CHECK(!(t == kBool && !(alpha.to_long() == 1 || alpha.is_boolean())), op,
              ": alpha must be boolean for bool tensors");
  NABLA_CHECK(!(is_integral(t, true) && alpha.is_floating_point()), op,
              ": for integral input tensors, argument alpha must not be a floating point number (got ", alpha, ")");
  Tensor out = ops::binary_op(backend::BinaryOp::Add, a, b, t, op, alpha);
  if (autograd::needs_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(id, {a, b}, out,
           [sa = DimVector(a.sizes()), sb = DimVector(b.sizes()), alpha, ga, gb](const variable_list& g) -> variable_list {
             Tensor da = ga ? sum_to(g[0], sa) : Tensor();
             Tensor db;
             if (gb) {
               const double al = alpha.to_double();
               db = sum_to(al == 1.0 ? g[0] : al == -1.0 ? neg(g[0]) : g[0] * alpha, sb);
             }
             return {da, db};
           });
  }
  return out;
}

Scalar negate(const Scalar& s) {
  if (s.is_floating_point()) return -s.to_double();
  return -s.to_long();
}
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) { return add_impl(a, b, alpha, OpId::Add, "add"); }

Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return add(a, ops::scalar_to_tensor(b, result_type(a, b)), alpha);
}

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  NABLA_CHECK(a.dtype() != kBool || b.dtype() != kBool,
              "sub: subtraction, the `-` operator, with two bool tensors "
              "is not supported. Use the `^` or `logical_xor()` operator instead.");
  NABLA_CHECK(a.dtype() != kBool && b.dtype() != kBool,
              "sub: subtraction, the `-` operator, with a bool tensor is "
              "not supported. If you are trying to invert a mask, use (mask == false) instead; otherwise convert it "
              "with .to(nabla::kInt64) first.");
  return add_impl(a, b, negate(alpha), OpId::Sub, "sub");
}
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return sub(a, ops::scalar_to_tensor(b, result_type(a, b)), alpha);
}
Tensor rsub(const Tensor& a, const Scalar& b) { return sub(ops::scalar_to_tensor(b, result_type(a, b)), a); }

Tensor mul(const Tensor& a, const Tensor& b) {
  ScalarType t = result_type(a, b);
  Tensor out = ops::binary_op(backend::BinaryOp::Mul, a, b, t, "mul");
  if (autograd::needs_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(OpId::Mul, {a, b}, out,
           [sa = SavedVariable(gb ? a : Tensor()), sb = SavedVariable(ga ? b : Tensor()), ga, gb,
            shape_a = DimVector(a.sizes()), shape_b = DimVector(b.sizes())](const variable_list& g) -> variable_list {
             Tensor da = ga ? sum_to(g[0] * sb.unpack(), shape_a) : Tensor();
             Tensor db = gb ? sum_to(g[0] * sa.unpack(), shape_b) : Tensor();
             return {da, db};
           });
  }
  return out;
}
Tensor mul(const Tensor& a, const Scalar& b) { return mul(a, ops::scalar_to_tensor(b, result_type(a, b))); }

// ---- div: true division; integer and bool operands divide in float32, as torch.div does ----
Tensor div(const Tensor& a, const Tensor& b) {
  ScalarType t = ops::float_compute_type(result_type(a, b));
  Tensor out = ops::binary_op(backend::BinaryOp::Div, a, b, t, "div");
  if (autograd::needs_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    // d/da = g / b;  d/db = -g * a / b^2, written as PyTorch does: -g * ((a / b) / b)
    record(OpId::Div, {a, b}, out,
           [sa = SavedVariable(gb ? a : Tensor()), sb = SavedVariable(b), ga, gb, shape_a = DimVector(a.sizes()),
            shape_b = DimVector(b.sizes())](const variable_list& g) -> variable_list {
             Tensor bv = sb.unpack();
             Tensor da = ga ? sum_to(g[0] / bv, shape_a) : Tensor();
             Tensor db = gb ? sum_to(-g[0] * ((sa.unpack() / bv) / bv), shape_b) : Tensor();
             return {da, db};
           });
  }
  return out;
}
Tensor div(const Tensor& a, const Scalar& b) { return div(a, ops::scalar_to_tensor(b, result_type(a, b))); }
Tensor div(const Scalar& a, const Tensor& b) { return div(ops::scalar_to_tensor(a, result_type(b, a)), b); }

// ---- pow ----
Tensor pow(const Tensor& base, const Scalar& exponent) {
  ScalarType t = result_type(base, exponent);
  NABLA_CHECK(!(is_integral(t, true) && exponent.is_integral() && exponent.to_long() < 0),
              "pow: integers to negative integer powers are not allowed (base dtype ", base.dtype(), ", exponent ",
              exponent, "); convert the base with .to(nabla::kFloat) first");
  Tensor x = ops::as_dtype(base, t);
  Tensor out = detail::make_empty(x.sizes(), t);
  NABLA_DISPATCH_ALL(t, "pow", [&] { pow_scalar_kernel<scalar_t>(out, x, exponent); });
  if (autograd::needs_grad(base)) {
    // d/dx x^e = e * x^(e-1); exactly zero for e == 0 (PyTorch's pow_backward).
    record(OpId::Pow, {base}, out, [sx = SavedVariable(base), exponent](const variable_list& g) -> variable_list {
      if (exponent.to_double() == 0.0) return {zeros_like(g[0])};
      Scalar em1 = exponent.is_floating_point() ? Scalar(exponent.to_double() - 1.0) : Scalar(exponent.to_long() - 1);
      return {g[0] * (pow(sx.unpack(), em1) * exponent)};
    });
  }
  return out;
}

Tensor pow(const Tensor& base, const Tensor& exponent) {
  ScalarType t = result_type(base, exponent);
  auto bc = ops::prepare2(base, exponent, t, "pow");
  Tensor out = detail::make_empty(bc.shape, t);
  NABLA_DISPATCH_ALL(t, "pow", [&] { pow_tensor_kernel<scalar_t>(out, bc.a, bc.b); });
  if (autograd::needs_grad(base, exponent)) {
    bool gx = base.requires_grad(), ge = exponent.requires_grad();
    // d/dx = e * x^(e-1) (0 where e == 0);  d/de = x^e * log(x) (0 where x == 0 and e >= 0).
    record(
        OpId::PowTensor, {base, exponent}, out,
        [sx = SavedVariable(base), se = SavedVariable(exponent), sy = SavedVariable(ge ? out : Tensor(), true), gx, ge,
         shape_x = base.sizes().vec(), shape_e = exponent.sizes().vec()](const variable_list& g) -> variable_list {
          Tensor x = sx.unpack(), e = se.unpack();
          Tensor dx, de;
          if (gx) dx = sum_to(where(e == 0.0, 0.0, g[0] * (e * pow(x, e - 1))), shape_x);
          if (ge) de = sum_to(where((x == 0.0) * (e >= 0.0), 0.0, g[0] * (sy.unpack() * log(x))), shape_e);
          return {dx, de};
        });
  }
  return out;
}

Tensor pow(const Scalar& base, const Tensor& exponent) {
  ScalarType t = result_type(exponent, base);
  Tensor e = ops::as_dtype(exponent, t);
  Tensor out = detail::make_empty(e.sizes(), t);
  NABLA_DISPATCH_ALL(t, "pow", [&] { pow_scalar_base_kernel<scalar_t>(out, base, e); });
  if (autograd::needs_grad(exponent)) {
    // d/de b^e = b^e * log(b); for b == 0, zero where e >= 0.
    record(OpId::PowScalarBase, {exponent}, out,
           [se = SavedVariable(base.to_double() == 0.0 ? exponent : Tensor()), sy = SavedVariable(out, true),
            base](const variable_list& g) -> variable_list {
             const double lb = std::log(base.to_double());
             if (base.to_double() == 0.0) return {where(se.unpack() >= 0.0, 0.0, g[0] * (sy.unpack() * lb))};
             return {g[0] * (sy.unpack() * lb)};
           });
  }
  return out;
}

// ---- maximum / minimum: NaN propagates; on ties the gradient is split evenly ----
namespace {
template <bool kMax>
Tensor extremum(const Tensor& a, const Tensor& b, OpId id, const char* op) {
  ScalarType t = result_type(a, b);
  Tensor out = ops::binary_op(kMax ? backend::BinaryOp::Maximum : backend::BinaryOp::Minimum, a, b, t, op);
  if (autograd::needs_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(id, {a, b}, out,
           [sa = SavedVariable(a), sb = SavedVariable(b), ga, gb, shape_a = DimVector(a.sizes()),
            shape_b = DimVector(b.sizes())](const variable_list& g) -> variable_list {
             Tensor av = sa.unpack(), bv = sb.unpack();
             Tensor split = where(av == bv, g[0] / 2, g[0]);
             Tensor da, db;
             // a loses where it is the smaller (max) / larger (min) one.
             if (ga) da = sum_to(where(kMax ? av < bv : av > bv, 0.0, split), shape_a);
             if (gb) db = sum_to(where(kMax ? av > bv : av < bv, 0.0, split), shape_b);
             return {da, db};
           });
  }
  return out;
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return extremum<true>(a, b, OpId::Maximum, "maximum"); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extremum<false>(a, b, OpId::Minimum, "minimum"); }

// ---- where ----
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  NABLA_CHECK(condition.dtype() == kBool,
              "where: expected condition to be a boolean tensor, but got a tensor with "
              "dtype ",
              condition.dtype(), "; build it with a comparison (x > 0) or convert it with .to(nabla::kBool)");
  ScalarType t = result_type(a, b);
  auto shape = broadcast_shapes(broadcast_shapes(condition.sizes(), a.sizes(), "where"), b.sizes(), "where");
  Tensor c = condition, av = ops::as_dtype(a, t), bv = ops::as_dtype(b, t);
  {
    NoGradGuard ng;  // kernel operands only
    if (c.sizes().vec() != shape) c = c.expand(shape);
    if (av.sizes().vec() != shape) av = av.expand(shape);
    if (bv.sizes().vec() != shape) bv = bv.expand(shape);
  }
  Tensor out = detail::make_empty(shape, t);
  NABLA_DISPATCH_ALL(t, "where", [&] {
    cpu::map([](bool k, scalar_t x, scalar_t y) -> scalar_t { return k ? x : y; }, out, c, av, bv);
  });
  if (autograd::needs_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(OpId::Where, {a, b}, out,
           [sc = SavedVariable(condition), ga, gb, shape_a = DimVector(a.sizes()),
            shape_b = DimVector(b.sizes())](const variable_list& g) -> variable_list {
             Tensor cv = sc.unpack();
             Tensor da = ga ? sum_to(where(cv, g[0], 0.0), shape_a) : Tensor();
             Tensor db = gb ? sum_to(where(cv, 0.0, g[0]), shape_b) : Tensor();
             return {da, db};
           });
  }
  return out;
}
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b) {
  return where(condition, a, ops::scalar_to_tensor(b, result_type(a, b)));
}
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b) {
  return where(condition, ops::scalar_to_tensor(a, result_type(b, a)), b);
}

// ---- neg ----
Tensor neg(const Tensor& x) {
  NABLA_CHECK(x.dtype() != kBool,
              "neg: negation, the `-` operator, on a bool tensor is not supported. If you are "
              "trying to invert a mask, use nabla::where(mask, false, true) or (mask == false) instead.");
  Tensor out = ops::unary_op(backend::UnaryOp::Neg, x, "neg");
  if (autograd::needs_grad(x)) {
    record(OpId::Neg, {x}, out, [](const variable_list& g) -> variable_list { return {neg(g[0])}; });
  }
  return out;
}

}  // namespace nabla
