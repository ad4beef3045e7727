// ATen's positional functions in namespace nabla (nn/functional/aten.h) against the nn::functional forms they forward
// to (those are checked against PyTorch by the fixture tests): same values for the same arguments, given in ATen's
// order with its defaults, and errors for arguments ATen would refuse.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

namespace F = nn::functional;
using testing::expect_error;

void expect_same(const Tensor& got, const Tensor& want) {
  ASSERT_EQ(got.sizes().vec(), want.sizes().vec());
  EXPECT_TRUE(equal(got, want)) << "got " << got << "\nwant " << want;
}

TEST(AtenFunctions, LossesTakeAtensReductionSpellings) {
  manual_seed(3);
  const Tensor logits = randn({4, 5}), target = randint(0, 5, {4}), w = rand({5}) + 0.5;
  const Tensor logp = log_softmax(logits, 1);
  expect_same(nll_loss(logp, target), F::nll_loss(logp, target));
  expect_same(nll_loss(logp, target, {}, Reduction::Sum), F::nll_loss(logp, target, F::NLLLossFuncOptions().reduction(kSum)));
  expect_same(nll_loss(logp, target, w, kNone, 2),
              F::nll_loss(logp, target, F::NLLLossFuncOptions().weight(w).reduction(kNone).ignore_index(2)));
  expect_same(nll_loss(logp, target, Tensor(), 2), F::nll_loss(logp, target, F::NLLLossFuncOptions().reduction(kSum)));
  expect_same(cross_entropy_loss(logits, target, w, Reduction::Mean, -100, 0.1),
              F::cross_entropy(logits, target, F::CrossEntropyFuncOptions().weight(w).label_smoothing(0.1)));
  const Tensor a = randn({3, 2}), b = randn({3, 2});
  expect_same(mse_loss(a, b), F::mse_loss(a, b));
  expect_same(mse_loss(a, b, Reduction::None), F::mse_loss(a, b, kNone));
  expect_same(l1_loss(a, b, Reduction::Sum), F::l1_loss(a, b, kSum));
  expect_same(smooth_l1_loss(a, b, Reduction::Mean, 0.3), F::smooth_l1_loss(a, b, F::SmoothL1LossFuncOptions().beta(0.3)));
  expect_same(huber_loss(a, b, Reduction::Sum, 0.7), F::huber_loss(a, b, F::HuberLossFuncOptions(kSum).delta(0.7)));
  const Tensor p = sigmoid(a), y = rand({3, 2}), pw = tensor({2.0f, 0.5f});
  expect_same(binary_cross_entropy(p, y), F::binary_cross_entropy(p, y));
  expect_same(binary_cross_entropy_with_logits(a, y, {}, pw, Reduction::Sum),
              F::binary_cross_entropy_with_logits(a, y, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(pw).reduction(kSum)));
  expect_same(kl_div(log_softmax(a, 1), softmax(b, 1), Reduction::Sum),
              F::kl_div(log_softmax(a, 1), softmax(b, 1), F::KLDivFuncOptions(kSum)));
  int64_t as_int = Reduction::Sum;  // ATen's int64_t spelling
  EXPECT_EQ(as_int, 2);
  expect_error([&] { (void)mse_loss(a, b, 5); }, {"mse_loss", "reduction", "got 5"});
}

TEST(AtenFunctions, PoolingTakesOneOrTwoSizesAndAnEmptyStride) {
  manual_seed(4);
  const Tensor x = randn({2, 3, 7, 6});
  expect_same(max_pool2d(x, 2), F::max_pool2d(x, F::MaxPool2dFuncOptions(2)));
  expect_same(max_pool2d(x, {3, 2}, {2, 1}, 1, 1, true),
              F::max_pool2d(x, F::MaxPool2dFuncOptions({3, 2}).stride({2, 1}).padding(1).ceil_mode(true)));
  expect_same(avg_pool2d(x, 3, 2, 1, false, false),
              F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).stride(2).padding(1).count_include_pad(false)));
  expect_same(avg_pool2d(x, 2, {}, 0, false, true, 3), F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).divisor_override(3)));
  expect_same(adaptive_avg_pool2d(x, {3, 2}), F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({3, 2})));
  EXPECT_EQ(max_pool2d(x, 2).sizes().vec(), std::vector<int64_t>({2, 3, 3, 3}));
  expect_error([&] { (void)max_pool2d(x, {2, 2, 2}); }, {"max_pool2d", "kernel_size", "1 or 2 values, got 3"});
}

