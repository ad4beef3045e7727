// The backward engine: accumulation, retain_grad, hooks, grad mode, errors, higher order, anomaly mode.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "nabla/autograd/function.h"
#include "nabla/nabla.h"

using namespace nabla;
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

// Tensor::register_hook has a std::function<Tensor(const Tensor&)> and a std::function<void(const Tensor&)>
// overload, so a lambda returning Tensor is ambiguous; spell the std::function out (see the report: a template
// overload in tensor.h would fix that).
using TensorHook = std::function<Tensor(const Tensor&)>;
using VoidHook = std::function<void(const Tensor&)>;

// Runs f, expects nabla::Error whose message contains every `parts`.
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

}  // namespace

TEST(AutogradEngine, AccumulatesIntoLeavesOverTwoBackwardCalls) {
  auto x = tensor({1.0, 2.0, 3.0}, f64g());
  (x * x).sum().backward();  // 2x
  expect_values(x.grad(), {2, 4, 6});
  (x * 3.0).sum().backward();  // + 3
  expect_values(x.grad(), {5, 7, 9});
  EXPECT_FALSE(x.grad().requires_grad());
}

TEST(AutogradEngine, LeafUsedTwiceSumsBothPaths) {
  auto x = tensor({2.0}, f64g());
  auto y = x * x + x.exp();  // dy/dx = 2x + e^x
  y.sum().backward();
  expect_values(x.grad(), {4 + std::exp(2.0)});
}

TEST(AutogradEngine, FirstGradIsNotAliasedWithUserGradient) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto g = tensor({1.0, 1.0}, f64());
  x.backward(g);  // x is a leaf: the gradient reaches it unchanged
  expect_values(x.grad(), {1, 1});
  EXPECT_NE(x.grad().data_ptr(), g.data_ptr());  // the user's tensor is not adopted as .grad()
}

TEST(AutogradEngine, AccumulationIsInPlaceAsInPyTorch) {
  // The second backward adds into the existing .grad() tensor: a reference taken before sees the sum.
  auto x = tensor({1.0, 2.0}, f64g());
  (x * 2.0).sum().backward();
  Tensor held = x.grad();
  (x * 3.0).sum().backward();
  expect_values(held, {5, 5});
  EXPECT_TRUE(held.is_same(x.grad()));
  // An add's backward hands the same gradient tensor to both leaves: they must not share memory.
  auto a = tensor({1.0}, f64g());
  auto b = tensor({1.0}, f64g());
  (a + b).sum().backward();
  EXPECT_NE(a.grad().data_ptr(), b.grad().data_ptr());
  (a * 2.0).sum().backward();
  expect_values(a.grad(), {3});
  expect_values(b.grad(), {1});
}

TEST(AutogradEngine, RetainGradOnNonLeaf) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = x * 3.0;
  y.retain_grad();
  EXPECT_TRUE(y.retains_grad());
  auto z = (y * y).sum();
  z.backward();
  expect_values(y.grad(), {6, 12});  // 2y
  expect_values(x.grad(), {18, 36});
}

TEST(AutogradEngine, RetainGradSeesHooksRegisteredLater) {
  // As in PyTorch, the retained gradient is the one after every tensor hook.
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = x * 2.0;
  y.retain_grad();
  y.register_hook(TensorHook([](const Tensor& g) { return g * 2.0; }));
  y.sum().backward();
  expect_values(y.grad(), {2, 2});
  expect_values(x.grad(), {4, 4});
}

TEST(AutogradEngine, RetainGradFollowsInPlaceHistory) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = x * 2.0;
  y.retain_grad();
  y.mul_(3.0);  // y's grad_fn becomes the MulBackward0 of the in-place op
  (y * y).sum().backward();
  expect_values(y.grad(), {12, 24});  // 2 * (6x): gradient of the current y, not of its old value
  expect_values(x.grad(), {72, 144});
}

