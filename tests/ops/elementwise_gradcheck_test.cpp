// Gradcheck cases (first and second order) for every elementwise and activation row of the op table:
// a plain case, a broadcast case for the binary ops and a non-contiguous case, with input ranges that keep
// away from kinks and singularities.
#include <gtest/gtest.h>

#include <set>

#include "nabla/nabla.h"
#include "ops/gradcheck_registry.h"

namespace nabla::testing {
namespace {

using ops::OpId;

tensor_list one(const Tensor& t) { return tensor_list{t}; }

// ---- binary arithmetic ----
NABLA_GRADCHECK_CASE(Add, "same shape, alpha", [] { return tensor_list{rand64({3, 4}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(add(x[0], x[1], 2.5)); });
NABLA_GRADCHECK_CASE(Add, "broadcast (3,1)+(4)", [] { return tensor_list{rand64({3, 1}), rand64({4})}; },
                     [](const tensor_list& x) { return one(x[0] + x[1]); });
NABLA_GRADCHECK_CASE(Add, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(x[0] + x[1]); });

NABLA_GRADCHECK_CASE(Sub, "broadcast, alpha", [] { return tensor_list{rand64({2, 3}), rand64({2, 1})}; },
                     [](const tensor_list& x) { return one(sub(x[0], x[1], -3)); });
NABLA_GRADCHECK_CASE(Sub, "non-contiguous and rsub",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}), rand64({4})}; },
                     [](const tensor_list& x) { return one((x[0] - x[1]) + (2.0 - x[0])); });

