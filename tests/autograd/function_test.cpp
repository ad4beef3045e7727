// Custom autograd Functions (AutogradContext, CppNode) and gradcheck itself.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "nabla/autograd/function.h"
#include "nabla/nabla.h"

using namespace nabla;
using autograd::AutogradContext;
using autograd::tensor_list;

namespace {

TensorOptions f64() { return TensorOptions().dtype(kFloat64); }
TensorOptions f64g() { return TensorOptions().dtype(kFloat64).requires_grad(true); }

void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_TRUE(t.defined());
  Tensor c = t.detach().to(kFloat64).contiguous().reshape({-1});
  ASSERT_EQ(c.numel(), int64_t(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(c.data_ptr<double>()[i], want[i], tol) << "element " << i;
}

template <typename F>
void expect_error(F f, std::initializer_list<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "expected nabla::Error";
  } catch (const Error& e) {
    std::string msg = e.what();
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
  }
}

// y = x * c (c a double kept in saved_data); backward in LibTorch's one-gradient-per-argument form.
struct MulConstant : autograd::Function<MulConstant> {
  static Tensor forward(AutogradContext* ctx, Tensor x, double c) {
    EXPECT_FALSE(GradMode::is_enabled());  // forward runs under no-grad
    ctx->saved_data["c"] = c;
    ctx->saved_data["tag"] = "mul";
    ctx->saved_data["n"] = 3;
    return x * c;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list g) {
    EXPECT_EQ(ctx->saved_data["tag"].toStringRef(), "mul");
    EXPECT_EQ(ctx->saved_data["n"].toInt(), 3);
    return {g[0] * ctx->saved_data["c"].toDouble(), Tensor()};
  }
};

// y = x^3 from saved x: backward uses differentiable ops, so create_graph gives second derivatives.
struct Cube : autograd::Function<Cube> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return x * x * x;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list g) {
    Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * 3.0 * x * x};
  }
};

// Same function with a wrong backward (2x^2 instead of 3x^2): gradcheck must catch it.
struct WrongCube : autograd::Function<WrongCube> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return x * x * x;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list g) {
    Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * 2.0 * x * x};
  }
};

// y = exp(x), saving its own output (no reference cycle, rejoins the graph under create_graph).
struct MyExp : autograd::Function<MyExp> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    Tensor y = x.exp();
    ctx->save_for_backward({y});
    return y;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list g) { return {g[0] * ctx->get_saved_variables()[0]}; }
};

// Two outputs (sum and product of a, b) and a needs_input_grad check.
struct SumProd : autograd::Function<SumProd> {
  static tensor_list forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["needs_a"] = ctx->needs_input_grad(0);
    ctx->saved_data["needs_b"] = ctx->needs_input_grad(1);
    return {a + b, a * b};
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list g) {
    auto s = ctx->get_saved_variables();
    Tensor da = ctx->needs_input_grad(0) ? g[0] + g[1] * s[1] : Tensor();
    Tensor db = ctx->needs_input_grad(1) ? g[0] + g[1] * s[0] : Tensor();
    return {da, db};
  }
};

// Returns its input and a non-differentiable mask.
struct PassWithMask : autograd::Function<PassWithMask> {
  static tensor_list forward(AutogradContext* ctx, const Tensor& x) {
    Tensor mask = x.gt(0.0).to(kFloat64);
    ctx->mark_non_differentiable({mask});
    return {x, mask};
  }
  static tensor_list backward(AutogradContext*, tensor_list g) {
    EXPECT_TRUE(g[1].defined());  // materialized zeros
    return {g[0]};
  }
};

}  // namespace

TEST(AutogradFunction, NameAndSavedData) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = MulConstant::apply(x, 5.5);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "CppNode<MulConstant>");
  EXPECT_EQ(y.grad_fn()->next_edges().size(), 1u);
  y.sum().backward();
  expect_values(x.grad(), {5.5, 5.5});
  EXPECT_TRUE(GradMode::is_enabled());
}

TEST(AutogradFunction, NoRecordingWithoutGradOrUnderNoGrad) {
  auto c = tensor({1.0, 2.0}, f64());
  auto y = MulConstant::apply(c, 2.0);
  EXPECT_FALSE(y.requires_grad());
  expect_values(y, {2, 4});
  auto x = tensor({1.0}, f64g());
  NoGradGuard g;
  EXPECT_FALSE(MulConstant::apply(x, 2.0).requires_grad());
}

