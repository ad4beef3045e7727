// Conv1d, ConvTranspose2d and Bilinear modules: parameter shapes and state_dict keys as PyTorch, PyTorch's init
// bounds and spread, LibTorch's printing, ConvTranspose2d's output_size, and errors naming the module.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

std::string str(const nn::Module& m) {
  std::ostringstream os;
  os << m;
  return os.str();
}

// max |v| must reach near the bound but not past it; the std of U(-b, b) is b/sqrt(3).
void expect_uniform(const Tensor& t, double bound, const char* what) {
  auto v = values(t);
  double mx = 0, sq = 0, sum = 0;
  for (double x : v) {
    mx = std::max(mx, std::abs(x));
    sum += x;
  }
  const double mean = sum / static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  const double sd = std::sqrt(sq / static_cast<double>(v.size()));
  EXPECT_LE(mx, bound) << what;
  EXPECT_GE(mx, 0.95 * bound) << what;
  EXPECT_NEAR(sd, bound / std::sqrt(3.0), 0.05 * bound / std::sqrt(3.0)) << what;
}

std::vector<std::string> keys_of(const nn::Module& m) { return m.state_dict().keys(); }

TEST(LayerModules, ParameterShapesAndStateDictKeys) {
  nn::Conv1d c1(nn::Conv1dOptions(4, 6, 3).groups(2));
  EXPECT_EQ(c1->weight.sizes().vec(), (Shape{6, 2, 3}));
  EXPECT_EQ(c1->bias.sizes().vec(), (Shape{6}));
  EXPECT_EQ(keys_of(*c1), (std::vector<std::string>{"weight", "bias"}));
  nn::ConvTranspose2d ct(nn::ConvTranspose2dOptions(4, 6, {3, 2}).groups(2).bias(false));
  EXPECT_EQ(ct->weight.sizes().vec(), (Shape{4, 3, 3, 2}));  // (in, out/groups, kh, kw), as PyTorch
  EXPECT_FALSE(ct->bias.defined());
  EXPECT_EQ(keys_of(*ct), (std::vector<std::string>{"weight"}));
  nn::Bilinear bl(2, 3, 5);
  EXPECT_EQ(bl->weight.sizes().vec(), (Shape{5, 2, 3}));
  EXPECT_EQ(keys_of(*bl), (std::vector<std::string>{"weight", "bias"}));

  struct Net : nn::Module {
    Net() {
      register_module("conv", nn::Conv1d(2, 3, 2));
      register_module("up", nn::ConvTranspose2d(3, 2, 2));
      register_module("bil", nn::Bilinear(nn::BilinearOptions(2, 2, 1).bias(false)));
    }
  } net;
  EXPECT_EQ(keys_of(net), (std::vector<std::string>{"conv.weight", "conv.bias", "up.weight", "up.bias", "bil.weight"}));
}

TEST(LayerModules, InitMatchesPyTorchBounds) {
  manual_seed(7);
  // Conv1d: fan_in = in/groups * k = 8 * 5.
  nn::Conv1d c1(nn::Conv1dOptions(16, 64, 5).groups(2));
  expect_uniform(c1->weight, 1.0 / std::sqrt(40.0), "conv1d weight");
  for (double v : values(c1->bias)) EXPECT_LE(std::abs(v), 1.0 / std::sqrt(40.0));
  // ConvTranspose2d: PyTorch takes fan_in from weight.size(1) = out/groups, not from in_channels.
  nn::ConvTranspose2d ct(nn::ConvTranspose2dOptions(8, 32, 3));
  const double ct_bound = 1.0 / std::sqrt(32.0 * 9.0);
  expect_uniform(ct->weight, ct_bound, "conv_transpose2d weight");
  for (double v : values(ct->bias)) EXPECT_LE(std::abs(v), ct_bound);
  // Bilinear: U(-1/sqrt(in1), 1/sqrt(in1)) for weight and bias.
  nn::Bilinear bl(4, 50, 20);
  expect_uniform(bl->weight, 0.5, "bilinear weight");
  double bias_max = 0;
  for (double v : values(bl->bias)) bias_max = std::max(bias_max, std::abs(v));
  EXPECT_LE(bias_max, 0.5);
  EXPECT_GE(bias_max, 0.3);  // 20 draws of U(-0.5, 0.5): a bound of 1/sqrt(in2) or 1/sqrt(in1*in2) would stay below
}

