// BatchNorm / LayerNorm / GroupNorm / Dropout2d / Unflatten / ModuleDict: state-dict keys, printing, modes, errors,
// and float64 gradcheck of the functional forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

namespace F = nn::functional;

std::string repr(const nn::Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

std::vector<std::string> keys_of(const OrderedDict<std::string, Tensor>& d) { return d.keys(); }

TEST(NormModule, BatchNormStateDictKeysAndBuffers) {
  nn::Sequential net(nn::Linear(3, 4), nn::BatchNorm1d(4));
  EXPECT_EQ(keys_of(net->state_dict()),
            (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                      "1.num_batches_tracked"}));
  EXPECT_EQ(net->parameters().size(), 4u);
  nn::BatchNorm2d bn(nn::BatchNormOptions(5).affine(false).track_running_stats(false));
  EXPECT_TRUE(bn->state_dict().is_empty());
  EXPECT_FALSE(bn->weight.defined());
  nn::BatchNorm2d bn2(3);
  EXPECT_EQ(bn2->num_batches_tracked.dtype(), kInt64);
  EXPECT_EQ(bn2->num_batches_tracked.dim(), 0);
  expect_close(bn2->running_var, {1, 1, 1});
  expect_close(bn2->weight, {1, 1, 1});
  expect_close(bn2->bias, {0, 0, 0});
  // A state dict round trip restores the running statistics.
  bn2->forward(randn({2, 3, 2, 2}) * 3.0 + 1.0);
  nn::BatchNorm2d bn3(3);
  bn3->load_state_dict(bn2->state_dict());
  expect_close(bn3->running_mean, values(bn2->running_mean), 0);
  EXPECT_EQ(bn3->num_batches_tracked.item<int64_t>(), 1);
}

TEST(NormModule, Printing) {
  EXPECT_EQ(repr(*nn::BatchNorm2d(8)), "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  EXPECT_EQ(repr(*nn::BatchNorm1d(nn::BatchNormOptions(4).momentum(std::nullopt).affine(false))),
            "BatchNorm1d(4, eps=1e-05, momentum=None, affine=false, track_running_stats=true)");
  EXPECT_EQ(repr(*nn::LayerNorm(std::vector<int64_t>{6})), "LayerNorm((6,), eps=1e-05, elementwise_affine=true)");
  EXPECT_EQ(repr(*nn::LayerNorm(nn::LayerNormOptions({2, 3}).eps(1e-3))),
            "LayerNorm((2, 3), eps=0.001, elementwise_affine=true)");
  EXPECT_EQ(repr(*nn::GroupNorm(2, 6)), "GroupNorm(2, 6, eps=1e-05, affine=true)");
  EXPECT_EQ(repr(*nn::Embedding(7, 2)), "Embedding(7, 2)");
  EXPECT_EQ(repr(*nn::Dropout2d(0.25)), "Dropout2d(p=0.25, inplace=false)");
  EXPECT_EQ(repr(*nn::Unflatten(1, std::vector<int64_t>{2, 3})), "Unflatten(dim=1, unflattened_size=(2, 3))");
  EXPECT_EQ(repr(*nn::Embedding(nn::EmbeddingOptions(10, 3).padding_idx(0))),
            "Embedding(10, 3, padding_idx=0)");
}

TEST(NormModule, BatchNormEvalUsesRunningStatsAndNoStatsUsesBatch) {
  nn::BatchNorm1d bn(2);
  {
    NoGradGuard g;
    bn->running_mean.copy_(tensor({1.0, -1.0}));
    bn->running_var.copy_(tensor({4.0, 0.25}));
  }
  bn->eval();
  Tensor x = tensor({{3.0, 0.0}, {1.0, -1.0}});
  Tensor y = bn(x);
  const double e = 1e-5;
  expect_close(y, {2 / std::sqrt(4 + e), 1 / std::sqrt(0.25 + e), 0, 0}, 1e-6);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 0);  // eval leaves the buffers alone
  expect_close(bn->running_mean, {1, -1});
  // Without running stats, eval still normalises with the batch.
  nn::BatchNorm1d nb(nn::BatchNormOptions(2).track_running_stats(false));
  nb->eval();
  Tensor z = nb(x);
  expect_close(z.mean({0}), {0, 0}, 1e-6);
}

TEST(NormModule, Errors) {
  nn::BatchNorm2d bn(3);
  EXPECT_NE(error_of([&] { bn(randn({2, 3, 4})); }).find("BatchNorm2d: expected 4D"), std::string::npos);
  EXPECT_NE(error_of([&] { bn(randn({2, 4, 3, 3})); }).find("[2, 4, 3, 3]"), std::string::npos);
  nn::BatchNorm1d b1(4);
  EXPECT_NE(error_of([&] { b1(randn({1, 4})); }).find("more than 1 value per channel"), std::string::npos);
  EXPECT_NE(error_of([&] { b1(randn({2, 3, 4, 5})); }).find("BatchNorm1d"), std::string::npos);
  nn::LayerNorm ln(std::vector<int64_t>{5});
  EXPECT_NE(error_of([&] { ln(randn({2, 4})); }).find("layer_norm: input of shape [2, 4]"), std::string::npos);
  EXPECT_NE(error_of([] { nn::GroupNorm(4, 6); }).find("divisible"), std::string::npos);
  EXPECT_NE(error_of([] { F::group_norm(randn({2, 6, 3}), F::GroupNormFuncOptions(4)); }).find("group_norm"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              F::batch_norm(randn({2, 3}), Tensor(), Tensor(), F::BatchNormFuncOptions().training(false));
            }).find("batch_norm"),
            std::string::npos);
  EXPECT_NE(error_of([] { F::dropout2d(randn({2, 3})); }).find("dropout2d"), std::string::npos);
  EXPECT_NE(error_of([] { nn::Unflatten(1, std::vector<int64_t>{4, 2})(randn({2, 6})); }).find("Unflatten"),
            std::string::npos);
}

