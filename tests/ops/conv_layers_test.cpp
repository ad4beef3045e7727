// conv1d (conv2d on a 1-row image), conv_transpose2d (conv2d's recorded input gradient) and bilinear (composed):
// hand-checked values, errors naming the op, and first- and second-order gradchecks. The conv cases are
// registered under the rows they run through, so GradcheckTable runs them with the rest of the table.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "ops/gradcheck_registry.h"
#include "test_util.h"

using namespace nabla;
using nabla::testing::error_of;
using nabla::testing::expect_close;
using nabla::testing::f64;
using nabla::testing::iota;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::Shape;
using nabla::testing::tensor_list;
namespace F = nabla::nn::functional;

NABLA_GRADCHECK_CASE(
    Conv2d, "conv1d stride 2, pad 1, dilation 2, groups 2, bias",
    [] {
      return tensor_list{rand64({2, 4, 9}), rand64({4, 2, 3}), rand64({4})};
    },
    [](const tensor_list& x) {
      return tensor_list{
          F::conv1d(x[0], x[1], F::Conv1dFuncOptions().bias(x[2]).stride(2).padding(1).dilation(2).groups(2))};
    });
NABLA_GRADCHECK_CASE(
    Conv2dBackwardInput, "conv_transpose2d stride 2, pad 1, output_padding 1, groups 2, bias",
    [] {
      return tensor_list{rand64({2, 4, 3, 2}), rand64({4, 1, 3, 2}), rand64({2})};
    },
    [](const tensor_list& x) {
      return tensor_list{F::conv_transpose2d(
          x[0], x[1], F::ConvTranspose2dFuncOptions().bias(x[2]).stride(2).padding(1).output_padding(1).groups(2))};
    });
NABLA_GRADCHECK_CASE(
    Conv2dBackwardInput, "conv_transpose2d output_padding 1 >= stride 1 (< dilation 2), non-contiguous",
    [] {
      return tensor_list{rand64_noncontiguous({1, 2, 3, 4}), rand64({2, 3, 2, 2})};
    },
    [](const tensor_list& x) {
      return tensor_list{F::conv_transpose2d(
          x[0], x[1], F::ConvTranspose2dFuncOptions().dilation(2).output_padding({1, 0}).padding({0, 1}))};
    });

TEST(Conv1d, HandValues) {
  Tensor x = f64({{{1, 2, 3, 4, 5}}});
  Tensor w = f64({{{1, 0, -1}}});
  expect_close(F::conv1d(x, w), {-2, -2, -2});
  expect_close(F::conv1d(x, w, F::Conv1dFuncOptions().padding(1)), {-2, -2, -2, -2, 4});
  expect_close(F::conv1d(x, w, F::Conv1dFuncOptions().padding(1).stride(2).bias(f64({10}))), {8, 8, 14});
  expect_close(F::conv1d(x, w, F::Conv1dFuncOptions().dilation(2)), {-4});  // 1 - 5
  EXPECT_EQ(F::conv1d(randn({2, 4, 10}), randn({6, 2, 3}), F::Conv1dFuncOptions().groups(2)).sizes().vec(),
            (Shape{2, 6, 8}));
}

TEST(Conv1d, Errors) {
  Tensor x = randn({2, 3, 8}), w = randn({4, 3, 3});
  std::string e = error_of([&] { F::conv1d(randn({2, 3, 8, 1}), w); });
  EXPECT_NE(e.find("conv1d: expected input with 3 dims (N, C, L), got 4 dims"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(x, randn({4, 3, 3, 1})); });
  EXPECT_NE(e.find("conv1d: expected weight with 3 dims"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(x, randn({4, 2, 3})); });
  EXPECT_NE(e.find("conv1d: input [2, 3, 8] has 3 channels, but weight [4, 2, 3]"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(randn({2, 4, 8}), randn({3, 2, 3}), F::Conv1dFuncOptions().groups(2)); });
  EXPECT_NE(e.find("conv1d: out_channels (3)"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(x, w, F::Conv1dFuncOptions().bias(randn({3}))); });
  EXPECT_NE(e.find("conv1d: expected bias of shape [4]"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(randn({1, 3, 4}), w, F::Conv1dFuncOptions().dilation(3)); });
  EXPECT_NE(e.find("conv1d: input [1, 3, 4] (padded by 0) is shorter than the dilated kernel"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(x, w, F::Conv1dFuncOptions().stride(0)); });
  EXPECT_NE(e.find("conv1d: stride must be positive, got 0"), std::string::npos) << e;
  e = error_of([&] { F::conv1d(x, w.to(kFloat64)); });
  EXPECT_NE(e.find("conv1d: input and weight must have the same dtype"), std::string::npos) << e;
}