TEST(AutogradEngine, GradFnNameAndIsLeaf) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto c = tensor({1.0, 2.0}, f64());
  EXPECT_TRUE(x.is_leaf());
  EXPECT_TRUE(c.is_leaf());
  EXPECT_EQ(x.grad_fn(), nullptr);
  auto y = x * c;
  EXPECT_FALSE(y.is_leaf());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward0");
  EXPECT_EQ((x + c).grad_fn()->name(), "AddBackward0");
  EXPECT_EQ(x.sin().grad_fn()->name(), "SinBackward0");
  EXPECT_EQ(y.sum().grad_fn()->name(), "SumBackward0");
  EXPECT_EQ(y.sum({0}).grad_fn()->name(), "SumBackward1");
  // Edges: MulBackward0 -> AccumulateGrad(x) and nothing for c.
  ASSERT_EQ(y.grad_fn()->next_edges().size(), 2u);
  EXPECT_EQ(y.grad_fn()->next_edges()[0].function->name(), "AccumulateGrad");
  EXPECT_FALSE(y.grad_fn()->next_edges()[1].is_valid());
}

TEST(AutogradEngine, RequiresGradPropagation) {
  auto x = tensor({1.0}, f64g());
  auto c = tensor({1.0}, f64());
  EXPECT_TRUE(x.requires_grad());
  EXPECT_FALSE(c.requires_grad());
  EXPECT_TRUE((x * c).requires_grad());
  EXPECT_TRUE((c + x).requires_grad());
  EXPECT_FALSE((c * c).requires_grad());
  EXPECT_EQ((c * c).grad_fn(), nullptr);
  auto y = x * 2.0;
  y.requires_grad_(true);  // no-op on a non-leaf, as in PyTorch
  EXPECT_TRUE(y.requires_grad());
  expect_error([&] { y.requires_grad_(false); }, {"requires_grad_", "leaf", "detach"});
  c.requires_grad_();
  EXPECT_TRUE((c * 2.0).requires_grad());
  auto i = tensor({1, 2}, TensorOptions().dtype(kInt64));
  expect_error([&] { i.requires_grad_(); }, {"requires_grad_", "floating point"});
}

TEST(AutogradEngine, DetachCutsTheGraph) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = x * 2.0;
  auto d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_EQ(d.data_ptr(), y.data_ptr());  // shares storage
  auto z = (y * d).sum();  // d is a constant
  z.backward();
  expect_values(x.grad(), {4, 8});  // 2 * d
  auto w = x * 2.0;
  w.detach_();
  EXPECT_FALSE(w.requires_grad());
  EXPECT_TRUE(w.is_leaf());
}

TEST(AutogradEngine, NoGradGuard) {
  auto x = tensor({1.0}, f64g());
  {
    NoGradGuard g;
    EXPECT_FALSE(GradMode::is_enabled());
    auto y = x * 2.0;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    {
      AutoGradMode on(true);
      EXPECT_TRUE((x * 2.0).requires_grad());
    }
    EXPECT_FALSE(GradMode::is_enabled());
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_TRUE((x * 2.0).requires_grad());
  // The usual parameter update: in place on a leaf, allowed under no-grad.
  x.sum().backward();
  {
    NoGradGuard g;
    x.sub_(x.grad() * 0.5);
  }
  expect_values(x, {0.5});
  EXPECT_TRUE(x.is_leaf());
  EXPECT_TRUE(x.requires_grad());
}

TEST(AutogradEngine, HookOnLeafDoublesGradientAndRemoveHook) {
  auto x = tensor({1.0, 2.0}, f64g());
  int calls = 0;
  unsigned h = x.register_hook(TensorHook([&](const Tensor& g) {
    ++calls;
    return g * 2.0;
  }));
  (x * 3.0).sum().backward();
  expect_values(x.grad(), {6, 6});
  EXPECT_EQ(calls, 1);
  x.remove_hook(h);
  x.mutable_grad() = Tensor();
  (x * 3.0).sum().backward();
  expect_values(x.grad(), {3, 3});
  EXPECT_EQ(calls, 1);
}

TEST(AutogradEngine, HookOnNonLeafChangesUpstreamGradient) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = x * x;
  Tensor seen;
  y.register_hook(VoidHook([&](const Tensor& g) { seen = g.detach().clone(); }));  // observer
  unsigned h = y.register_hook(TensorHook([](const Tensor& g) { return g * 2.0; }));
  y.sum().backward(Tensor(), /*retain_graph=*/true);
  expect_values(seen, {1, 1});
  expect_values(x.grad(), {4, 8});  // 2 * 2x
  y.remove_hook(h);
  x.mutable_grad() = Tensor();
  y.sum().backward();
  expect_values(x.grad(), {2, 4});
  expect_error([&] { tensor({1.0}).register_hook(TensorHook([](const Tensor& g) { return g; })); },
               {"register_hook", "doesn't require gradient"});
  auto w = tensor({1.0, 2.0}, f64g());
  w.register_hook(TensorHook([](const Tensor& g) { return g.sum(); }));
  expect_error([&] { (w * 2.0).sum().backward(); }, {"register_hook", "changed its shape", "[2]", "[]"});
}

