// CPU unary and binary kernels (compiled once per instruction set): the functors of backend/functors.h run through
// cpu::map / cpu::map2, which vectorize the contiguous and broadcast-scalar cases.
#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/map2.h"
#include "backend/functors.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {
using backend::BinaryOp;
using backend::UnaryOp;
namespace f = backend;

const char* name_of(UnaryOp op) { return backend::op_name(op); }
const char* name_of(BinaryOp op) { return backend::op_name(op); }

template <template <typename> class F>
void unary_floating(UnaryOp op, const Tensor& out, const Tensor& x) {
  NABLA_DISPATCH_FLOATING(x.dtype(), name_of(op), [&] { map(F<scalar_t>{}, out, x); });
}
template <template <typename> class F>
void unary_numeric(UnaryOp op, const Tensor& out, const Tensor& x) {
  NABLA_DISPATCH_NUMERIC(x.dtype(), name_of(op), [&] { map(F<scalar_t>{}, out, x); });
}

template <template <typename> class F>
void binary_numeric(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  NABLA_DISPATCH_NUMERIC(a.dtype(), name_of(op), [&] { map2<scalar_t>(F<scalar_t>{}, out, a, b); });
}
template <template <typename> class F>
void binary_all(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  NABLA_DISPATCH_ALL(a.dtype(), name_of(op), [&] { map2<scalar_t>(F<scalar_t>{}, out, a, b); });
}
template <template <typename> class F>
void binary_floating(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  NABLA_DISPATCH_FLOATING(a.dtype(), name_of(op), [&] { map2<scalar_t>(F<scalar_t>{}, out, a, b); });
}

void add(const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  if (a.dtype() == kBool) {
    map2<bool>([](bool x, bool y) -> bool { return x || y; }, out, a, b);
    return;
  }
  NABLA_DISPATCH_NUMERIC(a.dtype(), "add", [&] {
    if (alpha.to_double() == 1.0)
      map2<scalar_t>(f::AddF<scalar_t>{}, out, a, b);
    else
      map2<scalar_t>(f::AddAlphaF<scalar_t>{alpha.to<scalar_t>()}, out, a, b);
  });
}

void mul(const Tensor& out, const Tensor& a, const Tensor& b) {
  if (a.dtype() == kBool) {
    map2<bool>([](bool x, bool y) -> bool { return x && y; }, out, a, b);
    return;
  }
  binary_numeric<f::MulF>(BinaryOp::Mul, out, a, b);
}

}  // namespace

void unary(UnaryOp op, const Tensor& out, const Tensor& x) {
  switch (op) {
    case UnaryOp::Neg:
      return unary_numeric<f::NegF>(op, out, x);
    case UnaryOp::Exp:
      return unary_floating<f::ExpF>(op, out, x);
    case UnaryOp::Log:
      return unary_floating<f::LogF>(op, out, x);
    case UnaryOp::Log1p:
      return unary_floating<f::Log1pF>(op, out, x);
    case UnaryOp::Sqrt:
      return unary_floating<f::SqrtF>(op, out, x);
    case UnaryOp::Rsqrt:
      return unary_floating<f::RsqrtF>(op, out, x);
    case UnaryOp::Sin:
      return unary_floating<f::SinF>(op, out, x);
    case UnaryOp::Cos:
      return unary_floating<f::CosF>(op, out, x);
    case UnaryOp::Tanh:
      return unary_floating<f::TanhF>(op, out, x);
    case UnaryOp::Sigmoid:
      return unary_floating<f::SigmoidF>(op, out, x);
    case UnaryOp::Relu:
      return unary_numeric<f::ReluF>(op, out, x);
    case UnaryOp::Abs:
      return unary_numeric<f::AbsF>(op, out, x);
    case UnaryOp::kCount:
      break;
  }
  NABLA_FAIL("unary kernel: unknown op ", int(op));
}

void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  switch (op) {
    case BinaryOp::Add:
      return add(out, a, b, alpha);
    case BinaryOp::Mul:
      return mul(out, a, b);
    case BinaryOp::Div:
      return binary_floating<f::DivF>(op, out, a, b);
    case BinaryOp::Maximum:
      return binary_all<f::MaximumF>(op, out, a, b);
    case BinaryOp::Minimum:
      return binary_all<f::MinimumF>(op, out, a, b);
    case BinaryOp::ReluBackward:
      return binary_floating<f::ReluBackwardF>(op, out, a, b);
    case BinaryOp::SigmoidBackward:
      return binary_floating<f::SigmoidBackwardF>(op, out, a, b);
    case BinaryOp::TanhBackward:
      return binary_floating<f::TanhBackwardF>(op, out, a, b);
    case BinaryOp::kCount:
      break;
  }
  NABLA_FAIL("binary kernel: unknown op ", int(op));
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