TEST(AutogradFunction, SavedInputAndCreateGraph) {
  auto x = tensor({2.0, -1.0}, f64g());
  auto g = autograd::grad({Cube::apply(x).sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  expect_values(g, {12, 3});
  auto gg = autograd::grad({g.sum()}, {x})[0];
  expect_values(gg, {12, -6});
}

TEST(AutogradFunction, SavedOutputRejoinsGraphAndIsFreed) {
  auto x = tensor({0.5}, f64g());
  auto y = MyExp::apply(x);
  auto g = autograd::grad({y.sum()}, {x}, {}, std::nullopt, true)[0];
  expect_values(g, {std::exp(0.5)});
  auto gg = autograd::grad({g.sum()}, {x})[0];
  expect_values(gg, {std::exp(0.5)});
  // No cycle: dropping y and the grads frees the node (weak_ptr expires).
  std::weak_ptr<autograd::Node> node = y.grad_fn();
  y = Tensor();
  g = Tensor();
  gg = Tensor();
  EXPECT_TRUE(node.expired());
}

TEST(AutogradFunction, MultipleOutputsAndNeedsInputGrad) {
  auto a = tensor({2.0, 3.0}, f64g());
  auto b = tensor({5.0, 7.0}, f64());
  auto outs = SumProd::apply(a, b);
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(outs[0].grad_fn(), outs[1].grad_fn());
  EXPECT_EQ(outs[1].output_nr(), 1u);
  EXPECT_TRUE(outs[0].grad_fn()->name().find("SumProd") != std::string::npos);
  (outs[0].sum() + (outs[1] * 2.0).sum()).backward();
  expect_values(a.grad(), {11, 15});  // 1 + 2b
  // Only one output used: the other's gradient arrives as zeros.
  auto a2 = tensor({2.0, 3.0}, f64g());
  auto b2 = tensor({5.0, 7.0}, f64g());
  auto o2 = SumProd::apply(a2, b2);
  o2[1].sum().backward();
  expect_values(a2.grad(), {5, 7});
  expect_values(b2.grad(), {2, 3});
}

TEST(AutogradFunction, NeedsInputGradSeenInForward) {
  auto a = tensor({1.0}, f64());
  auto b = tensor({1.0}, f64g());
  struct Probe : autograd::Function<Probe> {
    static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
      EXPECT_FALSE(ctx->needs_input_grad(0));
      EXPECT_TRUE(ctx->needs_input_grad(1));
      return a + b;
    }
    static tensor_list backward(AutogradContext*, tensor_list g) { return {g[0], g[0]}; }
  };
  Probe::apply(a, b).sum().backward();
  expect_values(b.grad(), {1});
  EXPECT_FALSE(a.grad().defined());
}

TEST(AutogradFunction, NonDifferentiableOutputAndInputReturnedAsIs) {
  auto x = tensor({-1.0, 2.0}, f64g());
  auto outs = PassWithMask::apply(x);
  EXPECT_FALSE(outs[1].requires_grad());
  EXPECT_TRUE(outs[0].requires_grad());
  EXPECT_FALSE(outs[0].is_same(x));  // an alias: x keeps being a leaf
  EXPECT_TRUE(x.is_leaf());
  EXPECT_EQ(outs[0].data_ptr(), x.data_ptr());
  (outs[0] * 3.0).sum().backward();
  expect_values(x.grad(), {3, 3});
}

TEST(AutogradFunction, WrongGradientCountIsAnError) {
  struct Bad : autograd::Function<Bad> {
    static Tensor forward(AutogradContext*, const Tensor& a, const Tensor& b) { return a * b; }
    static tensor_list backward(AutogradContext*, tensor_list g) { return {g[0], g[0], g[0]}; }
  };
  auto a = tensor({1.0}, f64g());
  expect_error([&] { Bad::apply(a, a).sum().backward(); }, {"Bad", "incorrect number of gradients", "expected 2",
                                                            "got 3"});
}

TEST(AutogradFunction, WrongGradientShapeIsAnError) {
  struct BadShape : autograd::Function<BadShape> {
    static Tensor forward(AutogradContext*, const Tensor& a) { return a * 2.0; }
    static tensor_list backward(AutogradContext*, tensor_list) { return {ones({3}, TensorOptions().dtype(kFloat64))}; }
  };
  auto a = tensor({1.0, 2.0}, f64g());
  expect_error([&] { BadShape::apply(a).sum().backward(); }, {"invalid gradient", "[3]", "[2]"});
}

TEST(AutogradFunction, SecondBackwardNeedsRetainGraph) {
  auto x = tensor({2.0}, f64g());
  auto y = Cube::apply(x).sum();
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  expect_values(x.grad(), {24});
  expect_error([&] { y.backward(); }, {"second time", "retain_graph=true"});
}

TEST(AutogradFunction, InPlaceOnSavedInputIsCaught) {
  auto x = tensor({2.0}, f64g());
  auto h = x * 1.0;
  auto y = Cube::apply(h).sum();
  h.add_(1.0);
  expect_error([&] { y.backward(); }, {"inplace", "Cube"});
}

TEST(AutogradFunction, IValueKinds) {
  autograd::IValue none, b(true), i(int64_t(7)), d(2.5), s("str"), t(tensor({1.0}));
  EXPECT_TRUE(none.isNone());
  EXPECT_TRUE(b.isBool() && b.toBool());
  EXPECT_TRUE(i.isInt() && i.toInt() == 7);
  EXPECT_DOUBLE_EQ(i.toDouble(), 7.0);
  EXPECT_TRUE(d.isDouble() && d.toDouble() == 2.5);
  EXPECT_TRUE(s.isString() && s.toStringRef() == "str");
  EXPECT_TRUE(t.isTensor() && t.toTensor().numel() == 1);
  expect_error([&] { (void)d.toInt(); }, {"toInt", "Double"});
  autograd::IValue shape(tensor({{1.0, 2.0}}).sizes());
  EXPECT_TRUE(shape.isIntList());
  EXPECT_EQ(shape.toIntVector(), std::vector<int64_t>({1, 2}));
}

TEST(AutogradFunction, SavedDataIsAMapOfIValues) {
  autograd::SavedData d;
  EXPECT_TRUE(d.empty());
  d["c"] = 2.5;
  d["n"] = 3;
  d["x"] = tensor({1.0, 2.0});
  EXPECT_EQ(d.size(), 3u);
  EXPECT_DOUBLE_EQ(d["c"].toDouble(), 2.5);
  EXPECT_EQ(d.at("n").toInt(), 3);
  EXPECT_TRUE(d.contains("x") && d.count("x") == 1 && !d.contains("y"));
  EXPECT_TRUE(d["y"].isNone());  // operator[] inserts None, as a map does
  EXPECT_EQ(d.erase("y"), 1u);
  expect_error([&] { (void)d.at("missing"); }, {"saved_data.at", "missing"});
  const autograd::SavedData& cd = d;
  EXPECT_EQ(cd.at("x").toTensor().numel(), 2);
  d.clear();
  EXPECT_TRUE(d.empty());
}

// ---- gradcheck on custom Functions ----

TEST(Gradcheck, PassesOnRightBackward) {
  auto x = tensor({0.5, -1.25, 2.0}, f64g());
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return tensor_list{Cube::apply(in[0])}; }, {x}));
  EXPECT_TRUE(autograd::gradgradcheck([](const tensor_list& in) { return tensor_list{Cube::apply(in[0])}; }, {x}));
  auto a = tensor({0.5, -1.0}, f64g());
  auto b = tensor({1.5, 2.0}, f64g());
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return SumProd::apply(in[0], in[1]); }, {a, b}));
}

