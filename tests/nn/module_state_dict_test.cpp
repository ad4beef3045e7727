// state_dict keys and order, round trips, strict and non-strict loading with their error messages.
#include "nabla/nn.h"
#include "test_util.h"

namespace nn = nabla::nn;
using nabla::testing::error_of;
using nabla::testing::values;

namespace {
struct BlockImpl : nn::Module {
  BlockImpl() {
    fc = register_module("fc", nn::Linear(2, 2));
    register_buffer("running_mean", nabla::zeros({2}));
    register_parameter("gamma", nabla::ones({2}));
  }
  nabla::Tensor forward(const nabla::Tensor& x) { return fc(x); }
  nn::Linear fc{nullptr};
};
NABLA_MODULE(Block);

nn::Sequential make_model() { return nn::Sequential(nn::Linear(2, 3), nn::ReLU(), Block()); }
}  // namespace

TEST(ModuleStateDict, KeysInPyTorchOrder) {
  auto sd = make_model()->state_dict();
  // Per module: own parameters, then own buffers, then children (PyTorch's state_dict order).
  std::vector<std::string> want = {"0.weight", "0.bias", "2.gamma", "2.running_mean", "2.fc.weight", "2.fc.bias"};
  EXPECT_EQ(sd.keys(), want);
  EXPECT_NE(error_of([&] { sd["nope"]; }).find("'nope' is not defined"), std::string::npos);
}

TEST(ModuleStateDict, RoundTripCopiesValues) {
  nabla::manual_seed(3);
  auto a = make_model();
  auto b = make_model();
  {
    nabla::NoGradGuard g;
    a->state_dict()["2.running_mean"].fill_(4.0);
  }
  EXPECT_NE(values(a->state_dict()["0.weight"]), values(b->state_dict()["0.weight"]));
  nabla::Tensor b_weight = b->ptr<nn::LinearImpl>(0)->weight;
  b->load_state_dict(a->state_dict());
  for (const auto& item : a->state_dict()) EXPECT_EQ(values(b->state_dict()[item.key()]), values(item.value())) << item.key();
  // Copied into the existing tensors (not rebound), which still require grad and share nothing with the source.
  EXPECT_TRUE(b_weight.is_same(b->ptr<nn::LinearImpl>(0)->weight));
  EXPECT_TRUE(b_weight.requires_grad());
  EXPECT_TRUE(b_weight.is_leaf());
  EXPECT_FALSE(b_weight.is_alias_of(a->ptr<nn::LinearImpl>(0)->weight));
  EXPECT_EQ(values(b->named_buffers()["2.running_mean"]), (std::vector<double>{4.0, 4.0}));
}

TEST(ModuleStateDict, StrictErrorsListMissingUnexpectedAndShapes) {
  auto model = make_model();
  auto sd = model->state_dict();
  nabla::OrderedDict<std::string, nabla::Tensor> partial;
  partial.insert("0.weight", nabla::zeros({3, 2}));
  partial.insert("0.bias", nabla::zeros({4}));      // wrong shape
  partial.insert("extra.weight", nabla::zeros({1}));  // unexpected
  std::string msg = error_of([&] { model->load_state_dict(partial); });
  EXPECT_NE(msg.find("load_state_dict: error(s) in loading state_dict for Sequential"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Missing key(s) in state_dict: \"2.gamma\", \"2.running_mean\", \"2.fc.weight\", \"2.fc.bias\"."),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("Unexpected key(s) in state_dict: \"extra.weight\"."), std::string::npos) << msg;
  EXPECT_NE(msg.find("size mismatch for 0.bias: copying a param with shape [4], the shape in current model is [3]"),
            std::string::npos)
      << msg;
  // Nothing was copied when loading failed.
  EXPECT_EQ(values(model->state_dict()["0.weight"]), values(sd["0.weight"]));

  // Non-strict: missing and unexpected keys are ignored, shape mismatches are still errors.
  std::string loose = error_of([&] { model->load_state_dict(partial, /*strict=*/false); });
  EXPECT_EQ(loose.find("Missing"), std::string::npos) << loose;
  EXPECT_NE(loose.find("size mismatch for 0.bias"), std::string::npos) << loose;
  partial.erase("0.bias");
  model->load_state_dict(partial, /*strict=*/false);
  EXPECT_EQ(values(model->state_dict()["0.weight"]), std::vector<double>(6, 0.0));
  EXPECT_EQ(values(model->state_dict()["0.bias"]), values(sd["0.bias"]));
}

TEST(ModuleStateDict, OrderedDictBasics) {
  nabla::OrderedDict<std::string, int> d;
  d.insert("b", 1);
  d.insert("a", 2);
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(d.values(), (std::vector<int>{1, 2}));
  EXPECT_EQ(d["a"], 2);
  EXPECT_EQ(d[size_t{0}].key(), "b");
  EXPECT_TRUE(d.contains("a"));
  EXPECT_EQ(d.find("zz"), nullptr);
  EXPECT_NE(error_of([&] { d.insert("a", 3); }).find("'a' already defined"), std::string::npos);
  d.erase("b");
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d["a"], 2);
}