TEST(AutogradEngine, BackwardWithGradientForNonScalar) {
  auto x = tensor({1.0, 2.0, 3.0}, f64g());
  auto y = x * x;
  y.backward(tensor({1.0, 0.5, -1.0}, f64()));
  expect_values(x.grad(), {2, 2, -6});
}

TEST(AutogradEngine, ErrorBackwardOfNonScalarWithoutGradient) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = x * 2.0;
  expect_error([&] { y.backward(); }, {"backward", "only for scalar outputs", "[2]"});
  expect_error([&] { y.backward(tensor({1.0, 2.0, 3.0}, f64())); }, {"backward", "shape", "[3]", "[2]"});
}

TEST(AutogradEngine, ErrorSecondBackwardWithoutRetainGraph) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = (x * x).sum();
  y.backward();
  // Stricter than PyTorch: every node (not only those with saved tensors) is freed, so the first node reached
  // (SumBackward0) reports it.
  expect_error([&] { y.backward(); }, {"second time", "retain_graph=true", "Backward0"});
}

TEST(AutogradEngine, SecondBackwardWithRetainGraph) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto y = (x * x).sum();
  y.backward(Tensor(), /*retain_graph=*/true);
  y.backward();
  expect_values(x.grad(), {4, 8});
}

TEST(AutogradEngine, ErrorBackwardOfTensorThatDoesNotRequireGrad) {
  auto x = tensor({1.0, 2.0}, f64());
  auto y = (x * x).sum();
  expect_error([&] { y.backward(); }, {"backward", "does not require grad"});
  expect_error([&] { autograd::grad({y}, {x}); }, {"autograd::grad", "does not require grad"});
}

TEST(AutogradEngine, ErrorInPlaceOnSavedTensorNamesTheNode) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto a = x * 2.0;
  auto y = (a * a).sum();  // MulBackward0 saves a
  a.add_(1.0);
  expect_error([&] { y.backward(); }, {"modified by an inplace operation", "MulBackward0", "version 1",
                                        "expected version 0"});
  // exp saves its output: modifying the output is caught too.
  auto e = x.exp();
  auto z = e.sum();
  e.mul_(2.0);
  expect_error([&] { z.backward(); }, {"inplace", "ExpBackward0"});
}

TEST(AutogradEngine, ErrorInPlaceOnLeafRequiringGrad) {
  auto x = tensor({1.0, 2.0}, f64g());
  expect_error([&] { x.add_(1.0); }, {"add_", "leaf Variable that requires grad", "NoGradGuard"});
  expect_error([&] { x.mul_(x); }, {"leaf Variable"});
  expect_values(x, {1, 2});  // untouched
}