TEST(NormModule, Dropout2dZeroesWholeChannels) {
  manual_seed(3);
  nn::Dropout2d d(0.5);
  Tensor x = ones({4, 8, 3, 3}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  Tensor y = d(x);
  Tensor per_channel = y.detach().reshape({32, 9});
  int zeroed = 0;
  for (int64_t i = 0; i < 32; ++i) {
    auto v = values(per_channel[i]);
    const bool all0 = std::all_of(v.begin(), v.end(), [](double a) { return a == 0; });
    const bool all2 = std::all_of(v.begin(), v.end(), [](double a) { return a == 2; });
    EXPECT_TRUE(all0 || all2) << "channel " << i;
    zeroed += all0;
  }
  EXPECT_GT(zeroed, 4);
  EXPECT_LT(zeroed, 28);
  y.sum().backward();
  expect_close(x.grad(), values(y));  // gradient is the mask
  d->eval();
  EXPECT_TRUE(d(x).is_same(x));
}

TEST(NormModule, UnflattenAndModuleDict) {
  Tensor x = iota({2, 12});
  EXPECT_EQ(nn::Unflatten(1, std::vector<int64_t>{3, -1})(x).sizes().vec(), (Shape{2, 3, 4}));
  EXPECT_EQ(nn::Unflatten(-1, std::vector<int64_t>{2, 2, 3})(x).sizes().vec(), (Shape{2, 2, 2, 3}));

  nn::ModuleDict dict;
  dict->insert("conv_like", nn::Linear(2, 3));
  dict->insert("bn", nn::BatchNorm1d(3));
  dict->insert("act", nn::ReLU());
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"conv_like", "bn", "act"}));
  EXPECT_EQ(keys_of(dict->state_dict()),
            (std::vector<std::string>{"conv_like.weight", "conv_like.bias", "bn.weight", "bn.bias", "bn.running_mean",
                                      "bn.running_var", "bn.num_batches_tracked"}));
  EXPECT_TRUE(dict->contains("bn"));
  EXPECT_EQ(dict->at<nn::LinearImpl>("conv_like")->options.out_features(), 3);
  EXPECT_NE(error_of([&] { dict->at<nn::LinearImpl>("bn"); }).find("not of the requested type"), std::string::npos);
  EXPECT_NE(error_of([&] { (*dict)["nope"]; }).find("nope"), std::string::npos);
  dict->insert("bn", nn::BatchNorm1d(5));  // replaces in place
  EXPECT_EQ(dict->keys(), (std::vector<std::string>{"conv_like", "bn", "act"}));
  EXPECT_EQ(dict->at<nn::BatchNorm1dImpl>("bn")->options.num_features(), 5);
  dict->pop("conv_like");
  EXPECT_EQ(dict->size(), 2u);
  EXPECT_EQ(dict->named_children().keys(), (std::vector<std::string>{"bn", "act"}));
  dict->train(false);
  EXPECT_FALSE(dict->at<nn::BatchNorm1dImpl>("bn")->is_training());
}

// ---- float64 gradcheck of the functional forms ----

TEST(NormGradcheck, BatchNormTrainingAndEval) {
  manual_seed(11);
  auto o = TensorOptions().dtype(kFloat64);
  Tensor x = randn({4, 3, 2}, o).requires_grad_(true);
  Tensor w = (randn({3}, o) + 1.0).requires_grad_(true);
  Tensor b = randn({3}, o).requires_grad_(true);
  EXPECT_TRUE(autograd::gradcheck(
      [](const autograd::tensor_list& in) {
        return autograd::tensor_list{F::batch_norm(in[0], Tensor(), Tensor(),
                                         F::BatchNormFuncOptions().weight(in[1]).bias(in[2]).training(true))};
      },
      {x, w, b}));
  Tensor rm = randn({3}, o), rv = rand({3}, o) + 0.5;
  EXPECT_TRUE(autograd::gradcheck(
      [&](const autograd::tensor_list& in) {
        return autograd::tensor_list{F::batch_norm(in[0], rm, rv, F::BatchNormFuncOptions().weight(in[1]).bias(in[2]))};
      },
      {x, w, b}));
}

TEST(NormGradcheck, LayerNormGroupNorm) {
  manual_seed(12);
  auto o = TensorOptions().dtype(kFloat64);
  Tensor x = randn({2, 3, 4}, o).requires_grad_(true);
  Tensor w = (randn({3, 4}, o) + 1.0).requires_grad_(true);
  Tensor b = randn({3, 4}, o).requires_grad_(true);
  EXPECT_TRUE(autograd::gradcheck(
      [](const autograd::tensor_list& in) {
        return autograd::tensor_list{F::layer_norm(in[0], F::LayerNormFuncOptions({3, 4}).weight(in[1]).bias(in[2]))};
      },
      {x, w, b}));
  Tensor x2 = randn({2, 4, 3}, o).requires_grad_(true);
  Tensor w2 = (randn({4}, o) + 1.0).requires_grad_(true);
  Tensor b2 = randn({4}, o).requires_grad_(true);
  EXPECT_TRUE(autograd::gradcheck(
      [](const autograd::tensor_list& in) {
        return autograd::tensor_list{F::group_norm(in[0], F::GroupNormFuncOptions(2).weight(in[1]).bias(in[2]))};
      },
      {x2, w2, b2}));
}

}  // namespace
}  // namespace nabla::testing