TEST(Gradcheck, FailsOnWrongBackward) {
  auto x = tensor({0.5, -1.25, 2.0}, f64g());
  expect_error([&] { autograd::gradcheck([](const tensor_list& in) { return tensor_list{WrongCube::apply(in[0])}; },
                                         {x}); },
               {"gradcheck", "Jacobian mismatch", "input 0", "WrongCube"});
}

TEST(Gradcheck, FailsOnWrongSecondDerivative) {
  // First derivative right (3x^2) but built from a detached x: the second derivative is missing.
  struct FlatCube : autograd::Function<FlatCube> {
    static Tensor forward(AutogradContext* ctx, const Tensor& x) {
      ctx->save_for_backward({x});
      return x * x * x;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g) {
      Tensor x = ctx->get_saved_variables()[0].detach();
      return {g[0] * 3.0 * x * x};
    }
  };
  auto x = tensor({0.5, -1.25}, f64g());
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return tensor_list{FlatCube::apply(in[0])}; }, {x}));
  expect_error([&] { autograd::gradgradcheck([](const tensor_list& in) { return tensor_list{FlatCube::apply(in[0])}; },
                                             {x}); },
               {"gradcheck", "Jacobian mismatch"});
}

TEST(Gradcheck, RejectsFloat32Inputs) {
  auto x = tensor({1.0f}, TensorOptions().requires_grad(true));
  expect_error([&] { autograd::gradcheck([](const tensor_list& in) { return tensor_list{in[0] * 2.0}; }, {x}); },
               {"gradcheck", "float64"});
}