TEST(AtenFunctions, ConvolutionsKeepAtensArgumentOrder) {
  manual_seed(5);
  const Tensor x = randn({2, 4, 6, 5}), w = randn({6, 2, 3, 3}), b = randn({6});
  expect_same(conv2d(x, w, b, 1, 1, 1, 2), F::conv2d(x, w, F::Conv2dFuncOptions().bias(b).padding(1).groups(2)));
  const Tensor w2 = randn({3, 4, 2, 2});
  expect_same(conv2d(x, w2), F::conv2d(x, w2));
  expect_same(conv2d(x, w2, {}, {2, 1}, {0, 1}, 2), F::conv2d(x, w2, F::Conv2dFuncOptions().stride({2, 1}).padding({0, 1}).dilation(2)));
  const Tensor x1 = randn({2, 4, 9}), w1 = randn({3, 4, 3}), b1 = randn({3});
  expect_same(conv1d(x1, w1, b1, 2, 1), F::conv1d(x1, w1, F::Conv1dFuncOptions().bias(b1).stride(2).padding(1)));
  // conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation): output_padding
  // before groups, dilation last.
  const Tensor wt = randn({4, 3, 3, 3}), bt = randn({6});
  const Tensor y = conv_transpose2d(x, wt, bt, 2, 1, 1, 2, 1);
  expect_same(y, F::conv_transpose2d(x, wt, F::ConvTranspose2dFuncOptions().bias(bt).stride(2).padding(1).output_padding(1).groups(2)));
  EXPECT_EQ(y.sizes().vec(), std::vector<int64_t>({2, 6, 12, 10}));  // (H-1)*2 - 2 + 2 + 1 + 1
}

TEST(AtenFunctions, NormalisationEmbeddingLinear) {
  manual_seed(6);
  const Tensor x = randn({4, 3, 2, 2}), g = rand({3}), b = randn({3});
  Tensor m1 = zeros({3}), v1 = ones({3}), m2 = zeros({3}), v2 = ones({3});
  expect_same(batch_norm(x, g, b, m1, v1, true, 0.2, 1e-3, false),
              F::batch_norm(x, m2, v2, F::BatchNormFuncOptions().weight(g).bias(b).training(true).momentum(0.2).eps(1e-3)));
  expect_same(m1, m2);  // the running statistics moved the same way
  expect_same(batch_norm(x, {}, {}, m1, v1, false, 0.1, 1e-5, true), F::batch_norm(x, m2, v2));
  const Tensor z = randn({2, 3, 5}), lw = rand({5}), lb = randn({5});
  expect_same(layer_norm(z, {5}, lw, lb, 1e-4), F::layer_norm(z, F::LayerNormFuncOptions({5}).weight(lw).bias(lb).eps(1e-4)));
  expect_same(layer_norm(z, {3, 5}), F::layer_norm(z, F::LayerNormFuncOptions({3, 5})));
  // embedding(weight, indices): weight first.
  const Tensor table = randn({6, 4}, TensorOptions().requires_grad(true)), idx = tensor({{1, 5}, {1, 0}});
  const Tensor e = embedding(table, idx, 1);
  expect_same(e, F::embedding(idx, table));
  e.sum().backward();
  EXPECT_EQ(testing::values(table.grad().select(0, 1)), std::vector<double>({0, 0, 0, 0}));  // padding_idx: no grad
  EXPECT_EQ(testing::values(table.grad().select(0, 5)), std::vector<double>({1, 1, 1, 1}));
  expect_error([&] { (void)embedding(table, idx, -1, true); }, {"embedding", "scale_grad_by_freq"});
  const Tensor in = randn({3, 4}), lw2 = randn({2, 4}), lb2 = randn({2});
  expect_same(linear(in, lw2, lb2), F::linear(in, lw2, lb2));
  expect_same(linear(in, lw2), F::linear(in, lw2));
}

}  // namespace
}  // namespace nabla
