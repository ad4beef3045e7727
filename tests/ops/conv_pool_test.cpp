// conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d: small hand-checked values, errors naming the op and shapes,
// second-order gradients, and gradcheck cases for every conv/pool row (the backward ops are reached through
// autograd::grad with create_graph, so their own backward — the third derivative of conv — is checked too).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nabla/nabla.h"
#include "ops/gradcheck_registry.h"
#include "test_util.h"

using namespace nabla;
using nabla::testing::error_of;
using nabla::testing::expect_close;
using nabla::testing::iota;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::Shape;
using nabla::testing::tensor_list;
namespace F = nabla::nn::functional;

namespace {

F::Conv2dFuncOptions mixed_opts() { return F::Conv2dFuncOptions().stride({2, 1}).padding(1).dilation({1, 2}).groups(2); }

// d conv(x, w) / dx applied to g, as a differentiable function of (w, g): reaches Conv2dBackwardInput.
Tensor grad_input_of(const Tensor& w, const Tensor& g, const Shape& xshape, const F::Conv2dFuncOptions& o) {
  AutoGradMode enable(true);  // the gradcheck harness may call fn with grad mode off
  Tensor x = zeros(xshape, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  return autograd::grad({F::conv2d(x, w, o)}, {x}, {g}, true, true)[0];
}
// d conv(x, w) / dw applied to g, as a differentiable function of (x, g): reaches Conv2dBackwardWeight.
Tensor grad_weight_of(const Tensor& x, const Tensor& g, const Shape& wshape, const F::Conv2dFuncOptions& o) {
  AutoGradMode enable(true);
  Tensor w = zeros(wshape, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  return autograd::grad({F::conv2d(x, w, o)}, {w}, {g}, true, true)[0];
}

}  // namespace

NABLA_GRADCHECK_CASE(Conv2d, "bias, stride 1", [] { return tensor_list{rand64({2, 3, 5, 4}), rand64({2, 3, 3, 2}), rand64({2})}; },
                     [](const tensor_list& x) { return tensor_list{F::conv2d(x[0], x[1], F::Conv2dFuncOptions().bias(x[2]))}; });
NABLA_GRADCHECK_CASE(Conv2d, "stride (2,1), pad 1, dilation (1,2), groups 2, non-contiguous",
                     [] { return tensor_list{rand64_noncontiguous({1, 4, 5, 6}), rand64({4, 2, 2, 2})}; },
                     [](const tensor_list& x) { return tensor_list{F::conv2d(x[0], x[1], mixed_opts())}; });
NABLA_GRADCHECK_CASE(Conv2dBackwardInput, "stride 2, pad 1, groups 2",
                     [] { return tensor_list{rand64({4, 1, 3, 2}), rand64({1, 4, 3, 4})}; },
                     [](const tensor_list& x) {
                       return tensor_list{grad_input_of(x[0], x[1], {1, 2, 5, 6},
                                                        F::Conv2dFuncOptions().stride(2).padding(1).groups(2))};
                     });
NABLA_GRADCHECK_CASE(Conv2dBackwardWeight, "stride (2,1), pad 1, dilation (1,2), groups 2",
                     [] { return tensor_list{rand64({1, 4, 5, 6}), rand64({1, 4, 3, 6})}; },
                     [](const tensor_list& x) { return tensor_list{grad_weight_of(x[0], x[1], {4, 2, 2, 2}, mixed_opts())}; });
NABLA_GRADCHECK_CASE(AvgPool2d, "k3 s2 p1, count_include_pad false",
                     [] { return tensor_list{rand64_noncontiguous({2, 2, 5, 6})}; },
                     [](const tensor_list& x) {
                       return tensor_list{F::avg_pool2d(x[0], F::AvgPool2dFuncOptions(3).stride(2).padding(1).count_include_pad(false))};
                     });
NABLA_GRADCHECK_CASE(AvgPool2dBackward, "k2 ceil_mode", [] { return tensor_list{rand64({1, 2, 3, 3})}; },
                     [](const tensor_list& x) {
                       AutoGradMode enable(true);
                       Tensor in = zeros({1, 2, 5, 5}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
                       Tensor y = F::avg_pool2d(in, F::AvgPool2dFuncOptions(2).ceil_mode(true));
                       return tensor_list{autograd::grad({y}, {in}, {x[0]}, true, true)[0]};
                     });
NABLA_GRADCHECK_CASE(AdaptiveAvgPool2d, "7x5 -> 3x2", [] { return tensor_list{rand64({2, 2, 7, 5})}; },
                     [](const tensor_list& x) { return tensor_list{F::adaptive_avg_pool2d(x[0], F::AdaptiveAvgPool2dFuncOptions({3, 2}))}; });
NABLA_GRADCHECK_CASE(AdaptiveAvgPool2dBackward, "5x5 -> 2x3", [] { return tensor_list{rand64({1, 2, 2, 3})}; },
                     [](const tensor_list& x) {
                       AutoGradMode enable(true);
                       Tensor in = zeros({1, 2, 5, 5}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
                       Tensor y = F::adaptive_avg_pool2d(in, F::AdaptiveAvgPool2dFuncOptions({2, 3}));
                       return tensor_list{autograd::grad({y}, {in}, {x[0]}, true, true)[0]};
                     });
// Random (deterministic) values are distinct, so the argmax is stable under the finite-difference steps.
NABLA_GRADCHECK_CASE(MaxPool2d, "k3 s2 p1 dilation (1,2)", [] { return tensor_list{rand64_noncontiguous({1, 2, 5, 6})}; },
                     [](const tensor_list& x) {
                       return tensor_list{F::max_pool2d(x[0], F::MaxPool2dFuncOptions(3).stride(2).padding(1).dilation({1, 2}))};
                     });
NABLA_GRADCHECK_CASE(MaxPool2d, "k2 (the unrolled path)", [] { return tensor_list{rand64({2, 3, 6, 5})}; },
                     [](const tensor_list& x) { return tensor_list{F::max_pool2d(x[0], F::MaxPool2dFuncOptions(2))}; });
NABLA_GRADCHECK_CASE(MaxPool2dBackward, "k2 ceil_mode", [] { return tensor_list{rand64({1, 2, 3, 3})}; },
                     [](const tensor_list& x) {
                       AutoGradMode enable(true);
                       std::vector<double> v(50);
                       for (int i = 0; i < 50; ++i) v[i] = (i * 37) % 50;  // distinct, in a fixed shuffled order
                       Tensor in = tensor(v, TensorOptions().dtype(kFloat64)).view({1, 2, 5, 5}).requires_grad_(true);
                       Tensor y = F::max_pool2d(in, F::MaxPool2dFuncOptions(2).ceil_mode(true));
                       return tensor_list{autograd::grad({y}, {in}, {x[0]}, true, true)[0]};
                     });

TEST(Conv2d, HandValues) {
  // x = 0..15 in (1,1,4,4), all-ones 2x2 kernel, bias 1: each output is the window sum + 1.
  Tensor x = iota({1, 1, 4, 4});
  Tensor w = ones({1, 1, 2, 2}, TensorOptions().dtype(kFloat64));
  Tensor b = ones({1}, TensorOptions().dtype(kFloat64));
  expect_close(F::conv2d(x, w, F::Conv2dFuncOptions().bias(b).stride(2)), {11, 19, 43, 51});
  Tensor y = F::conv2d(x, w, F::Conv2dFuncOptions().padding(1));
  EXPECT_EQ(y.sizes().vec(), (Shape{1, 1, 5, 5}));
  expect_close(y.slice(2, 0, 1), {0, 1, 3, 5, 3});
  EXPECT_EQ(y.grad_fn(), nullptr);
}

TEST(Conv2d, GradFnNamesAndSecondOrder) {
  Tensor x = rand64({1, 2, 4, 4}), w = rand64({3, 2, 3, 3});
  Tensor y = F::conv2d(x, w, F::Conv2dFuncOptions().padding(1));
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "ConvolutionBackward0");
  EXPECT_TRUE(autograd::gradgradcheck([](const tensor_list& t) {
    return tensor_list{F::conv2d(t[0], t[1], F::Conv2dFuncOptions().stride(2).padding(1))};
  }, {x, w}));
}

TEST(Conv2d, Errors) {
  Tensor x = randn({2, 3, 8, 8}), w = randn({4, 3, 3, 3});
  std::string e = error_of([&] { F::conv2d(randn({3, 8, 8}), w); });
  EXPECT_NE(e.find("conv2d: expected input with 4 dims"), std::string::npos) << e;
  EXPECT_NE(e.find("[3, 8, 8]"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(x, randn({4, 2, 3, 3})); });
  EXPECT_NE(e.find("conv2d: input [2, 3, 8, 8] has 3 channels, but weight [4, 2, 3, 3]"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(randn({2, 4, 8, 8}), randn({3, 2, 3, 3}), F::Conv2dFuncOptions().groups(2)); });
  EXPECT_NE(e.find("divisible by groups"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(x, w, F::Conv2dFuncOptions().bias(randn({3}))); });
  EXPECT_NE(e.find("conv2d: expected bias of shape [4]"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(randn({1, 3, 2, 2}), w); });
  EXPECT_NE(e.find("smaller than the dilated kernel"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(x, w, F::Conv2dFuncOptions().stride(0)); });
  EXPECT_NE(e.find("conv2d: stride must be positive"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(x, w.to(kFloat64)); });
  EXPECT_NE(e.find("same dtype"), std::string::npos) << e;
  e = error_of([&] { F::conv2d(x.to(kInt64), w.to(kInt64)); });
  EXPECT_NE(e.find("floating-point"), std::string::npos) << e;
}

TEST(Pool2d, HandValuesAndErrors) {
  Tensor x = iota({1, 1, 4, 4}).requires_grad_(true);
  Tensor m = F::max_pool2d(x, F::MaxPool2dFuncOptions(2));
  expect_close(m, {5, 7, 13, 15});
  m.sum().backward();
  expect_close(x.grad(), {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1});
  // padded windows: count_include_pad divides by 9 at the corner, otherwise by 4
  Tensor a1 = F::avg_pool2d(iota({1, 1, 2, 2}), F::AvgPool2dFuncOptions(3).stride(1).padding(1));
  expect_close(a1.slice(2, 0, 1).slice(3, 0, 1), {6.0 / 9});
  Tensor a2 = F::avg_pool2d(iota({1, 1, 2, 2}), F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
  expect_close(a2.slice(2, 0, 1).slice(3, 0, 1), {1.5});
  expect_close(F::adaptive_avg_pool2d(iota({1, 1, 3, 3}), F::AdaptiveAvgPool2dFuncOptions(2)), {2, 3, 5, 6});
  std::string e = error_of([] { F::max_pool2d(randn({4, 4}), F::MaxPool2dFuncOptions(2)); });
  EXPECT_NE(e.find("max_pool2d: expected input with 4 dims"), std::string::npos) << e;
  e = error_of([] { F::avg_pool2d(randn({1, 1, 4, 4}), F::AvgPool2dFuncOptions(2).padding(2)); });
  EXPECT_NE(e.find("avg_pool2d: padding should be at most half of kernel size"), std::string::npos) << e;
  e = error_of([] { F::max_pool2d(randn({1, 1, 2, 2}), F::MaxPool2dFuncOptions(3)); });
  EXPECT_NE(e.find("too small"), std::string::npos) << e;
}

TEST(Conv2d, ResNetSizedLayerMatchesDirectSum) {
  // (64,32,14,14) * (64,32,3,3), pad 1 (the im2col + sgemm path at a realistic size; its speed is a benchmark
  // matter, not a test's): one output element and one weight-gradient element checked by direct sums.
  Tensor x = randn({64, 32, 14, 14}).requires_grad_(true), w = randn({64, 32, 3, 3}).requires_grad_(true);
  Tensor y = F::conv2d(x, w, F::Conv2dFuncOptions().padding(1));
  EXPECT_EQ(y.sizes().vec(), (Shape{64, 64, 14, 14}));
  NoGradGuard ng;
  double direct = (x[3].slice(1, 4, 7).slice(2, 8, 11) * w[5]).sum().item<double>();
  EXPECT_NEAR(y[3][5][5][9].item<double>(), direct, 1e-3);
  {
    AutoGradMode on(true);
    y.sum().backward();
  }
  // d sum(y) / d w[o,c,0,0] = sum over n and output positions of x[n,c,i-1,j-1] (rows/cols 0..12 of x).
  double gw = x.slice(1, 2, 3).slice(2, 0, 13).slice(3, 0, 13).sum().item<double>();
  EXPECT_NEAR(w.grad()[7][2][0][0].item<double>(), gw, 1e-2);
  EXPECT_EQ(x.grad().sizes().vec(), x.sizes().vec());
}

TEST(Pool2d, MaxPoolWithoutGradWritesNoIndicesAndRecordsNothing) {
  Tensor x = rand64({2, 3, 6, 6});
  Tensor with = F::max_pool2d(x, F::MaxPool2dFuncOptions(2));
  EXPECT_EQ(with.grad_fn()->name(), "MaxPool2DWithIndicesBackward0");
  NoGradGuard no_grad;
  Tensor without = F::max_pool2d(x, F::MaxPool2dFuncOptions(2));
  EXPECT_FALSE(without.requires_grad());
  EXPECT_TRUE(equal(without, with.detach()));
}

TEST(Pool2d, MaxPoolNaNAndInfinityPickPyTorchsIndex) {
  // Checked with PyTorch 1.13: every NaN takes over its window, so the gradient goes to the last NaN; ties (-inf
  // everywhere) go to the first element. The unpadded fast path (kernel 2) and the general path (padding 1) agree.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  Tensor x = tensor({1.f, nan, 3.f, -inf, nan, 0.f, -inf, -inf}).view({1, 1, 2, 4}).requires_grad_(true);
  Tensor m = F::max_pool2d(x, F::MaxPool2dFuncOptions(2));
  EXPECT_TRUE(std::isnan(m.view({2})[0].item<float>()));
  EXPECT_EQ(m.view({2})[1].item<float>(), 3.f);
  m.sum().backward();
  expect_close(x.grad(), {0, 0, 1, 0, 1, 0, 0, 0});  // the last NaN (index 4) and the 3 (index 2)
  Tensor row = tensor({nan, nan, 1.f, 2.f}).view({1, 1, 1, 4}).requires_grad_(true);  // two NaNs in one row
  F::max_pool2d(row, F::MaxPool2dFuncOptions({1, 4})).sum().backward();
  expect_close(row.grad(), {0, 1, 0, 0});
  Tensor row_padded = tensor({nan, nan, 1.f}).view({1, 1, 1, 3}).requires_grad_(true);  // same, general path
  F::max_pool2d(row_padded, F::MaxPool2dFuncOptions({1, 3}).padding({0, 1}).stride({1, 3})).sum().backward();
  expect_close(row_padded.grad(), {0, 1, 0});
  Tensor all_inf = full({1, 1, 2, 2}, -inf).requires_grad_(true);
  F::max_pool2d(all_inf, F::MaxPool2dFuncOptions(2)).sum().backward();
  expect_close(all_inf.grad(), {1, 0, 0, 0});
  // General path: padding 1 with stride 2 gives windows clipped at the border.
  Tensor y = tensor({4.f, nan, 2.f, 8.f}).view({1, 1, 2, 2}).requires_grad_(true);
  Tensor p = F::max_pool2d(y, F::MaxPool2dFuncOptions(2).padding(1));  // windows {4}, {nan}, {2}, {8}
  p.sum().backward();
  expect_close(y.grad(), {1, 1, 1, 1});
  EXPECT_TRUE(std::isnan(p.view({4})[1].item<float>()));
}

TEST(Conv2d, SameBitsWithOneOrTwoThreads) {
  // Big enough for the batch to run on threads; the weight gradient sums fixed blocks of images, so 1 and 2 threads
  // give identical bits.
  manual_seed(11);
  Tensor x = randn({16, 16, 12, 12}), w = randn({16, 16, 3, 3});
  auto run = [&](int threads) {
    set_num_threads(threads);
    Tensor xi = x.clone().requires_grad_(true), wi = w.clone().requires_grad_(true);
    Tensor y = F::conv2d(xi, wi, F::Conv2dFuncOptions().padding(1));
    (y * y).sum().backward();
    return std::vector<Tensor>{y.detach(), xi.grad(), wi.grad()};
  };
  const int before = get_num_threads();
  const std::vector<Tensor> one = run(1), two = run(2);
  set_num_threads(before);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(equal(one[i], two[i])) << "output " << i;
}