TEST(Gradcheck, NonContiguousInput) {
  auto base = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, f64());
  Tensor x = base.t();
  x.requires_grad_(true);
  EXPECT_FALSE(x.is_contiguous());
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return tensor_list{in[0].sin() * in[0]}; }, {x}));
}

TEST(AutogradFunction, ReentrantBackwardCheckpointing) {
  // Gradient checkpointing: forward keeps only x; backward recomputes y = sin(x) * x with grad on and runs a
  // nested autograd::grad inside the outer backward.
  struct Checkpoint : autograd::Function<Checkpoint> {
    static Tensor forward(AutogradContext* ctx, const Tensor& x) {
      ctx->save_for_backward({x});
      return x.sin() * x;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g) {
      Tensor x = ctx->get_saved_variables()[0].detach();
      x.requires_grad_(true);
      Tensor y;
      {
        AutoGradMode on(true);
        y = x.sin() * x;
      }
      return autograd::grad({y}, {x}, {g[0]});
    }
  };
  auto x = tensor({0.3, 1.7}, f64g());
  (Checkpoint::apply(x) * 2.0).sum().backward();
  expect_values(x.grad(), {2 * (std::cos(0.3) * 0.3 + std::sin(0.3)), 2 * (std::cos(1.7) * 1.7 + std::sin(1.7))});
}

TEST(AutogradFunction, MarkDirtyRebasesHistoryOfAnInPlaceInput) {
  // y.mul_(2) as a custom Function: y keeps its identity and gets the new node as grad_fn.
  struct MulTwoInPlace : autograd::Function<MulTwoInPlace> {
    static Tensor forward(AutogradContext* ctx, Tensor x) {
      x.mul_(2.0);
      ctx->mark_dirty({x});
      return x;
    }
    static tensor_list backward(AutogradContext*, tensor_list g) { return {g[0] * 2.0}; }
  };
  auto a = tensor({1.0, 3.0}, f64g());
  auto y = a * 1.0;
  auto out = MulTwoInPlace::apply(y);
  EXPECT_TRUE(out.is_same(y));
  EXPECT_NE(y.grad_fn()->name().find("MulTwoInPlace>"), std::string::npos);
  expect_values(y, {2, 6});
  (y * y).sum().backward();
  expect_values(a.grad(), {8, 24});  // d/da (2a)^2 = 8a
  // A leaf that requires grad cannot be modified in place.
  auto leaf = tensor({1.0}, f64g());
  expect_error([&] { MulTwoInPlace::apply(leaf); }, {"MulTwoInPlace", "leaf Variable that requires grad"});
}

TEST(AutogradFunction, BroadcastGradientIsSummedToInputShape) {
  // As PyTorch's engine: a gradient of a shape the input broadcasts to is summed down to the input's shape.
  struct AddRow : autograd::Function<AddRow> {
    static Tensor forward(AutogradContext*, const Tensor& m, const Tensor& row) { return m + row; }
    static tensor_list backward(AutogradContext*, tensor_list g) { return {g[0], g[0]}; }  // row gets (2, 3)
  };
  auto m = zeros({2, 3}, f64g());
  auto row = tensor({1.0, 2.0, 3.0}, f64g());
  (AddRow::apply(m, row) * 2.0).sum().backward();
  expect_values(row.grad(), {4, 4, 4});
  expect_values(m.grad(), {2, 2, 2, 2, 2, 2});
}
