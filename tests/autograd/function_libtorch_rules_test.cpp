// Custom autograd::Function semantics that LibTorch's custom_function.h fixes, with the examples of LibTorch's
// autograd tutorial: extra gradients are dropped when undefined (an optional input left out), a non-tensor
// argument's gradient must be undefined, set_materialize_grads(false) passes undefined output gradients through.
#include <gtest/gtest.h>

#include "nabla/autograd/function.h"
#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

using autograd::AutogradContext;
using autograd::tensor_list;
using testing::expect_error;
using testing::values;

TensorOptions f64g() { return TensorOptions().dtype(kFloat64).requires_grad(true); }

// LibTorch's tutorial LinearFunction: the bias is optional and backward always returns three gradients.
struct LinearFunction : autograd::Function<LinearFunction> {
  static Tensor forward(AutogradContext* ctx, Tensor input, Tensor weight, Tensor bias = Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto output = input.mm(weight.t());
    if (bias.defined()) output += bias.unsqueeze(0).expand_as(output);
    return output;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0], weight = saved[1], bias = saved[2];
    auto grad_output = grad_outputs[0];
    auto grad_input = grad_output.mm(weight);
    auto grad_weight = grad_output.t().mm(input);
    auto grad_bias = Tensor();
    if (bias.defined()) grad_bias = grad_output.sum(0);
    return {grad_input, grad_weight, grad_bias};
  }
};

// LibTorch's tutorial MulConstant: a non-tensor argument, whose gradient is an undefined Tensor.
struct MulConstant : autograd::Function<MulConstant> {
  static Tensor forward(AutogradContext* ctx, Tensor tensor, double constant) {
    ctx->saved_data["constant"] = constant;
    return tensor * constant;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), Tensor()};
  }
};

TEST(CustomFunctionLibTorchRules, OptionalInputLeftOutDropsTheExtraUndefinedGradient) {
  Tensor x = tensor({{1.0, 2.0}, {3.0, 4.0}}, f64g());
  Tensor w = tensor({{0.5, -1.0}, {2.0, 0.25}, {1.0, 1.0}}, f64g());
  LinearFunction::apply(x, w).sum().backward();  // forward got two tensors, backward returns three
  // d/dx sum(x w^T) = ones(2, 3) w: column sums of w; d/dw = ones(3, 2) x: column sums of x.
  EXPECT_EQ(values(x.grad()), std::vector<double>({3.5, 0.25, 3.5, 0.25}));
  EXPECT_EQ(values(w.grad()), std::vector<double>({4, 6, 4, 6, 4, 6}));

  Tensor b = tensor({0.1, 0.2, 0.3}, f64g());
  x.mutable_grad() = Tensor();
  LinearFunction::apply(x, w, b).sum().backward();
  EXPECT_EQ(values(b.grad()), std::vector<double>({2, 2, 2}));
  EXPECT_EQ(values(x.grad()), std::vector<double>({3.5, 0.25, 3.5, 0.25}));
}

TEST(CustomFunctionLibTorchRules, NonTensorArgumentTakesAnUndefinedGradient) {
  Tensor x = tensor({1.0, -2.0}, f64g());
  MulConstant::apply(x, 5.5).sum().backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({5.5, 5.5}));
}

TEST(CustomFunctionLibTorchRules, ExtraDefinedGradientsAreAnError) {
  struct TooMany : autograd::Function<TooMany> {
    static Tensor forward(AutogradContext*, Tensor a, double c) { return a * c; }
    static tensor_list backward(AutogradContext*, tensor_list g) { return {g[0], Tensor(), g[0]}; }
  };
  struct DefinedForConstant : autograd::Function<DefinedForConstant> {
    static Tensor forward(AutogradContext*, Tensor a, double c) { return a * c; }
    static tensor_list backward(AutogradContext*, tensor_list g) { return {g[0], g[0]}; }
  };
  Tensor x = tensor({1.0}, f64g());
  expect_error([&] { TooMany::apply(x, 2.0).sum().backward(); },
               {"TooMany", "incorrect number of gradients", "expected 2", "got 3"});
  expect_error([&] { DefinedForConstant::apply(x, 2.0).sum().backward(); },
               {"DefinedForConstant", "position 1", "not a Tensor"});
}

TEST(CustomFunctionLibTorchRules, UnmaterializedGradientsStayUndefined) {
  struct TwoOut : autograd::Function<TwoOut> {
    static tensor_list forward(AutogradContext* ctx, Tensor a) {
      ctx->set_materialize_grads(false);
      return {a * 2.0, a * 3.0};
    }
    static tensor_list backward(AutogradContext*, tensor_list g) {
      EXPECT_TRUE(g[0].defined());
      EXPECT_FALSE(g[1].defined());  // the second output took no part in the loss
      return {g[0] * 2.0};
    }
  };
  Tensor x = tensor({1.0, 4.0}, f64g());
  TwoOut::apply(x)[0].sum().backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({2, 2}));
}

}  // namespace
}  // namespace nabla
