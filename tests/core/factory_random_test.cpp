// Random factories: reproducibility under manual_seed (also across thread counts), ranges and moments of
// rand/randn, randint bounds, randperm being a permutation, bernoulli frequencies, options and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nabla/nabla.h"
#include "test_util.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::Shape;

namespace {
double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}
double std_of(const std::vector<double>& v) {
  double m = mean_of(v), s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / double(v.size() - 1));
}
}  // namespace

TEST(FactoryRandom, SameSeedSameNumbersDifferentSeedDifferent) {
  manual_seed(42);
  auto a = values(rand({1000}));
  auto an = values(randn({7}));
  auto ai = values(randint(0, 100, {50}));
  manual_seed(42);
  auto b = values(rand({1000}));
  auto bn = values(randn({7}));
  auto bi = values(randint(0, 100, {50}));
  EXPECT_EQ(a, b);
  EXPECT_EQ(an, bn);
  EXPECT_EQ(ai, bi);
  manual_seed(43);
  EXPECT_NE(values(rand({1000})), a);
  // Consecutive draws differ.
  manual_seed(42);
  auto c1 = values(rand({10}));
  auto c2 = values(rand({10}));
  EXPECT_NE(c1, c2);
}

TEST(FactoryRandom, ReproducibleWhateverTheThreadCount) {
  const int saved = get_num_threads();
  set_num_threads(1);
  manual_seed(7);
  auto one = values(randn({200000}));
  auto one_u = values(rand({100000}, kFloat64));
  set_num_threads(4);
  manual_seed(7);
  auto four = values(randn({200000}));
  auto four_u = values(rand({100000}, kFloat64));
  set_num_threads(saved);
  EXPECT_EQ(one, four);
  EXPECT_EQ(one_u, four_u);
}

TEST(FactoryRandom, RandIsUniformInUnitInterval) {
  manual_seed(1);
  for (ScalarType t : {kFloat32, kFloat64}) {
    Tensor r = rand({100000}, t);
    EXPECT_EQ(r.dtype(), t);
    auto v = values(r);
    EXPECT_GE(*std::min_element(v.begin(), v.end()), 0.0);
    EXPECT_LT(*std::max_element(v.begin(), v.end()), 1.0);
    EXPECT_NEAR(mean_of(v), 0.5, 0.01);
    EXPECT_NEAR(std_of(v), std::sqrt(1.0 / 12.0), 0.01);
  }
  EXPECT_EQ(rand({2, 3}).sizes().vec(), Shape({2, 3}));
  EXPECT_EQ(rand({}).dim(), 0);
  EXPECT_EQ(rand({0, 4}).numel(), 0);
}

TEST(FactoryRandom, RandnHasMeanZeroStdOne) {
  manual_seed(2);
  auto v = values(randn({100000}));
  EXPECT_NEAR(mean_of(v), 0.0, 0.02);
  EXPECT_NEAR(std_of(v), 1.0, 0.02);
  int64_t beyond2 = std::count_if(v.begin(), v.end(), [](double x) { return std::abs(x) > 2.0; });
  EXPECT_NEAR(double(beyond2) / 1e5, 0.0455, 0.005);  // two-sided normal tail
  for (double x : v) ASSERT_TRUE(std::isfinite(x));
  EXPECT_EQ(randn({3}, kFloat64).dtype(), kFloat64);
  EXPECT_EQ(randn({5}).numel(), 5);  // odd count (Box-Muller pairs)
}