NABLA_GRADCHECK_CASE(Mul, "same shape", [] { return tensor_list{rand64({3, 4}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(x[0] * x[1]); });
NABLA_GRADCHECK_CASE(Mul, "broadcast (2,3,1)*(3,4)", [] { return tensor_list{rand64({2, 3, 1}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(x[0] * x[1]); });
NABLA_GRADCHECK_CASE(Mul, "non-contiguous, same operand twice",
                     [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(x[0] * x[0] * 1.5); });

NABLA_GRADCHECK_CASE(Div, "same shape", [] { return tensor_list{rand64({3, 4}), rand64({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(x[0] / x[1]); });
NABLA_GRADCHECK_CASE(Div, "broadcast (3,1)/(4)", [] { return tensor_list{rand64({3, 1}), rand64({4}, -2.0, -0.5)}; },
                     [](const tensor_list& x) { return one(x[0] / x[1]); });
NABLA_GRADCHECK_CASE(Div, "non-contiguous, scalar numerator and denominator",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(2.0 / x[0] + x[0] / 4); });

NABLA_GRADCHECK_CASE(Pow, "cube", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(pow(x[0], 3)); });
NABLA_GRADCHECK_CASE(Pow, "non-contiguous, fractional exponent and square",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(pow(x[0], 2.5) + square(x[0]) + pow(x[0], -1.5)); });
NABLA_GRADCHECK_CASE(PowTensor, "same shape", [] { return tensor_list{rand64({3, 4}, 0.5, 2.0), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(pow(x[0], x[1])); });
NABLA_GRADCHECK_CASE(PowTensor, "broadcast (3,1)^(4)",
                     [] { return tensor_list{rand64({3, 1}, 0.5, 2.0), rand64({4})}; },
                     [](const tensor_list& x) { return one(pow(x[0], x[1])); });
NABLA_GRADCHECK_CASE(PowTensor, "non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 2.0), rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(pow(x[0], x[1])); });
NABLA_GRADCHECK_CASE(PowScalarBase, "2^x and 0.5^x", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(pow(2.0, x[0]) + pow(0.5, x[0])); });
NABLA_GRADCHECK_CASE(PowScalarBase, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(pow(3.0, x[0])); });

// maximum/minimum: random inputs never tie, so the function is smooth around them.
NABLA_GRADCHECK_CASE(Maximum, "same shape", [] { return tensor_list{rand64({3, 4}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(maximum(x[0], x[1])); });
NABLA_GRADCHECK_CASE(Maximum, "broadcast and non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}), rand64({4})}; },
                     [](const tensor_list& x) { return one(maximum(x[0], x[1])); });
NABLA_GRADCHECK_CASE(Minimum, "same shape", [] { return tensor_list{rand64({3, 4}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(minimum(x[0], x[1])); });
NABLA_GRADCHECK_CASE(Minimum, "broadcast and non-contiguous",
                     [] { return tensor_list{rand64({3, 1}), rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(minimum(x[0], x[1])); });

Tensor fixed_mask(IntArrayRef shape) {
  // A fixed checkerboard-like kBool mask of `shape` (3, 4).
  (void)shape;
  return tensor({{true, false, true, true}, {false, false, true, false}, {true, true, false, true}});
}
NABLA_GRADCHECK_CASE(Where, "same shape", [] { return tensor_list{rand64({3, 4}), rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(where(fixed_mask({3, 4}), x[0], x[1])); });
NABLA_GRADCHECK_CASE(Where, "broadcast (3,1) and (4), non-contiguous",
                     [] { return tensor_list{rand64({3, 1}), rand64({4}), rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) {
                       return one(where(fixed_mask({3, 4}), x[0], x[1]) + where(fixed_mask({3, 4}), 0.5, x[2]));
                     });

// ---- unary math ----
NABLA_GRADCHECK_CASE(Neg, "plain and non-contiguous",
                     [] { return tensor_list{rand64({3, 4}), rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(neg(x[0]) * x[1]); });
NABLA_GRADCHECK_CASE(Exp, "plain", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(exp(x[0])); });
NABLA_GRADCHECK_CASE(Exp, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(exp(x[0])); });
NABLA_GRADCHECK_CASE(Log, "on [0.5, 2]", [] { return tensor_list{rand64({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(log(x[0])); });
NABLA_GRADCHECK_CASE(Log, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(log(x[0])); });
NABLA_GRADCHECK_CASE(Log1p, "on [-0.5, 2]", [] { return tensor_list{rand64({3, 4}, -0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(log1p(x[0])); });
NABLA_GRADCHECK_CASE(Log1p, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(log1p(x[0])); });
NABLA_GRADCHECK_CASE(Sqrt, "on [0.5, 2]", [] { return tensor_list{rand64({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(sqrt(x[0])); });
NABLA_GRADCHECK_CASE(Sqrt, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(sqrt(x[0])); });
NABLA_GRADCHECK_CASE(Rsqrt, "on [0.5, 2]", [] { return tensor_list{rand64({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(rsqrt(x[0])); });
NABLA_GRADCHECK_CASE(Rsqrt, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.5, 2.0)}; },
                     [](const tensor_list& x) { return one(rsqrt(x[0])); });
// abs and sign are checked on |x| in [0.2, 1] with both signs (away from the kink at 0).
Tensor away_from_zero(const Tensor& x) { return x * tensor({{1.0, -1.0, 1.0, -1.0}}, kFloat64); }
NABLA_GRADCHECK_CASE(Abs, "both signs", [] { return tensor_list{rand64({3, 4}, 0.2, 1.0)}; },
                     [](const tensor_list& x) { return one(abs(away_from_zero(x[0]))); });
NABLA_GRADCHECK_CASE(Abs, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -1.0, -0.2)}; },
                     [](const tensor_list& x) { return one(abs(x[0])); });
NABLA_GRADCHECK_CASE(Sign, "zero gradient", [] { return tensor_list{rand64({3, 4}, 0.2, 1.0)}; },
                     [](const tensor_list& x) { return one(sign(away_from_zero(x[0])) + x[0]); });
NABLA_GRADCHECK_CASE(Sign, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, 0.2, 1.0)}; },
                     [](const tensor_list& x) { return one(sign(x[0]) * x[0]); });
NABLA_GRADCHECK_CASE(Sin, "plain", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(sin(x[0])); });
NABLA_GRADCHECK_CASE(Sin, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(sin(x[0])); });
NABLA_GRADCHECK_CASE(Cos, "plain", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(cos(x[0])); });
NABLA_GRADCHECK_CASE(Cos, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(cos(x[0])); });
NABLA_GRADCHECK_CASE(Tanh, "plain", [] { return tensor_list{rand64({3, 4}, -2.0, 2.0)}; },
                     [](const tensor_list& x) { return one(tanh(x[0])); });
NABLA_GRADCHECK_CASE(Tanh, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -2.0, 2.0)}; },
                     [](const tensor_list& x) { return one(tanh(x[0])); });
// clamp: inputs in [-1, 1], bounds at +-0.5 (random points are never within eps of a bound).
NABLA_GRADCHECK_CASE(Clamp, "min and max", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(clamp(x[0], -0.5, 0.5)); });
NABLA_GRADCHECK_CASE(Clamp, "min only, max only, non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(clamp(x[0], -0.5) + x[0].clamp_max(0.25)); });

// ---- activations ----
NABLA_GRADCHECK_CASE(Sigmoid, "plain", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(sigmoid(x[0])); });
NABLA_GRADCHECK_CASE(Sigmoid, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(sigmoid(x[0])); });
NABLA_GRADCHECK_CASE(Relu, "plain", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(relu(x[0])); });
NABLA_GRADCHECK_CASE(Relu, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(relu(x[0]) * x[0]); });
NABLA_GRADCHECK_CASE(LeakyRelu, "slope 0.2", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return one(leaky_relu(x[0], 0.2)); });
NABLA_GRADCHECK_CASE(LeakyRelu, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return one(leaky_relu(x[0]) * x[0]); });
NABLA_GRADCHECK_CASE(Elu, "default", [] { return tensor_list{rand64({3, 4}, -2.0, 2.0)}; },
                     [](const tensor_list& x) { return one(elu(x[0])); });