TEST(ConvTranspose2d, HandValues) {
  Tensor x = f64({{{{1, 2}, {3, 4}}}});
  Tensor w = ones({1, 1, 2, 2}, TensorOptions().dtype(kFloat64));
  // Each input value spreads over a 2x2 window; overlapping windows add.
  expect_close(F::conv_transpose2d(x, w), {1, 3, 2, 4, 10, 6, 3, 7, 4});
  expect_close(F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().stride(2)),
               {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  // padding crops the full output; output_padding adds a row/column (zeros here, the bias where given).
  expect_close(F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().stride(2).padding(1)), {1, 2, 3, 4});
  Tensor y =
      F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().stride(2).output_padding({1, 0}).bias(f64({0.5})));
  EXPECT_EQ(y.sizes().vec(), (Shape{1, 1, 5, 4}));
  expect_close(y.narrow(2, 4, 1), {0.5, 0.5, 0.5, 0.5});
  // groups: (N, 4, H, W) with weight (4, 3, kh, kw) and groups 2 -> 6 output channels.
  EXPECT_EQ(F::conv_transpose2d(randn({2, 4, 5, 5}), randn({4, 3, 3, 3}),
                                F::ConvTranspose2dFuncOptions().groups(2).stride(2).padding(1).output_padding(1))
                .sizes()
                .vec(),
            (Shape{2, 6, 10, 10}));
}

TEST(ConvTranspose2d, IsTheAdjointOfConv2d) {
  // <conv2d(x, w), y> == <x, conv_transpose2d(y, w)> for the same stride/padding/dilation/groups.
  Tensor x = rand64({2, 4, 8, 6}).detach(), w = rand64({6, 2, 3, 2}).detach();
  auto co = F::Conv2dFuncOptions().stride({2, 1}).padding({1, 0}).dilation({1, 2}).groups(2);
  Tensor cx = F::conv2d(x, w, co);
  Tensor y = rand64(cx.sizes().vec()).detach();
  // conv output (4, 4); back: H 8 = (4-1)*2 - 2 + 2 + op + 1 -> op = 1; W 6 = (4-1)*1 - 0 + 2 + 0 + 1.
  Tensor ty = F::conv_transpose2d(
      y, w,
      F::ConvTranspose2dFuncOptions().stride({2, 1}).padding({1, 0}).dilation({1, 2}).groups(2).output_padding({1, 0}));
  ASSERT_EQ(ty.sizes().vec(), x.sizes().vec());
  EXPECT_NEAR((cx * y).sum().item<double>(), (x * ty).sum().item<double>(), 1e-10);
}

TEST(ConvTranspose2d, Errors) {
  Tensor x = randn({1, 3, 4, 4}), w = randn({3, 2, 3, 3});
  std::string e = error_of([&] { F::conv_transpose2d(randn({3, 4, 4}), w); });
  EXPECT_NE(e.find("conv_transpose2d: expected input with 4 dims (N, C, H, W), got 3 dims"), std::string::npos) << e;
  e = error_of([&] { F::conv_transpose2d(randn({1, 2, 4, 4}), w); });
  EXPECT_NE(e.find("conv_transpose2d: input [1, 2, 4, 4] has 2 channels, but weight [3, 2, 3, 3] expects 3"),
            std::string::npos)
      << e;
  e = error_of([&] { F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().groups(2)); });
  EXPECT_NE(e.find("conv_transpose2d: in_channels (3) of weight [3, 2, 3, 3] must be divisible by groups (2)"),
            std::string::npos)
      << e;
  e = error_of([&] { F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().stride(2).output_padding(2)); });
  EXPECT_NE(e.find("conv_transpose2d: output padding must be smaller than either stride or dilation"),
            std::string::npos)
      << e;
  e = error_of([&] { F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().output_padding({0, 1})); });
  EXPECT_NE(e.find("output_padding (0, 1), stride (1, 1), dilation (1, 1)"), std::string::npos) << e;
  e = error_of([&] { F::conv_transpose2d(x, w, F::ConvTranspose2dFuncOptions().bias(randn({3}))); });
  EXPECT_NE(e.find("conv_transpose2d: expected bias of shape [2]"), std::string::npos) << e;
  e = error_of([&] { F::conv_transpose2d(randn({1, 3, 1, 1}), w, F::ConvTranspose2dFuncOptions().padding(2)); });
  EXPECT_NE(e.find("conv_transpose2d: input [1, 3, 1, 1]"), std::string::npos) << e;
  EXPECT_NE(e.find("gives an empty output -1x-1"), std::string::npos) << e;
  e = error_of([&] { F::conv_transpose2d(x.to(kFloat64), w); });
  EXPECT_NE(e.find("conv_transpose2d: input and weight must have the same dtype"), std::string::npos) << e;
}