TEST(FactoryRandom, OptionsAndLikeForms) {
  Tensor r = randn({2, 2}, TensorOptions().dtype(kFloat64).requires_grad(true));
  EXPECT_TRUE(r.requires_grad());
  EXPECT_TRUE(r.is_leaf());
  Tensor base = zeros({3, 4}, kFloat64);
  EXPECT_EQ(rand_like(base).dtype(), kFloat64);
  EXPECT_EQ(rand_like(base).sizes().vec(), Shape({3, 4}));
  EXPECT_EQ(randn_like(base, kFloat32).dtype(), kFloat32);
  EXPECT_NE(error_of([] { rand({2}, kInt64); }).find("rand: expected a floating-point dtype"), std::string::npos);
  EXPECT_NE(error_of([] { randn({2}, kInt32); }).find("randn"), std::string::npos);
  EXPECT_NE(error_of([&] { randn_like(tensor({1, 2})); }).find("randn"), std::string::npos);
}

TEST(FactoryRandom, RandintBounds) {
  manual_seed(3);
  Tensor r = randint(-3, 4, {10000});
  EXPECT_EQ(r.dtype(), kInt64);
  auto v = values(r);
  EXPECT_EQ(*std::min_element(v.begin(), v.end()), -3.0);
  EXPECT_EQ(*std::max_element(v.begin(), v.end()), 3.0);
  for (int k = -3; k <= 3; ++k) {
    auto n = std::count(v.begin(), v.end(), double(k));
    EXPECT_NEAR(double(n) / 1e4, 1.0 / 7.0, 0.02) << k;
  }
  auto h = values(randint(5, {2, 500}));
  EXPECT_GE(*std::min_element(h.begin(), h.end()), 0.0);
  EXPECT_LE(*std::max_element(h.begin(), h.end()), 4.0);
  EXPECT_EQ(randint(0, 10, {3}, kFloat32).dtype(), kFloat32);
  std::string e = error_of([] { randint(5, 5, {2}); });
  EXPECT_NE(e.find("randint: expected low < high"), std::string::npos) << e;
  EXPECT_NE(error_of([] { randint(0, {2}); }).find("randint"), std::string::npos);
}

TEST(FactoryRandom, RandpermIsAPermutation) {
  manual_seed(4);
  Tensor p = randperm(1000);
  EXPECT_EQ(p.dtype(), kInt64);
  auto v = values(p);
  auto sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(sorted[size_t(i)], double(i));
  int fixed = 0;
  for (int i = 0; i < 1000; ++i) fixed += v[size_t(i)] == double(i);
  EXPECT_LT(fixed, 10);  // a shuffle, not the identity (expected ~1 fixed point)
  EXPECT_EQ(randperm(0).numel(), 0);
  EXPECT_EQ(randperm(5, kInt32).dtype(), kInt32);
  EXPECT_NE(error_of([] { randperm(-1); }).find("randperm: n must be non-negative"), std::string::npos);
}

TEST(FactoryRandom, BernoulliFrequencies) {
  manual_seed(5);
  Tensor p = full({100000}, 0.3, kFloat64);
  Tensor b = bernoulli(p);
  EXPECT_EQ(b.dtype(), kFloat64);
  auto v = values(b);
  for (double x : v) ASSERT_TRUE(x == 0.0 || x == 1.0);
  EXPECT_NEAR(mean_of(v), 0.3, 0.01);
  // per-element probabilities
  auto e = values(bernoulli(tensor({0.0f, 1.0f, 0.0f, 1.0f})));
  EXPECT_EQ(e, std::vector<double>({0, 1, 0, 1}));
  Tensor like = zeros({400, 250});
  Tensor s = bernoulli(like, 0.8);
  EXPECT_EQ(s.dtype(), kFloat32);
  EXPECT_EQ(s.sizes().vec(), Shape({400, 250}));
  EXPECT_NEAR(mean_of(values(s)), 0.8, 0.01);
  EXPECT_NE(error_of([] { bernoulli(tensor({0.5, 1.5})); }).find("bernoulli"), std::string::npos);
  EXPECT_NE(error_of([&] { bernoulli(like, -0.1); }).find("expects p to be in [0, 1]"), std::string::npos);
  manual_seed(9);
  auto x1 = values(bernoulli(like, 0.5));
  manual_seed(9);
  EXPECT_EQ(values(bernoulli(like, 0.5)), x1);
}
