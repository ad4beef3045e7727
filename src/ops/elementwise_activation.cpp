// Activation functions: sigmoid, relu, leaky_relu, elu, gelu (exact and tanh), silu, softplus.
// Backward formulas are built from differentiable ops; gelu's derivative needs erf, so it is its own
// recorded op (gelu_backward, "GeluBackwardBackward0") whose backward is again differentiable.
#include <cmath>
#include <string>
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

namespace {
// out = f(x) in x's own floating type; integer and bool inputs are an error naming `op` (as in PyTorch).
template <typename F>
Tensor floating_only_unary(const Tensor& x, const char* op, F f) {
  Tensor out = detail::make_empty(x.sizes(), x.dtype());
  NABLA_DISPATCH_FLOATING(x.dtype(), op,
                          [&] { cpu::map([f](scalar_t v) NABLA_LAMBDA_INLINE -> scalar_t { return f(v); }, out, x); });
  return out;
}

constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1/sqrt(2 pi)
constexpr double kGeluBeta = 0.79788456080286535588;    // sqrt(2/pi)
constexpr double kGeluKappa = 0.044715;

enum class GeluApprox { None, Tanh };

GeluApprox parse_gelu_approx(const std::string& a) {
  NABLA_CHECK(a == "none" || a == "tanh", "gelu: approximate argument must be either \"none\" or \"tanh\", got \"", a,
              "\"");
  return a == "tanh" ? GeluApprox::Tanh : GeluApprox::None;
}

// d/dx gelu(x) for one element.
template <typename T>
NABLA_ELEM_INLINE T gelu_grad_elem(T x, GeluApprox approx) {
  if (approx == GeluApprox::None) return ops::normal_cdf(x) + x * ops::normal_pdf(x);
  const T inner = T(kGeluBeta) * (x + T(kGeluKappa) * x * x * x);
  const T t = ops::vtanh(inner);
  const T left_derivative = T(0.5) * (T(1) + t);
  const T right_derivative = T(0.5) * x * (T(1) - t * t) * T(kGeluBeta) * (T(1) + T(3 * kGeluKappa) * x * x);
  return left_derivative + right_derivative;
}

// d2/dx2 gelu(x), with differentiable ops (so third derivatives work too).
Tensor gelu_second_derivative(const Tensor& x, GeluApprox approx) {
  if (approx == GeluApprox::None) {
    // phi(x) (2 - x^2), phi the standard normal density.
    Tensor x2 = x * x;
    return exp(x2 * -0.5) * kInvSqrt2Pi * rsub(x2, 2.0);
  }
  // t = tanh(u), u = b (x + k x^3): f'' = (1 - t^2) (u' + x/2 (u'' - 2 t u'^2)).
  Tensor x2 = x * x;
  Tensor t = tanh((x + x2 * x * kGeluKappa) * kGeluBeta);
  Tensor du = (x2 * (3 * kGeluKappa) + 1.0) * kGeluBeta;
  Tensor d2u = x * (6 * kGeluBeta * kGeluKappa);
  return rsub(t * t, 1.0) * (du + x * 0.5 * (d2u - t * du * du * 2.0));
}

// g * gelu'(x), recorded so that it can itself be differentiated.
Tensor gelu_backward(const Tensor& g, const Tensor& x, GeluApprox approx) {
  const ScalarType t = result_type(g, x);
  auto bc = ops::prepare2(g, x, t, "gelu_backward");
  Tensor out = detail::make_empty(bc.shape, t);
  NABLA_DISPATCH_FLOATING(t, "gelu_backward", [&] {
    cpu::map([approx](scalar_t gv, scalar_t xv)
                 NABLA_LAMBDA_INLINE -> scalar_t { return gv * gelu_grad_elem(xv, approx); },
             out, bc.a, bc.b);
  });
  if (autograd::needs_grad(g, x)) {
    bool gg = g.requires_grad(), gx = x.requires_grad();
    record(OpId::GeluBackward, {g, x}, out,
           [sg = SavedVariable(gx ? g : Tensor()), sx = SavedVariable(x), gg, gx, approx, shape_g = g.sizes().vec(),
            shape_x = x.sizes().vec()](const variable_list& grads) -> variable_list {
             Tensor xv = sx.unpack();
             Tensor dg = gg ? sum_to(gelu_backward(grads[0], xv, approx), shape_g) : Tensor();
             Tensor dx = gx ? sum_to(grads[0] * sg.unpack() * gelu_second_derivative(xv, approx), shape_x) : Tensor();
             return {dg, dx};
           });
  }
  return out;
}
}  // namespace

Tensor sigmoid(const Tensor& x) {
  const ScalarType t = ops::float_compute_type(x.dtype());
  Tensor xv = ops::as_dtype(x, t);
  Tensor out = ops::unary_op(backend::UnaryOp::Sigmoid, xv, "sigmoid");
  if (autograd::needs_grad(x)) {
    // g * y * (1 - y) from the saved output: one fused pass, or differentiable ops when a higher-order graph is
    // being built.
    record(OpId::Sigmoid, {x}, out, [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      Tensor y = sy.unpack();
      if (!GradMode::is_enabled())
        return {ops::binary_op(backend::BinaryOp::SigmoidBackward, g[0], y, g[0].dtype(), "sigmoid")};
      return {g[0] * (rsub(y, 1) * y)};
    });
  }
  return out;
}

