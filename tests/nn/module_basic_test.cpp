// Module registration, naming, holders, train/eval, zero_grad, to(dtype) and printing.
#include <sstream>

#include "nabla/nn.h"
#include "test_util.h"

namespace nn = nabla::nn;
using nabla::testing::error_of;

namespace {

struct NetImpl : nn::Module {
  NetImpl() {
    fc1 = register_module("fc1", nn::Linear(2, 3));
    act = register_module("act", nn::ReLU());
    fc2 = register_module("fc2", nn::Linear(nn::LinearOptions(3, 1).bias(false)));
    scale = register_parameter("scale", nabla::ones({1}));
    steps = register_buffer("steps", nabla::zeros({1}, nabla::kInt64));
  }
  nabla::Tensor forward(const nabla::Tensor& x) { return fc2(act(fc1(x))) * scale; }
  nn::Linear fc1{nullptr};
  nn::ReLU act{nullptr};
  nn::Linear fc2{nullptr};
  nabla::Tensor scale, steps;
};
NABLA_MODULE(Net);

std::string str(const nn::Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

}  // namespace

TEST(ModuleRegistration, NestedNamesInOrder) {
  Net net;
  auto named = net->named_parameters();
  std::vector<std::string> want = {"scale", "fc1.weight", "fc1.bias", "fc2.weight"};
  EXPECT_EQ(named.keys(), want);
  EXPECT_EQ(net->parameters().size(), 4u);
  EXPECT_EQ(net->parameters(/*recurse=*/false).size(), 1u);
  EXPECT_TRUE(named["fc1.weight"].is_same(net->fc1->weight));
  EXPECT_EQ(named["fc1.weight"].sizes().vec(), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(named["fc1.weight"].requires_grad());
  std::vector<std::string> keys;
  for (const auto& item : named) keys.push_back(item.key() + ":" + std::to_string(item.value().dim()));
  EXPECT_EQ(keys, (std::vector<std::string>{"scale:1", "fc1.weight:2", "fc1.bias:1", "fc2.weight:2"}));
  EXPECT_EQ(net->named_buffers().keys(), std::vector<std::string>{"steps"});
  EXPECT_EQ(net->buffers().size(), 1u);
  EXPECT_FALSE(net->buffers()[0].requires_grad());
  EXPECT_EQ(net->named_children().keys(), (std::vector<std::string>{"fc1", "act", "fc2"}));
  EXPECT_EQ(net->children().size(), 3u);
  auto mods = net->named_modules();
  EXPECT_EQ(mods.keys(), (std::vector<std::string>{"", "fc1", "act", "fc2"}));
  EXPECT_EQ(net->modules().size(), 4u);
  EXPECT_EQ(net->modules(false).size(), 3u);
  EXPECT_EQ(net->name(), "Net");
  EXPECT_EQ(net->fc1->name(), "Linear");
}

TEST(ModuleRegistration, SequentialNamesChildrenByIndex) {
  nn::Sequential seq(nn::Linear(2, 3), nn::ReLU(), nn::Linear(3, 1));
  EXPECT_EQ(seq->size(), 3u);
  EXPECT_EQ(seq->named_parameters().keys(), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(seq->ptr<nn::LinearImpl>(2)->weight.sizes().vec(), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(seq[1]->name(), "ReLU");
  EXPECT_NE(error_of([&] { seq->ptr<nn::LinearImpl>(1); }).find("not of the requested type"), std::string::npos);
  EXPECT_NE(error_of([&] { seq[7]; }).find("Sequential: index 7 is out of range"), std::string::npos);
  nabla::Tensor y = seq(nabla::ones({4, 2}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{4, 1}));
  // Nested containers get dotted keys.
  nn::Sequential outer;
  outer->push_back(seq);
  outer->push_back(nn::Linear(1, 2));
  EXPECT_EQ(outer->named_parameters().keys(),
            (std::vector<std::string>{"0.0.weight", "0.0.bias", "0.2.weight", "0.2.bias", "1.weight", "1.bias"}));
  nn::ModuleList list;
  list->push_back(nn::Linear(1, 1));
  list->push_back(nn::Tanh());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(list->named_parameters().keys(), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_EQ(str(*list), "ModuleList(\n  (0): Linear(in_features=1, out_features=1, bias=true)\n  (1): Tanh()\n)");
}

TEST(ModuleRegistration, Errors) {
  nn::Module m;
  m.register_parameter("w", nabla::ones({2}));
  EXPECT_NE(error_of([&] { m.register_parameter("w", nabla::ones({2})); }).find("register_parameter: parameter 'w' is already registered"),
            std::string::npos);
  EXPECT_NE(error_of([&] { m.register_parameter("a.b", nabla::ones({2})); }).find("must not contain a dot"),
            std::string::npos);
  EXPECT_NE(error_of([&] { m.register_buffer("w", nabla::ones({2})); }).find("register_buffer: 'w' is already"),
            std::string::npos);
  EXPECT_NE(error_of([&] { m.register_module("x", nn::Linear(nullptr)); }).find("register_module: submodule 'x' is null"),
            std::string::npos);
  EXPECT_NE(error_of([&] { m.register_parameter("i", nabla::ones({2}, nabla::kInt64)); }).find("only floating-point"),
            std::string::npos);
  nn::Linear empty{nullptr};
  EXPECT_NE(error_of([&] { empty->weight; }).find("empty module holder"), std::string::npos);
  EXPECT_NE(error_of([&] { m.modules(); }).find("not owned by a std::shared_ptr"), std::string::npos);
  EXPECT_NE(error_of([&] { nn::Linear(2, 3)(nabla::ones({4, 5})); }).find("Linear: expected input with last dim 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] { nn::Dropout(1.5); }).find("Dropout: dropout probability"), std::string::npos);
  EXPECT_NE(error_of([&] { nn::Sequential()(nabla::ones({1})); }).find("empty Sequential"), std::string::npos);
}

TEST(ModuleHolder, CopiesShareTheModule) {
  nn::Linear a(2, 2);
  nn::Linear b = a;
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a.ptr().use_count(), 2);
  {
    nabla::NoGradGuard g;
    b->weight.fill_(7.0);
  }
  EXPECT_EQ(a->weight.sum().item<double>(), 28.0);
  nn::Linear c = std::make_shared<nn::LinearImpl>(3, 4);
  EXPECT_EQ(c->options.out_features(), 4);
  Net net;
  Net alias = net;
  alias->eval();
  EXPECT_FALSE(net->is_training());
  EXPECT_TRUE(nn::Linear(nullptr).is_empty());
  EXPECT_FALSE(a.is_empty());
}

TEST(ModuleTrainEval, PropagatesToChildren) {
  nn::Sequential seq(nn::Linear(2, 3), nn::Dropout(0.5), nn::Sequential(nn::ReLU(), nn::Dropout(0.2)));
  EXPECT_TRUE(seq->is_training());
  seq->eval();
  for (const auto& m : seq->modules()) EXPECT_FALSE(m->is_training()) << m->name();
  seq->train();
  for (const auto& m : seq->modules()) EXPECT_TRUE(m->is_training()) << m->name();
  seq->train(false);
  EXPECT_FALSE(seq[2]->children()[1]->is_training());
  // Dropout is the identity in eval mode and zeroes about p of the elements in training mode.
  nn::Dropout d(0.5);
  nabla::manual_seed(0);
  nabla::Tensor x = nabla::ones({10000});
  nabla::Tensor y = d(x);
  double zeros = (y == 0.0).to(nabla::kFloat64).sum().item<double>();
  EXPECT_NEAR(zeros / 10000, 0.5, 0.03);
  EXPECT_NEAR(y.max().item<double>(), 2.0, 1e-6);
  d->eval();
  EXPECT_EQ((d(x) == 1.0).all().item<bool>(), true);
}

TEST(ModuleZeroGrad, DropsOrZeroesGradients) {
  nn::Linear lin(2, 1);
  lin(nabla::ones({3, 2})).sum().backward();
  ASSERT_TRUE(lin->weight.grad().defined());
  lin->zero_grad(/*set_to_none=*/false);
  ASSERT_TRUE(lin->weight.grad().defined());
  EXPECT_EQ(lin->weight.grad().abs().sum().item<double>(), 0.0);
  lin->zero_grad();
  EXPECT_FALSE(lin->weight.grad().defined());
  EXPECT_FALSE(lin->bias.grad().defined());
}

TEST(ModuleTo, ConvertsParametersInPlace) {
  nn::Linear lin(2, 3);
  nabla::Tensor w = lin->weight;
  double before = lin->weight.sum().item<double>();
  lin->to(nabla::kFloat64);
  EXPECT_EQ(w.dtype(), nabla::kFloat64);  // same Tensor object, so an optimizer holding it sees the change
  EXPECT_EQ(lin->bias.dtype(), nabla::kFloat64);
  EXPECT_NEAR(lin->weight.sum().item<double>(), before, 1e-6);
  EXPECT_TRUE(lin->weight.requires_grad());
  nabla::Tensor y = lin(nabla::ones({1, 2}, nabla::kFloat64));
  EXPECT_EQ(y.dtype(), nabla::kFloat64);
  y.sum().backward();
  EXPECT_EQ(w.grad().dtype(), nabla::kFloat64);
  EXPECT_NE(error_of([&] { lin->to(nabla::kInt64); }).find("only accepts floating point"), std::string::npos);
}

TEST(ModulePrint, MatchesPyTorchRepr) {
  nn::Sequential seq(nn::Linear(2, 3), nn::ReLU());
  EXPECT_EQ(str(*seq), "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=true)\n  (1): ReLU()\n)");
  std::ostringstream os;
  os << seq;  // holders print too
  EXPECT_EQ(os.str(), str(*seq));
  Net net;
  EXPECT_EQ(str(*net),
            "Net(\n"
            "  (fc1): Linear(in_features=2, out_features=3, bias=true)\n"
            "  (act): ReLU()\n"
            "  (fc2): Linear(in_features=3, out_features=1, bias=false)\n"
            ")");
  nn::Sequential nested(nn::Flatten(), nn::Sequential(nn::Linear(4, 2), nn::Dropout(0.25)), nn::Identity());
  EXPECT_EQ(str(*nested),
            "Sequential(\n"
            "  (0): Flatten(start_dim=1, end_dim=-1)\n"
            "  (1): Sequential(\n"
            "    (0): Linear(in_features=4, out_features=2, bias=true)\n"
            "    (1): Dropout(p=0.25, inplace=false)\n"
            "  )\n"
            "  (2): Identity()\n"
            ")");
  EXPECT_EQ(str(*nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))), "LeakyReLU(negative_slope=0.2)");
  EXPECT_EQ(str(*nn::ELU()), "ELU(alpha=1)");
  EXPECT_EQ(str(*nn::GELU(nn::GELUOptions().approximate("tanh"))), "GELU(approximate='tanh')");
  EXPECT_EQ(str(*nn::Softplus()), "Softplus(beta=1, threshold=20)");
  EXPECT_EQ(str(*nn::Softmax(1)), "Softmax(dim=1)");
  EXPECT_EQ(str(*nn::LogSoftmax(-1)), "LogSoftmax(dim=-1)");
  EXPECT_EQ(str(*nn::SiLU()), "SiLU()");
  EXPECT_EQ(str(*nn::Sigmoid()), "Sigmoid()");
}

TEST(ModuleRegistration, SharedParametersListedOnceNamedPushBack) {
  nn::Linear shared(2, 2);
  nn::Sequential seq;
  seq->push_back("encoder", shared);
  seq->push_back("act", nn::Tanh());
  seq->push_back("decoder", shared);  // the same module twice (tied weights)
  EXPECT_EQ(seq->size(), 3u);
  EXPECT_EQ(seq->named_parameters().keys(), (std::vector<std::string>{"encoder.weight", "encoder.bias"}));
  EXPECT_EQ(seq->parameters().size(), 2u);
  EXPECT_EQ(seq->modules().size(), 3u);  // seq, encoder, act
  // state_dict keeps every name, as PyTorch's does.
  EXPECT_EQ(seq->state_dict().keys(),
            (std::vector<std::string>{"encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"}));
  EXPECT_EQ(str(*seq),
            "Sequential(\n"
            "  (encoder): Linear(in_features=2, out_features=2, bias=true)\n"
            "  (act): Tanh()\n"
            "  (decoder): Linear(in_features=2, out_features=2, bias=true)\n"
            ")");
  nabla::Tensor y = seq(nabla::ones({1, 2}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{1, 2}));
  EXPECT_NE(error_of([&] { seq->push_back("act", nn::ReLU()); }).find("submodule 'act' is already registered"),
            std::string::npos);
}

TEST(ModuleApply, VisitsEveryModuleDepthFirst) {
  Net net;
  std::vector<std::string> seen;
  net->apply([&](const std::string& name, nn::Module& m) { seen.push_back(name + "=" + m.name()); });
  EXPECT_EQ(seen, (std::vector<std::string>{"=Net", "fc1=Linear", "act=ReLU", "fc2=Linear"}));
  // Custom initialisation through apply.
  net->apply([](nn::Module& m) {
    if (auto* lin = dynamic_cast<nn::LinearImpl*>(&m)) nabla::nn::init::ones_(lin->weight);
  });
  EXPECT_EQ(net->fc2->weight.sum().item<double>(), 3.0);
  EXPECT_TRUE(net->fc2->weight.is_leaf());
}

TEST(ModuleRegistration, NonLeafParameterIsAnError) {
  nn::Module m;
  nabla::Tensor w = nabla::ones({2}).requires_grad_();
  std::string msg = error_of([&] { m.register_parameter("w2", w * 2); });
  EXPECT_NE(msg.find("register_parameter: parameter 'w2' is not a leaf"), std::string::npos) << msg;
  m.register_parameter("w2", (w * 2).detach());
  EXPECT_TRUE(m.named_parameters()["w2"].requires_grad());
  m.register_parameter("frozen", nabla::ones({2}), /*requires_grad=*/false);
  EXPECT_FALSE(m.named_parameters()["frozen"].requires_grad());
}
