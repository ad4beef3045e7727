// Replays tests/reference/fixtures/conv.json (made by make_conv_fixtures.py with PyTorch 1.13): conv2d and pooling
// outputs and the gradients of sum(out * w) w.r.t. input, weight and bias, float64 (1e-10 rel), float32 (1e-5 rel).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "fixture_util.h"
#include "nabla/nabla.h"

namespace nabla::testing {
namespace {

using json = nlohmann::json;
namespace F = nn::functional;

TEST(ConvFixture, MatchesTorch) {
  const json root = load_fixture("conv.json", "make_conv_fixtures.py");
  ASSERT_TRUE(root.contains("cases"));
  int n = 0;
  for (const json& c : root.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const std::string fn = c.at("fn");
    const json& a = c.at("args");
    const double rtol = c.at("dtype") == "float64" ? 1e-10 : 1e-5;
    Tensor x = decode(c["inputs"]["input"]).requires_grad_(true);
    Tensor wt = decode(c["inputs"]["w"]);
    Tensor weight, bias, out;
    if (fn == "conv2d") {
      weight = decode(c["inputs"]["weight"]).requires_grad_(true);
      if (c["inputs"].contains("bias")) bias = decode(c["inputs"]["bias"]).requires_grad_(true);
      out = F::conv2d(x, weight,
                      F::Conv2dFuncOptions()
                          .bias(bias)
                          .stride(pair_of(a, "stride", 1))
                          .padding(pair_of(a, "padding", 0))
                          .dilation(pair_of(a, "dilation", 1))
                          .groups(a.value("groups", 1)));
    } else if (fn == "max_pool2d") {
      ExpandingArray2 k = pair_of(a, "kernel_size", 1);
      out = F::max_pool2d(x, F::MaxPool2dFuncOptions(k)
                                 .stride(pair_of(a, "stride", k[0]))
                                 .padding(pair_of(a, "padding", 0))
                                 .dilation(pair_of(a, "dilation", 1))
                                 .ceil_mode(a.value("ceil_mode", false)));
    } else if (fn == "avg_pool2d") {
      ExpandingArray2 k = pair_of(a, "kernel_size", 1);
      out = F::avg_pool2d(x, F::AvgPool2dFuncOptions(k)
                                 .stride(a.contains("stride") ? pair_of(a, "stride", 1) : k)
                                 .padding(pair_of(a, "padding", 0))
                                 .ceil_mode(a.value("ceil_mode", false))
                                 .count_include_pad(a.value("count_include_pad", true)));
    } else {
      out = F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions(pair_of(a, "output_size", 1)));
    }
    expect_rel(out, c["out"], rtol, "out");
    (out * wt).sum().backward();
    expect_rel(x.grad(), c["grads"]["input"], rtol, "grad input");
    if (weight.defined()) expect_rel(weight.grad(), c["grads"]["weight"], rtol, "grad weight");
    if (bias.defined()) expect_rel(bias.grad(), c["grads"]["bias"], rtol, "grad bias");
    ++n;
  }
  EXPECT_EQ(n, 26);
}

TEST(ConvModule, ShapesInitAndRepr) {
  manual_seed(0);
  nn::Conv2d conv(nn::Conv2dOptions(4, 6, 3).stride(2).padding(1).groups(2));
  EXPECT_EQ(conv->weight.sizes().vec(), (Shape{6, 2, 3, 3}));
  EXPECT_EQ(conv->bias.sizes().vec(), (Shape{6}));
  const double bound = 1.0 / std::sqrt(18.0);  // fan_in = 2 * 3 * 3; kaiming_uniform(a=sqrt(5)) gives the same bound
  for (double v : values(conv->weight)) EXPECT_LE(std::abs(v), bound + 1e-12);
  for (double v : values(conv->bias)) EXPECT_LE(std::abs(v), bound + 1e-12);
  EXPECT_EQ(conv->named_parameters().size(), 2u);
  Tensor y = conv->forward(randn({2, 4, 9, 8}));
  EXPECT_EQ(y.sizes().vec(), (Shape{2, 6, 5, 4}));
  nn::Conv2d nb(nn::Conv2dOptions(3, 2, {1, 2}).bias(false));
  EXPECT_FALSE(nb->bias.defined());
  EXPECT_EQ(nb->named_parameters().size(), 1u);
  EXPECT_EQ(error_of([] { nn::Conv2d(nn::Conv2dOptions(3, 4, 3).groups(2)); }).find("divisible by groups") !=
                std::string::npos,
            true);
}

TEST(ConvModule, PoolingModules) {
  Tensor x = iota({1, 1, 4, 4});
  nn::MaxPool2d mp(nn::MaxPool2dOptions(2));
  expect_close(mp->forward(x), {5, 7, 13, 15});
  nn::AvgPool2d ap(nn::AvgPool2dOptions(2));
  expect_close(ap->forward(x), {2.5, 4.5, 10.5, 12.5});
  nn::AdaptiveAvgPool2d gap(nn::AdaptiveAvgPool2dOptions(1));
  expect_close(gap->forward(x), {7.5});
  nn::Sequential seq(nn::Conv2d(nn::Conv2dOptions(1, 2, 3).padding(1)), nn::MaxPool2d(nn::MaxPool2dOptions(2)),
                     nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions({1, 1})));
  EXPECT_EQ(seq->forward(x.to(kFloat32)).sizes().vec(), (Shape{1, 2, 1, 1}));
}

}  // namespace
}  // namespace nabla::testing