Tensor relu(const Tensor& x) {
  NABLA_CHECK(x.dtype() != kBool, "relu: boolean inputs not supported; convert with .to(nabla::kFloat) first");
  Tensor out = ops::unary_op(backend::UnaryOp::Relu, x, "relu");
  if (autograd::needs_grad(x)) {
    // g where y > 0: one fused pass (PyTorch's threshold_backward), or differentiable ops for a higher-order graph.
    record(OpId::Relu, {x}, out, [sy = SavedVariable(out, true)](const variable_list& g) -> variable_list {
      if (!GradMode::is_enabled())
        return {ops::binary_op(backend::BinaryOp::ReluBackward, g[0], sy.unpack(), g[0].dtype(), "relu")};
      return {g[0] * (sy.unpack() > 0)};
    });
  }
  return out;
}

Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope) {
  const double slope = negative_slope.to_double();
  Tensor out = floating_only_unary(x, "leaky_relu", [slope](auto v) NABLA_LAMBDA_INLINE {
    using T = decltype(v);
    return ops::bit_select(v > T(0), v, v * T(slope));  // branch-free: vectorizes
  });
  if (autograd::needs_grad(x)) {
    record(OpId::LeakyRelu, {x}, out, [sx = SavedVariable(x), slope](const variable_list& g) -> variable_list {
      return {where(sx.unpack() > 0, g[0], g[0] * slope)};
    });
  }
  return out;
}

Tensor elu(const Tensor& x, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) {
  const double a = alpha.to_double(), s = scale.to_double(), is = input_scale.to_double();
  // x > 0: scale x;  x <= 0: scale alpha (exp(input_scale x) - 1)
  Tensor out = floating_only_unary(x, "elu", [a, s, is](auto v) NABLA_LAMBDA_INLINE {
    using T = decltype(v);
    return ops::bit_select(v > T(0), v * T(s), ops::vexpm1(v * T(is)) * T(a * s));
  });
  if (autograd::needs_grad(x)) {
    record(OpId::Elu, {x}, out, [sx = SavedVariable(x), a, s, is](const variable_list& g) -> variable_list {
      Tensor xv = sx.unpack();
      // exp of min(x, 0): no overflow on the positive side (whose branch where() drops anyway), and, as in
      // PyTorch's double backward, a zero second derivative at x == 0.
      Tensor neg_branch = g[0] * (exp(where(xv < 0, xv, 0.0) * is) * (is * a * s));
      return {where(xv > 0, g[0] * s, neg_branch)};
    });
  }
  return out;
}

Tensor gelu(const Tensor& x, const std::string& approximate) {
  const GeluApprox approx = parse_gelu_approx(approximate);
  // none: x Phi(x);  tanh: x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2
  Tensor out;
  if (approx == GeluApprox::None) {
    out = floating_only_unary(x, "gelu", [](auto v) NABLA_LAMBDA_INLINE { return v * ops::normal_cdf(v); });
  } else {
    out = floating_only_unary(x, "gelu", [](auto v) NABLA_LAMBDA_INLINE {
      using T = decltype(v);
      const T inner = T(kGeluBeta) * (v + T(kGeluKappa) * v * v * v);
      return T(0.5) * v * (T(1) + ops::vtanh(inner));
    });
  }
  if (autograd::needs_grad(x)) {
    record(OpId::Gelu, {x}, out, [sx = SavedVariable(x), approx](const variable_list& g) -> variable_list {
      return {gelu_backward(g[0], sx.unpack(), approx)};
    });
  }
  return out;
}

Tensor silu(const Tensor& x) {
  Tensor out = floating_only_unary(x, "silu", [](auto v) NABLA_LAMBDA_INLINE {
    using T = decltype(v);
    return v / (T(1) + ops::vexp(-v));
  });
  if (autograd::needs_grad(x)) {
    // d/dx x s(x) = s (1 + x (1 - s))
    record(OpId::Silu, {x}, out, [sx = SavedVariable(x)](const variable_list& g) -> variable_list {
      Tensor xv = sx.unpack();
      Tensor s = sigmoid(xv);
      return {g[0] * (s * (xv * rsub(s, 1) + 1))};
    });
  }
  return out;
}

Tensor softplus(const Tensor& x, const Scalar& beta, const Scalar& threshold) {
  const double b = beta.to_double(), th = threshold.to_double();
  // log(1 + exp(beta x)) / beta, linear (x) where beta x > threshold.
  Tensor out = floating_only_unary(x, "softplus", [b, th](auto v) NABLA_LAMBDA_INLINE {
    using T = decltype(v);
    const T z = v * T(b);
    return ops::bit_select(z > T(th), v, ops::vlog1p(ops::vexp(z)) / T(b));
  });
  if (autograd::needs_grad(x)) {
    record(OpId::Softplus, {x}, out, [sx = SavedVariable(x), b, th](const variable_list& g) -> variable_list {
      Tensor z = sx.unpack() * b;
      return {where(z > th, g[0], g[0] * sigmoid(z))};
    });
  }
  return out;
}

}  // namespace nabla
