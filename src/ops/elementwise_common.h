#pragma once
// Shared plumbing of the elementwise ops: broadcasting, type promotion, output allocation, in-place.
#include "backend/cpu/loops.h"
#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/shape.h"

namespace nabla::ops {

/// A and b expanded to their broadcast shape (error names `op`).
struct Broadcast2 {
  Tensor a, b;
  DimVector shape;
};
Broadcast2 broadcast2(const Tensor& a, const Tensor& b, const char* op);

/// t converted to dtype (no copy when it already has it). Never recorded in the graph.
Tensor as_dtype(const Tensor& t, ScalarType dtype);

/// 0-dim tensor holding s in dtype.
Tensor scalar_to_tensor(const Scalar& s, ScalarType dtype);

/// For kernels that need floating point: int and bool inputs compute in kFloat32, as PyTorch's
/// exp/sin/sqrt/div do (its "int to float" promotion).
inline ScalarType float_compute_type(ScalarType t) { return is_floating_point(t) ? t : kFloat32; }

/// out = f(a, b) elementwise over the broadcast shape, computed in `compute`; the result has dtype
/// `compute`, or kBool when kBoolOut (comparisons). F is generic: template <class T> auto operator()(T, T).
template <bool kBoolOut = false, typename F>
Tensor binary_kernel(const Tensor& a0, const Tensor& b0, ScalarType compute, const char* op, F f) {
  auto bc = broadcast2(a0, b0, op);
  Tensor a = as_dtype(bc.a, compute), b = as_dtype(bc.b, compute);
  Tensor out = detail::make_empty(bc.shape, kBoolOut ? kBool : compute);
  NABLA_DISPATCH_ALL(compute, op, [&] {
    using out_t = std::conditional_t<kBoolOut, bool, scalar_t>;
    cpu::map([f](scalar_t x, scalar_t y) -> out_t { return static_cast<out_t>(f(x, y)); }, out, a, b);
  });
  return out;
}

/// out = f(x) elementwise, computed and returned in dtype `compute` (kBool result when kBoolOut).
template <bool kBoolOut = false, typename F>
Tensor unary_kernel(const Tensor& x0, ScalarType compute, const char* op, F f) {
  Tensor x = as_dtype(x0, compute);
  Tensor out = detail::make_empty(x.sizes(), kBoolOut ? kBool : compute);
  NABLA_DISPATCH_ALL(compute, op, [&] {
    using out_t = std::conditional_t<kBoolOut, bool, scalar_t>;
    cpu::map([f](scalar_t v) -> out_t { return static_cast<out_t>(f(v)); }, out, x);
  });
  return out;
}

/// out = the device's binary kernel `op` over a and b broadcast and converted to `compute` (out has that dtype), on
/// the operands' common device (nabla::Error naming `name` and both devices when they differ).
Tensor binary_op(backend::BinaryOp op, const Tensor& a, const Tensor& b, ScalarType compute, const char* name,
                 const Scalar& alpha = 1);
/// out = the device's unary kernel `op` over x, in x's dtype.
Tensor unary_op(backend::UnaryOp op, const Tensor& x, const char* name);

/// Writes `result` (already computed, with its graph) into self in place: copies the values, bumps the
/// version and, when result carries a graph, rebases self's history onto it.
Tensor& assign_inplace(Tensor& self, const Tensor& result, const char* op);

}  // namespace nabla::ops