TEST(AutogradEngine, SecondDerivativeOfSin) {
  auto x = tensor({0.3, 1.1}, f64g());
  auto g = autograd::grad({x.sin().sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  EXPECT_TRUE(g.requires_grad());
  expect_values(g, {std::cos(0.3), std::cos(1.1)});
  auto gg = autograd::grad({g.sum()}, {x}, {}, std::nullopt, true)[0];
  expect_values(gg, {-std::sin(0.3), -std::sin(1.1)});
  auto ggg = autograd::grad({gg.sum()}, {x})[0];
  expect_values(ggg, {-std::cos(0.3), -std::cos(1.1)});
  EXPECT_FALSE(ggg.requires_grad());
}

TEST(AutogradEngine, SecondDerivativeOfCubeBuiltFromMul) {
  auto x = tensor({2.0, -1.5}, f64g());
  auto y = (x * x * x).sum();
  auto g = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];
  expect_values(g, {12, 6.75});  // 3x^2
  auto gg = autograd::grad({g.sum()}, {x}, {}, std::nullopt, true)[0];
  expect_values(gg, {12, -9});  // 6x
  auto ggg = autograd::grad({gg.sum()}, {x})[0];
  expect_values(ggg, {6, 6});
}

TEST(AutogradEngine, GradientPenaltyPattern) {
  // y = sum(w * x^3); g = dy/dx = 3 w x^2; penalty = sum(g^2) = sum(9 w^2 x^4)
  // d penalty/dx = 36 w^2 x^3, d penalty/dw = 18 w x^4.
  auto x = tensor({1.0, 2.0}, f64g());
  auto w = tensor({0.5, -1.0}, f64g());
  auto y = (w * x * x * x).sum();
  auto g = autograd::grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  EXPECT_FALSE(x.grad().defined());  // grad() does not touch .grad()
  (g.pow(2).sum()).backward();
  expect_values(x.grad(), {36 * 0.25 * 1, 36 * 1.0 * 8});
  expect_values(w.grad(), {18 * 0.5 * 1, 18 * -1.0 * 16});
}

TEST(AutogradEngine, GradWithRespectToNonLeaf) {
  auto x = tensor({1.0, 2.0}, f64g());
  auto h = x * 3.0;
  auto y = (h * h).sum();
  auto gh = autograd::grad({y}, {h}, {}, /*retain_graph=*/true)[0];
  expect_values(gh, {6, 12});  // 2h
  EXPECT_FALSE(x.grad().defined());
  auto both = autograd::grad({y}, {x, h});
  expect_values(both[0], {18, 36});
  expect_values(both[1], {6, 12});
}

TEST(AutogradEngine, GradOnlyRunsNodesNeededForInputs) {
  // Below h the graph goes through a node whose saved tensor was modified in place: grad w.r.t. h must not
  // run it (PyTorch prunes it too), and must not release it.
  auto x = tensor({1.0, 2.0}, f64g());
  auto a = x * 1.0;
  auto h = a * a;  // saves a
  a.add_(1.0);
  auto y = (h * 2.0).sum();
  auto gh = autograd::grad({y}, {h})[0];
  expect_values(gh, {2, 2});
  expect_error([&] { (h * 2.0).sum().backward(); }, {"inplace"});
}

TEST(AutogradEngine, GradMultipleRootsWithSharedSubgraph) {
  // Two roots where one is reachable from the other: dependencies must be counted across both.
  auto x = tensor({1.0, 2.0}, f64g());
  auto a = x * x;           // 2x
  auto b = (a * 3.0).sum(); // 6x
  auto s = a.sum();
  auto g = autograd::grad({b, s}, {x})[0];
  expect_values(g, {8, 16});  // 6x + 2x
  auto x2 = tensor({1.0, 2.0}, f64g());
  auto a2 = x2 * x2;
  autograd::backward({a2, (a2 * 3.0).sum()}, {tensor({1.0, 1.0}, f64()), Tensor()});
  expect_values(x2.grad(), {8, 16});
}

TEST(AutogradEngine, AllowUnused) {
  auto x = tensor({1.0}, f64g());
  auto z = tensor({1.0}, f64g());
  auto y = (x * 2.0).sum();
  expect_error([&] { autograd::grad({y}, {x, z}, {}, true); }, {"not have been used", "allow_unused"});
  expect_error([&] { autograd::grad({y}, {}, {}, true); }, {"autograd::grad", "inputs is empty"});
  auto g = autograd::grad({y}, {x, z}, {}, true, false, /*allow_unused=*/true);
  expect_values(g[0], {2});
  EXPECT_FALSE(g[1].defined());
}

TEST(AutogradEngine, BackwardInputsOnlyAccumulatesThere) {
  auto x = tensor({1.0}, f64g());
  auto w = tensor({3.0}, f64g());
  (x * w).sum().backward(Tensor(), std::nullopt, false, {x});
  expect_values(x.grad(), {3});
  EXPECT_FALSE(w.grad().defined());
}

TEST(AutogradEngine, CreateGraphBackwardGivesDifferentiableGrad) {
  auto x = tensor({1.5}, f64g());
  (x * x * x).sum().backward(Tensor(), std::nullopt, /*create_graph=*/true);
  EXPECT_TRUE(x.grad().requires_grad());
  expect_values(x.grad(), {3 * 2.25});
  auto gg = autograd::grad({x.grad().sum()}, {x})[0];
  expect_values(gg, {9});
  // As in PyTorch, backward(create_graph=true) makes a reference cycle x -> x.grad -> its graph -> saved x;
  // clearing .grad() breaks it (PyTorch's docs recommend autograd::grad for this reason).
  x.mutable_grad() = Tensor();
}

// ---- anomaly mode ----

namespace {
struct NanBackward : autograd::Function<NanBackward> {
  static Tensor forward(autograd::AutogradContext*, Tensor x) { return x * 2.0; }
  static tensor_list backward(autograd::AutogradContext*, tensor_list g) { return {g[0] * std::nan("")}; }
};
}  // namespace

TEST(AutogradAnomaly, NanFromCustomFunctionNamesNodeAndForwardOp) {
  auto x = tensor({1.0, 2.0}, f64g());
  {
    autograd::DetectAnomalyGuard guard;
    EXPECT_TRUE(autograd::AnomalyMode::is_enabled());
    auto y = NanBackward::apply(x).sum();
    expect_error([&] { y.backward(); }, {"anomaly", "CppNode<NanBackward>", "nan", "NanBackward"});
  }
  EXPECT_FALSE(autograd::AnomalyMode::is_enabled());
  // Without anomaly mode the NaN goes through silently.
  NanBackward::apply(x).sum().backward();
  EXPECT_TRUE(std::isnan(x.grad()[0].item<double>()));
}

TEST(AutogradAnomaly, InfFromSqrtAtZeroNamesSqrtBackward) {
  auto x = tensor({0.0, 4.0}, f64g());
  autograd::DetectAnomalyGuard guard;
  auto y = x.sqrt().sum();
  expect_error([&] { y.backward(); }, {"anomaly", "SqrtBackward0", "'sqrt'"});
}

TEST(AutogradAnomaly, FiniteBackwardPasses) {
  autograd::DetectAnomalyGuard guard;
  auto x = tensor({1.0, 4.0}, f64g());
  x.sqrt().sum().backward();
  expect_values(x.grad(), {0.5, 0.25});
}

// grad() with several outputs where a later output depends on an earlier one: PyTorch sums both paths.
TEST(AutogradEngine, GradWithDependentOutputs) {
  auto x = nabla::tensor({1.5, -2.0}, nabla::TensorOptions().dtype(nabla::kFloat64).requires_grad(true));
  auto y = x * x;
  auto h = -y;
  auto v1 = nabla::tensor({1.0, 1.0}, nabla::kFloat64);
  auto v2 = nabla::tensor({0.25, 0.5}, nabla::kFloat64);
  auto g = nabla::autograd::grad({y, h}, {x}, {v1, v2})[0];
  ASSERT_TRUE(g.defined());
  // d/dx (v1*x^2 - v2*x^2) = 2x (v1 - v2)
  EXPECT_DOUBLE_EQ(g[0].item<double>(), 2 * 1.5 * 0.75);
  EXPECT_DOUBLE_EQ(g[1].item<double>(), 2 * -2.0 * 0.5);
}