TEST(Bilinear, HandValues) {
  Tensor x1 = f64({{1, 2}}), x2 = f64({{3, 4, 5}});
  Tensor w = f64({{{1, 0, 0}, {0, 1, 0}}, {{0, 0, 1}, {0, 0, 0}}});  // (2, 2, 3)
  expect_close(F::bilinear(x1, x2, w), {11, 5});                     // 1*3 + 2*4, 1*5
  expect_close(F::bilinear(x1, x2, w, f64({0.5, -1})), {11.5, 4});
  // 1-d inputs give (out); leading dims are kept.
  expect_close(F::bilinear(x1.view({2}), x2.view({3}), w), {11, 5});
  EXPECT_EQ(F::bilinear(x1.view({2}), x2.view({3}), w).sizes().vec(), (Shape{2}));
  EXPECT_EQ(F::bilinear(randn({4, 5, 2}), randn({4, 5, 3}), randn({7, 2, 3})).sizes().vec(), (Shape{4, 5, 7}));
}

TEST(Bilinear, FirstAndSecondOrderGradcheck) {
  auto fn = [](const tensor_list& x) { return tensor_list{F::bilinear(x[0], x[1], x[2], x[3])}; };
  tensor_list in{rand64({2, 3, 2}), rand64_noncontiguous({2, 3, 4}), rand64({3, 2, 4}), rand64({3})};
  EXPECT_TRUE(autograd::gradcheck(fn, in));
  EXPECT_TRUE(autograd::gradgradcheck(fn, in));
}

TEST(Bilinear, Errors) {
  Tensor w = randn({4, 2, 3});
  std::string e = error_of([&] { F::bilinear(randn({5, 2}), randn({5, 1, 3}), w); });
  EXPECT_NE(e.find("bilinear: input dimensions do not match: input1 [5, 2] and input2 [5, 1, 3]"), std::string::npos)
      << e;
  e = error_of([&] { F::bilinear(randn({5, 2}), randn({6, 3}), w); });
  EXPECT_NE(e.find("bilinear: input batch dimensions do not match"), std::string::npos) << e;
  e = error_of([&] { F::bilinear(randn({5, 3}), randn({5, 3}), w); });
  EXPECT_NE(e.find("bilinear: input1 [5, 3] has last dim 3, but weight [4, 2, 3] expects 2"), std::string::npos) << e;
  e = error_of([&] { F::bilinear(randn({5, 2}), randn({5, 2}), w); });
  EXPECT_NE(e.find("bilinear: input2 [5, 2] has last dim 2, but weight [4, 2, 3] expects 3"), std::string::npos) << e;
  e = error_of([&] { F::bilinear(randn({5, 2}), randn({5, 3}), randn({4, 6})); });
  EXPECT_NE(e.find("bilinear: expected weight with 3 dims"), std::string::npos) << e;
  e = error_of([&] { F::bilinear(randn({5, 2}), randn({5, 3}), w, randn({3})); });
  EXPECT_NE(e.find("bilinear: expected bias of shape [4], got [3]"), std::string::npos) << e;
}

TEST(Conv2d, BatchMatchesPerSample) {
  // A batch of 7 (prime, so a kernel that lowers samples in chunks is left with a partial one) must give what
  // seven one-sample convs give: forward, input gradient, and the weight gradient summed over samples.
  auto o = F::Conv2dFuncOptions().stride({2, 1}).padding(1).dilation({1, 2}).groups(2);
  Tensor x = rand64({7, 4, 6, 5}), w = rand64({6, 2, 3, 2});
  Tensor y = F::conv2d(x, w, o);
  Tensor gy = rand64(y.sizes().vec()).detach();
  auto g = autograd::grad({y}, {x, w}, {gy});
  Tensor gw_sum = zeros_like(w);
  for (int64_t n = 0; n < 7; ++n) {
    Tensor xn = x.detach().narrow(0, n, 1).requires_grad_(true), wn = w.detach().requires_grad_(true);
    Tensor yn = F::conv2d(xn, wn, o);
    auto gn = autograd::grad({yn}, {xn, wn}, {gy.narrow(0, n, 1)});
    expect_close(y.narrow(0, n, 1), nabla::testing::values(yn), 1e-12);
    expect_close(g[0].narrow(0, n, 1), nabla::testing::values(gn[0]), 1e-12);
    gw_sum = gw_sum + gn[1];
  }
  expect_close(g[1], nabla::testing::values(gw_sum), 1e-12);
}