NABLA_GRADCHECK_CASE(Elu, "alpha, scale, input_scale, non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}, -2.0, 2.0)}; },
                     [](const tensor_list& x) { return one(elu(x[0], 1.5, 1.0507, 0.5)); });
NABLA_GRADCHECK_CASE(Gelu, "exact", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(gelu(x[0])); });
NABLA_GRADCHECK_CASE(Gelu, "tanh, non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(gelu(x[0], "tanh")); });
// gelu's backward is its own op: check it (and, second order, its backward) through autograd::grad.
// gradcheck evaluates fn under NoGradGuard for its finite differences, so grad mode is switched on here.
tensor_list gelu_grad(const tensor_list& x, const std::string& approx) {
  AutoGradMode on(true);
  return autograd::grad({gelu(x[0], approx)}, {x[0]}, {x[1]}, true, /*create_graph=*/true);
}
NABLA_GRADCHECK_CASE(GeluBackward, "exact", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0), rand64({3, 4})}; },
                     [](const tensor_list& x) { return gelu_grad(x, "none"); });
NABLA_GRADCHECK_CASE(GeluBackward, "tanh, non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}, -3.0, 3.0), rand64({3, 4})}; },
                     [](const tensor_list& x) { return gelu_grad(x, "tanh"); });
NABLA_GRADCHECK_CASE(Silu, "plain", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(silu(x[0])); });
NABLA_GRADCHECK_CASE(Silu, "non-contiguous", [] { return tensor_list{rand64_noncontiguous({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(silu(x[0])); });
// softplus with beta 2, threshold 1: beta*x crosses the threshold at 0.5; points stay away from it.
NABLA_GRADCHECK_CASE(Softplus, "default", [] { return tensor_list{rand64({3, 4}, -3.0, 3.0)}; },
                     [](const tensor_list& x) { return one(softplus(x[0])); });
NABLA_GRADCHECK_CASE(Softplus, "beta, threshold, non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({3, 4}, -1.0, 0.4), rand64({3, 4}, 0.6, 2.0)}; },
                     [](const tensor_list& x) { return one(softplus(x[0], 2, 1) + softplus(x[1], 2, 1)); });

const std::set<OpId>& elementwise_ops() {
  static const std::set<OpId> ids{
      OpId::Add,  OpId::Sub,  OpId::Mul,   OpId::Div,  OpId::Pow,     OpId::PowTensor, OpId::PowScalarBase,
      OpId::Maximum, OpId::Minimum, OpId::Where, OpId::Neg, OpId::Exp, OpId::Log, OpId::Log1p, OpId::Sqrt,
      OpId::Rsqrt, OpId::Abs, OpId::Sign, OpId::Sin, OpId::Cos, OpId::Tanh, OpId::Clamp, OpId::Sigmoid,
      OpId::Relu, OpId::LeakyRelu, OpId::Elu, OpId::Gelu, OpId::GeluBackward, OpId::Silu, OpId::Softplus};
  return ids;
}

TEST(ElementwiseGradcheck, RegisteredCasesPassFirstAndSecondOrder) {
  std::set<OpId> covered;
  for (const auto& c : gradcheck_cases()) {
    if (!elementwise_ops().count(c.op)) continue;
    const std::string name(ops::op_info(c.op).backward_name);
    auto in = c.make_inputs();
    EXPECT_NO_THROW(EXPECT_TRUE(autograd::gradcheck(c.fn, in)) << name << " " << c.label) << name << " " << c.label;
    if (c.second_order) {
      EXPECT_NO_THROW(EXPECT_TRUE(autograd::gradgradcheck(c.fn, in)) << name << " " << c.label)
          << name << " " << c.label;
    }
    covered.insert(c.op);
  }
  for (OpId id : elementwise_ops()) {
    EXPECT_TRUE(covered.count(id)) << "no gradcheck case for " << ops::op_info(id).backward_name;
  }
}

// The checker must be able to fail: a wrong backward (sin recorded with cos's derivative) is caught.
TEST(ElementwiseGradcheck, CheckerRejectsAWrongGradient) {
  auto wrong = [](const tensor_list& x) {
    // y = sin(x) computed out of graph, plus x * 0 to keep the graph: d/dx is 0, not cos(x).
    Tensor s = sin(x[0].detach());
    return tensor_list{s + x[0] * 0.0};
  };
  EXPECT_THROW(autograd::gradcheck(wrong, {rand64({3})}), Error);
}

}  // namespace
}  // namespace nabla::testing
