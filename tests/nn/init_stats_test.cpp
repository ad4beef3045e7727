// nn::init: gains and fans as torch.nn.init computes them, bounds of the uniform initialisers, moments on large tensors.
#include <algorithm>
#include <cmath>

#include "nabla/nn.h"
#include "test_util.h"

namespace init = nabla::nn::init;
using nabla::testing::error_of;
using nabla::testing::values;

namespace {
struct Stats {
  double lo, hi, mean, std;
};
Stats stats_of(const nabla::Tensor& t) {
  auto v = values(t);
  double sum = 0, sq = 0;
  for (double x : v) sum += x;
  double mean = sum / static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  return {*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()), mean,
          std::sqrt(sq / static_cast<double>(v.size()))};
}
}  // namespace

TEST(InitGain, MatchesTorchCalculateGain) {
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kLinear), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kConv2D), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kSigmoid), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kTanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kLeakyReLU), std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kLeakyReLU, std::sqrt(5.0)), std::sqrt(1.0 / 3.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(nabla::kSELU), 0.75);
}

TEST(InitFan, InAndOutWithReceptiveField) {
  auto [fi, fo] = init::_calculate_fan_in_and_fan_out(nabla::empty({8, 3, 5, 5}));
  EXPECT_EQ(fi, 3 * 25);
  EXPECT_EQ(fo, 8 * 25);
  auto [li, lo] = init::_calculate_fan_in_and_fan_out(nabla::empty({10, 20}));
  EXPECT_EQ(li, 20);
  EXPECT_EQ(lo, 10);
  EXPECT_NE(error_of([] { init::kaiming_uniform_(nabla::empty({5})); }).find("fewer than 2 dimensions"),
            std::string::npos);
  EXPECT_NE(error_of([] { init::uniform_(nabla::zeros({2}, nabla::kInt64)); }).find("uniform_: expected a floating"),
            std::string::npos);
  EXPECT_NE(error_of([] { init::uniform_(nabla::zeros({2}), 1.0, -1.0); }).find("low <= high"), std::string::npos);
  EXPECT_NE(error_of([] { init::normal_(nabla::zeros({2}), 0.0, -1.0); }).find("std >= 0"), std::string::npos);
}

TEST(InitDistribution, UniformAndConstants) {
  nabla::manual_seed(0);
  auto s = stats_of(init::uniform_(nabla::empty({200, 500}), -2.0, 3.0));
  EXPECT_GE(s.lo, -2.0);
  EXPECT_LT(s.hi, 3.0);
  EXPECT_NEAR(s.mean, 0.5, 0.02);
  EXPECT_NEAR(s.std, 5.0 / std::sqrt(12.0), 0.02);
  auto n = stats_of(init::normal_(nabla::empty({200, 500}, nabla::kFloat64), 1.5, 0.5));
  EXPECT_NEAR(n.mean, 1.5, 0.01);
  EXPECT_NEAR(n.std, 0.5, 0.01);
  EXPECT_EQ(values(init::constant_(nabla::empty({3}), 2.5)), std::vector<double>(3, 2.5));
  EXPECT_EQ(values(init::zeros_(nabla::ones({3}))), std::vector<double>(3, 0.0));
  EXPECT_EQ(values(init::ones_(nabla::zeros({3}))), std::vector<double>(3, 1.0));
  EXPECT_EQ(values(init::eye_(nabla::empty({2, 3}))), (std::vector<double>{1, 0, 0, 0, 1, 0}));
}

TEST(InitDistribution, XavierBoundsAndStd) {
  nabla::manual_seed(1);
  const double fan_sum = 300 + 400;  // weight (400, 300)
  auto u = stats_of(init::xavier_uniform_(nabla::empty({400, 300}), 2.0));
  const double a = 2.0 * std::sqrt(6.0 / fan_sum);
  EXPECT_GE(u.lo, -a);
  EXPECT_LE(u.hi, a);
  EXPECT_GT(u.hi, 0.99 * a);
  EXPECT_NEAR(u.std, a / std::sqrt(3.0), 0.01 * a);
  auto n = stats_of(init::xavier_normal_(nabla::empty({400, 300})));
  EXPECT_NEAR(n.mean, 0.0, 0.002);
  EXPECT_NEAR(n.std, std::sqrt(2.0 / fan_sum), 0.01 * std::sqrt(2.0 / fan_sum));
}

TEST(InitDistribution, KaimingBoundsAndStd) {
  nabla::manual_seed(2);
  // Linear's default: a = sqrt(5) gives |w| <= 1/sqrt(fan_in).
  auto lin = stats_of(init::kaiming_uniform_(nabla::empty({500, 256}), std::sqrt(5.0)));
  EXPECT_GE(lin.lo, -1.0 / 16.0);
  EXPECT_LE(lin.hi, 1.0 / 16.0);
  EXPECT_GT(lin.hi, 0.99 / 16.0);
  EXPECT_NEAR(lin.std, 1.0 / 16.0 / std::sqrt(3.0), 0.001);
  // relu, fan_out on a conv weight (64, 16, 3, 3): fan_out = 64 * 9, bound = sqrt(2) * sqrt(3 / fan_out).
  auto conv = stats_of(init::kaiming_uniform_(nabla::empty({64, 16, 3, 3}), 0, nabla::kFanOut, nabla::kReLU));
  const double bound = std::sqrt(2.0) * std::sqrt(3.0 / (64 * 9));
  EXPECT_GE(conv.lo, -bound);
  EXPECT_LE(conv.hi, bound);
  EXPECT_GT(conv.hi, 0.98 * bound);
  auto kn = stats_of(init::kaiming_normal_(nabla::empty({400, 250}), 0, nabla::kFanIn, nabla::kReLU));
  EXPECT_NEAR(kn.mean, 0.0, 0.002);
  EXPECT_NEAR(kn.std, std::sqrt(2.0 / 250), 0.01 * std::sqrt(2.0 / 250));
  // Initialisers do not record a graph: a parameter stays a leaf.
  nabla::Tensor p = nabla::empty({4, 4}).requires_grad_();
  init::kaiming_normal_(p);
  EXPECT_TRUE(p.is_leaf());
  EXPECT_EQ(p.grad_fn(), nullptr);
}

TEST(InitDistribution, OrthogonalRowsOrColumns) {
  nabla::manual_seed(3);
  for (auto shape : {std::vector<int64_t>{6, 4}, std::vector<int64_t>{3, 8}, std::vector<int64_t>{4, 2, 3}}) {
    nabla::Tensor w = init::orthogonal_(nabla::empty(shape, nabla::kFloat64), 2.0);
    nabla::Tensor m = w.reshape({shape[0], -1});
    // Tall: columns orthonormal (W^T W = gain^2 I); wide: rows orthonormal (W W^T = gain^2 I).
    nabla::Tensor g = m.size(0) >= m.size(1) ? m.t().matmul(m) : m.matmul(m.t());
    int64_t k = g.size(0);
    auto gv = values(g);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) EXPECT_NEAR(gv[size_t(i * k + j)], i == j ? 4.0 : 0.0, 1e-9);
  }
  EXPECT_NE(error_of([] { init::orthogonal_(nabla::empty({3})); }).find("orthogonal_: only tensors with 2"),
            std::string::npos);
}
