// add, sub, mul, div and type promotion.
#include "autograd/record.h"
#include "ops/elementwise_common.h"

namespace nabla {
using autograd::record;
using autograd::SavedVariable;
using autograd::sum_to;
using autograd::variable_list;
using ops::OpId;

ScalarType result_type(const Tensor& a, const Tensor& b) {
  // Zero-dim tensors take part only when they are of a higher category (PyTorch's rule).
  auto category = [](ScalarType t) { return t == kBool ? 0 : is_integral(t) ? 1 : 2; };
  if (a.dim() == 0 && b.dim() != 0 && category(a.dtype()) <= category(b.dtype())) return b.dtype();
  if (b.dim() == 0 && a.dim() != 0 && category(b.dtype()) <= category(a.dtype())) return a.dtype();
  if (a.dim() == 0 && b.dim() != 0 && category(a.dtype()) > category(b.dtype()))
    return category(a.dtype()) == 2 ? kFloat32 : a.dtype() == kBool ? b.dtype() : kInt64;
  if (b.dim() == 0 && a.dim() != 0 && category(b.dtype()) > category(a.dtype()))
    return category(b.dtype()) == 2 ? kFloat32 : b.dtype() == kBool ? a.dtype() : kInt64;
  return promote_types(a.dtype(), b.dtype());
}

ScalarType result_type(const Tensor& a, const Scalar& b) {
  if (b.is_floating_point()) return a.is_floating_point() ? a.dtype() : kFloat32;
  if (b.is_integral()) return a.dtype() == kBool ? kInt64 : a.dtype();
  return a.dtype();
}

namespace {
template <typename T>
T scalar_as(const Scalar& s) {
  return s.to<T>();
}
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  ScalarType t = result_type(a, b);
  NABLA_CHECK(!(t == kBool && !(alpha.to_long() == 1 || alpha.is_boolean())), "add: alpha must be boolean for bool tensors");
  Tensor out = NABLA_DISPATCH_ALL(t, "add", [&] {
    scalar_t al = scalar_as<scalar_t>(alpha);
    bool unit = alpha.to_double() == 1.0;
    if (unit) return ops::binary_kernel(a, b, t, "add", [](auto x, auto y) { return x + y; });
    return ops::binary_kernel(a, b, t, "add", [al](auto x, auto y) { return x + al * y; });
  });
  if (autograd::needs_grad(a, b)) {
    record(OpId::Add, {a, b}, out,
           [sa = a.sizes().vec(), sb = b.sizes().vec(), alpha](const variable_list& g) -> variable_list {
             Tensor gb = alpha.to_double() == 1.0 ? g[0] : g[0] * alpha;
             return {sum_to(g[0], sa), sum_to(gb, sb)};
           });
  }
  return out;
}

Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return add(a, ops::scalar_to_tensor(b, result_type(a, b)), alpha);
}

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  NABLA_CHECK(a.dtype() != kBool || b.dtype() != kBool, "sub: subtraction, the `-` operator, with two bool tensors "
              "is not supported. Use the `^` or `logical_xor()` operator instead.");
  if (alpha.is_floating_point()) return add(a, b, -alpha.to_double());
  return add(a, b, -alpha.to_long());
}
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return sub(a, ops::scalar_to_tensor(b, result_type(a, b)), alpha);
}
Tensor rsub(const Tensor& a, const Scalar& b) { return sub(ops::scalar_to_tensor(b, result_type(a, b)), a); }

Tensor mul(const Tensor& a, const Tensor& b) {
  ScalarType t = result_type(a, b);
  Tensor out = t == kBool ? ops::binary_kernel(a, b, t, "mul", [](auto x, auto y) { return x && y; })
                          : ops::binary_kernel(a, b, t, "mul", [](auto x, auto y) { return x * y; });
  if (autograd::needs_grad(a, b)) {
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record(OpId::Mul, {a, b}, out,
           [sa = SavedVariable(gb ? a : Tensor()), sb = SavedVariable(ga ? b : Tensor()), ga, gb,
            shape_a = a.sizes().vec(), shape_b = b.sizes().vec()](const variable_list& g) -> variable_list {
             Tensor da = ga ? sum_to(g[0] * sb.unpack(), shape_a) : Tensor();
             Tensor db = gb ? sum_to(g[0] * sa.unpack(), shape_b) : Tensor();
             return {da, db};
           });
  }
  return out;
}
Tensor mul(const Tensor& a, const Scalar& b) { return mul(a, ops::scalar_to_tensor(b, result_type(a, b))); }

}  // namespace nabla
