#include "ops/elementwise_common.h"

#include "autograd/record.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "ops/elementwise_kernels.h"

namespace nabla::ops {

Broadcast2 broadcast2(const Tensor& a, const Tensor& b, const char* op) {
  Broadcast2 r;
  if (a.sizes() == b.sizes()) {  // the common case: no shape to compute, no view to make
    r.a = a;
    r.b = b;
    r.shape = a.sizes();
    return r;
  }
  r.shape = IntArrayRef(broadcast_shapes(a.sizes(), b.sizes(), op));
  NoGradGuard g;  // kernel operands only
  r.a = a.sizes() == IntArrayRef(r.shape) ? a : a.expand(r.shape);
  r.b = b.sizes() == IntArrayRef(r.shape) ? b : b.expand(r.shape);
  return r;
}

Tensor as_dtype(const Tensor& t, ScalarType dtype) {
  if (t.dtype() == dtype) return t;
  Tensor out = detail::make_empty(t.sizes(), dtype, t.device());
  backend::copy_cast(out, t);
  return out;
}

Tensor scalar_to_tensor(const Scalar& s, ScalarType dtype) {
  Tensor t = detail::make_empty({}, dtype);
  backend::fill(t, s);
  return t;
}

Tensor binary_op(backend::BinaryOp op, const Tensor& a, const Tensor& b, ScalarType compute, const char* name,
                 const Scalar& alpha) {
  if (a.dtype() == compute && b.dtype() == compute && a.device() == b.device() && a.sizes() == b.sizes()) {
    // The common case: nothing to convert, broadcast or check across devices.
    Tensor out = detail::make_empty(a.sizes(), compute, a.device());
    backend::kernels(a.device()).binary(op, out, a, b, alpha);
    return out;
  }
  const Device device = backend::common_device(name, {&a, &b});
  auto bc = prepare2(a, b, compute, name);
  Tensor out = detail::make_empty(bc.shape, compute, device);
  backend::kernels(device).binary(op, out, bc.a, bc.b, alpha);
  return out;
}

Tensor unary_op(backend::UnaryOp op, const Tensor& x, const char* name) {
  (void)name;
  Tensor out = detail::make_empty(x.sizes(), x.dtype(), x.device());
  backend::kernels(x.device()).unary(op, out, x);
  return out;
}

Tensor& assign_inplace(Tensor& self, const Tensor& result_in, const char* op) {
  NABLA_CHECK(result_in.sizes() == self.sizes(), op, ": output with shape ", self.sizes().vec(),
              " doesn't match the broadcast shape ", result_in.sizes().vec());
  // Overwriting a tensor that requires grad with values that do not (x.copy_(constant)) still goes through autograd,
  // as in PyTorch: a leaf or a view is refused below, and any other tensor keeps requiring grad, passing zero
  // gradient to what it held before. where(true, new, old) has exactly new's values and that gradient.
  const Tensor result = self.requires_grad() && !result_in.requires_grad() && GradMode::is_enabled()
                            ? where(scalar_tensor(true, TensorOptions().dtype(kBool)), result_in, self)
                            : result_in;
  if (result.requires_grad() && GradMode::is_enabled()) {
    autograd::check_inplace(self, op);
  }
  NABLA_CHECK(!(is_integral(self.dtype(), true) && result.is_floating_point()), op, ": result type ", result.dtype(),
              " can't be cast to the desired output type ", self.dtype());
  backend::copy_cast(self, result);
  self.bump_version();
  if (result.requires_grad() && GradMode::is_enabled()) {
    auto node = result.grad_fn();
    autograd::set_history(self, node, result.output_nr());
  }
  return self;
}

}  // namespace nabla::ops
