// Module forward hooks (PyTorch's register_forward_pre_hook / register_forward_hook): values they change, the
// order they fire in through a holder and inside a Sequential, removal (also from inside a hook), and the direct
// ->forward() call that bypasses them.
#include <string>
#include <vector>

#include "nabla/nn.h"
#include "test_util.h"

namespace {

namespace nn = nabla::nn;
using nabla::Tensor;
using nabla::testing::expect_close;
using nabla::testing::f64;

// Linear(3, 2) in float64 with W = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], b = [0.01, -0.02].
nn::Linear fixed_linear() {
  nn::Linear lin(3, 2);
  lin->to(nabla::kFloat64);
  nabla::NoGradGuard g;
  lin->weight.copy_(f64({{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}}));
  lin->bias.copy_(f64({0.01, -0.02}));
  return lin;
}

TEST(ModuleHooks, PreHookDoublingInputGivesLinearOfTwiceX) {
  nn::Linear lin = fixed_linear();
  Tensor x = f64({{1.0, 2.0, 3.0}, {-1.0, 0.5, 2.0}}).requires_grad_();
  expect_close(lin(x), {0.61, -0.42, 0.41, -1.37}, 1e-12);  // W x + b (module_linear_test's numbers)
  int calls = 0;
  auto h = lin->register_forward_pre_hook([&](nn::Module& m, const Tensor& input) -> Tensor {
    ++calls;
    EXPECT_EQ(&m, lin.get());
    return input * 2.0;
  });
  Tensor y = lin(x);
  // W (2x) + b: row 0 = 2 * (0.6, -0.4) + b = (1.21, -0.82); row 1 = 2 * (0.4, -1.35) + b = (0.81, -2.72).
  expect_close(y, {1.21, -0.82, 0.81, -2.72}, 1e-12);
  EXPECT_EQ(calls, 1);
  // The doubled input is part of the graph: dL/dx = 2 W^T g with g = ones.
  y.sum().backward();
  expect_close(x.grad(), {1.0, 0.6, -0.6, 1.0, 0.6, -0.6}, 1e-12);
  h.remove();
  expect_close(lin(x), {0.61, -0.42, 0.41, -1.37}, 1e-12);
  EXPECT_EQ(calls, 1);
}

TEST(ModuleHooks, ForwardHookReplacesOutputAndSeesTheHookedInput) {
  nn::Linear lin = fixed_linear();
  Tensor x = f64({{1.0, 2.0, 3.0}});
  std::vector<double> seen_input, seen_output;
  lin->register_forward_pre_hook([](nn::Module&, const Tensor& input) { return input + 1.0; });
  lin->register_forward_hook([&](nn::Module&, const Tensor& input, const Tensor& output) -> Tensor {
    seen_input = nabla::testing::values(input);
    seen_output = nabla::testing::values(output);
    return output * 10.0;
  });
  Tensor y = lin(x);
  // forward saw x + 1 = (2, 3, 4): W (2, 3, 4) + b = (0.8, -0.1) + (0.01, -0.02).
  EXPECT_EQ(seen_input, (std::vector<double>{2.0, 3.0, 4.0}));
  nabla::testing::expect_near(seen_output, {0.81, -0.12}, 1e-12);
  expect_close(y, {8.1, -1.2}, 1e-12);
}

TEST(ModuleHooks, UndefinedOrVoidResultKeepsTheValue) {
  nn::Linear lin = fixed_linear();
  Tensor x = f64({{1.0, 2.0, 3.0}});
  int observed = 0;
  lin->register_forward_pre_hook([](nn::Module&, const Tensor&) { return Tensor(); });
  lin->register_forward_pre_hook([&](nn::Module&, const Tensor&) { ++observed; });  // void: observes only
  lin->register_forward_hook([](nn::Module&, const Tensor&, const Tensor&) { return Tensor(); });
  lin->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) { ++observed; });
  expect_close(lin(x), {0.61, -0.42}, 1e-12);
  EXPECT_EQ(observed, 2);
}

TEST(ModuleHooks, PreHooksChainInRegistrationOrder) {
  nn::Linear lin = fixed_linear();
  lin->register_forward_pre_hook([](nn::Module&, const Tensor& x) { return x * 2.0; });
  lin->register_forward_pre_hook([](nn::Module&, const Tensor& x) { return x + 1.0; });
  // forward sees 2 x + 1 = (3, 5, 7): W (3, 5, 7) + b = (1.4, -0.5) + (0.01, -0.02).
  expect_close(lin(f64({{1.0, 2.0, 3.0}})), {1.41, -0.52}, 1e-12);
}

// Records "<name> pre" / "<name> post" for a module.
void trace(nn::Module& m, const std::string& name, std::vector<std::string>& log) {
  m.register_forward_pre_hook([&log, name](nn::Module&, const Tensor&) { log.push_back(name + " pre"); });
  m.register_forward_hook([&log, name](nn::Module&, const Tensor&, const Tensor&) { log.push_back(name + " post"); });
}

TEST(ModuleHooks, SequentialRunsEachChildsHooksInOrder) {
  nn::Sequential seq(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2));
  std::vector<std::string> log;
  trace(*seq, "seq", log);
  for (size_t i = 0; i < seq->size(); ++i) trace(*seq[i], std::to_string(i), log);
  Tensor x = nabla::randn({5, 3});
  Tensor y = seq(x);
  EXPECT_EQ(log,
            (std::vector<std::string>{"seq pre", "0 pre", "0 post", "1 pre", "1 post", "2 pre", "2 post", "seq post"}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{5, 2}));
  // seq->forward bypasses the Sequential's own hooks, but it calls each child as model(x) does: theirs fire.
  log.clear();
  seq->forward(x);
  EXPECT_EQ(log, (std::vector<std::string>{"0 pre", "0 post", "1 pre", "1 post", "2 pre", "2 post"}));
}