TEST(LayerModules, PrintLikeLibTorch) {
  EXPECT_EQ(str(*nn::Conv1d(3, 4, 3)), "Conv1d(3, 4, kernel_size=3, stride=1)");
  EXPECT_EQ(str(*nn::Conv1d(nn::Conv1dOptions(4, 4, 5).stride(2).padding(1).dilation(2).groups(2).bias(false))),
            "Conv1d(4, 4, kernel_size=5, stride=2, padding=1, dilation=2, groups=2, bias=false)");
  EXPECT_EQ(str(*nn::ConvTranspose2d(3, 4, 3)), "ConvTranspose2d(3, 4, kernel_size=[3, 3], stride=[1, 1])");
  EXPECT_EQ(
      str(*nn::ConvTranspose2d(
          nn::ConvTranspose2dOptions(4, 6, {3, 2}).stride(2).padding({1, 0}).output_padding(1).groups(2))),
      "ConvTranspose2d(4, 6, kernel_size=[3, 2], stride=[2, 2], padding=[1, 0], output_padding=[1, 1], groups=2)");
  EXPECT_EQ(str(*nn::Conv2d(1, 32, 3)), "Conv2d(1, 32, kernel_size=[3, 3], stride=[1, 1])");
  EXPECT_EQ(str(*nn::Conv2d(nn::Conv2dOptions(4, 6, {3, 2}).stride(2).padding({0, 1}).dilation({2, 1}).groups(2)
                                .bias(false))),
            "Conv2d(4, 6, kernel_size=[3, 2], stride=[2, 2], padding=[0, 1], dilation=[2, 1], groups=2, bias=false)");
  EXPECT_EQ(str(*nn::MaxPool2d(2)),
            "MaxPool2d(kernel_size=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=false)");
  EXPECT_EQ(str(*nn::AvgPool2d(nn::AvgPool2dOptions({3, 2}).stride(1).padding(1))),
            "AvgPool2d(kernel_size=[3, 2], stride=[1, 1], padding=[1, 1])");
  EXPECT_EQ(str(*nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({7, 5}))), "AdaptiveAvgPool2d(output_size=[7, 5])");
  EXPECT_EQ(str(*nn::Bilinear(2, 3, 4)), "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=true)");
  EXPECT_EQ(str(*nn::Bilinear(nn::BilinearOptions(2, 3, 4).bias(false))),
            "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=false)");
}

TEST(LayerModules, ForwardShapesAndOutputSize) {
  nn::Conv1d c1(nn::Conv1dOptions(3, 5, 3).stride(2).padding(1));
  EXPECT_EQ(c1->forward(randn({2, 3, 10})).sizes().vec(), (Shape{2, 5, 5}));
  nn::ConvTranspose2d up(nn::ConvTranspose2dOptions(4, 2, 3).stride(2).padding(1));
  Tensor x = randn({1, 4, 5, 5});
  EXPECT_EQ(up->forward(x).sizes().vec(), (Shape{1, 2, 9, 9}));
  // output_size picks output_padding within [min, min + stride - 1], as PyTorch's ConvTranspose2d.forward.
  Tensor y10 = up->forward(x, std::vector<int64_t>{10, 9});
  EXPECT_EQ(y10.sizes().vec(), (Shape{1, 2, 10, 9}));
  EXPECT_EQ(up->forward(x, std::vector<int64_t>{1, 2, 10, 10}).sizes().vec(), (Shape{1, 2, 10, 10}));
  // The extra row holds what conv_transpose2d with output_padding (1, 0) computes.
  Tensor want = nn::functional::conv_transpose2d(
      x, up->weight,
      nn::functional::ConvTranspose2dFuncOptions().bias(up->bias).stride(2).padding(1).output_padding({1, 0}));
  EXPECT_EQ(values(y10), values(want));
  std::string e = error_of([&] { up->forward(x, std::vector<int64_t>{11, 9}); });
  EXPECT_NE(
      e.find("ConvTranspose2d: requested an output size of [11, 9], but valid sizes for dim 0 range from 9 to 10"),
      std::string::npos)
      << e;
  e = error_of([&] { up->forward(x, std::vector<int64_t>{9}); });
  EXPECT_NE(e.find("ConvTranspose2d: output_size must have 2 or 4 elements, got 1"), std::string::npos) << e;
  nn::Bilinear bl(3, 2, 4);
  EXPECT_EQ(bl->forward(randn({6, 3}), randn({6, 2})).sizes().vec(), (Shape{6, 4}));
}

TEST(LayerModules, ConstructionErrors) {
  std::string e = error_of([] { nn::Conv1d(nn::Conv1dOptions(3, 4, 3).groups(2)); });
  EXPECT_NE(e.find("Conv1d: in_channels (3) and out_channels (4) must both be divisible by groups (2)"),
            std::string::npos)
      << e;
  e = error_of([] { nn::Conv1d(3, 4, 0); });
  EXPECT_NE(e.find("Conv1d: in_channels, out_channels and kernel_size must be positive"), std::string::npos) << e;
  e = error_of([] { nn::ConvTranspose2d(nn::ConvTranspose2dOptions(4, 3, 3).groups(2)); });
  EXPECT_NE(e.find("ConvTranspose2d: in_channels (4) and out_channels (3) must both be divisible by groups (2)"),
            std::string::npos)
      << e;
  e = error_of([] { nn::Bilinear(2, -1, 3); });
  EXPECT_NE(e.find("Bilinear: in1_features, in2_features and out_features must be non-negative"), std::string::npos)
      << e;
  // A module's forward reports the functional op's error.
  e = error_of([] {
    nn::ConvTranspose2d(nn::ConvTranspose2dOptions(2, 2, 3).output_padding(1))->forward(randn({1, 2, 4, 4}));
  });
  EXPECT_NE(e.find("conv_transpose2d: output padding must be smaller than either stride or dilation"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace nabla::testing