TEST(ModuleHooks, HookOnALayerInsideSequentialChangesTheResult) {
  nn::Linear lin = fixed_linear();
  nn::Sequential seq(lin, nn::ReLU());
  Tensor x = f64({{1.0, 2.0, 3.0}});
  expect_close(seq(x), {0.61, 0.0}, 1e-12);
  auto h = lin->register_forward_hook([](nn::Module&, const Tensor&, const Tensor& out) { return -out; });
  expect_close(seq(x), {0.0, 0.42}, 1e-12);  // relu(-(0.61, -0.42))
  h.remove();
  expect_close(seq(x), {0.61, 0.0}, 1e-12);
}

TEST(ModuleHooks, HooksFireForSubmodulesCalledThroughTheirHolders) {
  struct NetImpl : nn::Module {
    NetImpl() { fc = register_module("fc", fixed_linear()); }
    Tensor forward(const Tensor& x) { return fc(x) * 3.0; }
    nn::Linear fc{nullptr};
  };
  auto net = std::make_shared<NetImpl>();
  nn::ModuleHolder<NetImpl> holder(net);
  net->fc->register_forward_pre_hook([](nn::Module&, const Tensor& x) { return x * 2.0; });
  expect_close(holder(f64({{1.0, 2.0, 3.0}})), {3.63, -2.46}, 1e-12);  // 3 (W 2x + b)
}

TEST(ModuleHooks, DirectForwardBypassesHooks) {
  nn::Linear lin = fixed_linear();
  int calls = 0;
  lin->register_forward_pre_hook([&](nn::Module&, const Tensor& x) {
    ++calls;
    return x * 2.0;
  });
  lin->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor& out) {
    ++calls;
    return out * 0.0;
  });
  expect_close(lin->forward(f64({{1.0, 2.0, 3.0}})), {0.61, -0.42}, 1e-12);
  EXPECT_EQ(calls, 0);
  expect_close(lin(f64({{1.0, 2.0, 3.0}})), {0.0, 0.0}, 1e-12);
  EXPECT_EQ(calls, 2);
}

TEST(ModuleHooks, RemoveIsIdempotentAndOutlivesTheModule) {
  nabla::RemovableHandle h1, h2;
  int calls = 0;
  {
    nn::Linear lin(2, 2);
    h1 = lin->register_forward_pre_hook([&](nn::Module&, const Tensor&) { ++calls; });
    h2 = lin->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) { ++calls; });
    EXPECT_NE(h1.id(), h2.id());
    lin(nabla::randn({1, 2}));
    EXPECT_EQ(calls, 2);
    h1.remove();
    h1.remove();
    lin(nabla::randn({1, 2}));
    EXPECT_EQ(calls, 3);
  }
  h2.remove();  // the module is gone: nothing to do, no crash
  nn::RemovableHandle empty;
  empty.remove();
}

TEST(ModuleHooks, RemovingOrAddingDuringAHookCallAppliesFromTheNextCall) {
  nn::Linear lin(2, 2);
  std::vector<std::string> log;
  nn::RemovableHandle self, later;
  self = lin->register_forward_pre_hook([&](nn::Module&, const Tensor&) {
    log.push_back("self");
    self.remove();   // removes itself while the list runs
    later.remove();  // and a hook after it: like PyTorch, this call still runs it
    lin->register_forward_pre_hook([&](nn::Module&, const Tensor&) { log.push_back("added"); });
  });
  later = lin->register_forward_pre_hook([&](nn::Module&, const Tensor&) { log.push_back("later"); });
  lin->register_forward_pre_hook([&](nn::Module&, const Tensor&) { log.push_back("kept"); });
  lin(nabla::randn({1, 2}));
  EXPECT_EQ(log, (std::vector<std::string>{"self", "later", "kept"}));
  log.clear();
  lin(nabla::randn({1, 2}));
  EXPECT_EQ(log, (std::vector<std::string>{"kept", "added"}));
}

TEST(ModuleHooks, ACopiedModuleKeepsItsOwnHooks) {
  nn::LinearImpl impl(2, 2);
  int calls = 0;
  auto h = impl.register_forward_hook([&](nn::Module&, const Tensor&, const Tensor&) { ++calls; });
  nn::Sequential seq(impl);  // copies impl, with its hooks (as copy.deepcopy)
  seq(nabla::randn({1, 2}));
  EXPECT_EQ(calls, 1);
  h.remove();  // removes the original's hook only
  seq(nabla::randn({1, 2}));
  EXPECT_EQ(calls, 2);
}

TEST(ModuleHooks, OtherForwardSignaturesCallForwardWithoutHooks) {
  // Bilinear's forward takes two tensors: model(a, b) calls forward directly (documented), so hooks do not run.
  nn::Bilinear bil(2, 3, 1);
  int calls = 0;
  bil->register_forward_pre_hook([&](nn::Module&, const Tensor&) { ++calls; });
  Tensor a = nabla::randn({4, 2}), b = nabla::randn({4, 3});
  expect_close(bil(a, b), nabla::testing::values(bil->forward(a, b)), 0.0);
  EXPECT_EQ(calls, 0);
}

}  // namespace
