// Generator objects and the default generator's functions: the engine against the standard mt19937, handles that
// share or copy state, the state round trip and its errors, and the random functions' argument errors. The numbers
// against PyTorch are in tests/ops/random_fixture_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::values;

TEST(Generator, EngineIsTheStandardMt19937OnTheSeedsLow32Bits) {
  for (uint64_t seed : {uint64_t(0), uint64_t(5489), uint64_t(123456789), (uint64_t(7) << 32) + 11}) {
    CPUGeneratorImpl g(seed);
    std::mt19937 ref(static_cast<uint32_t>(seed));
    for (int i = 0; i < 2000; ++i) ASSERT_EQ(g.random(), ref()) << "seed " << seed << " draw " << i;
    EXPECT_EQ(g.current_seed(), seed);  // the full seed is kept, as PyTorch's initial_seed()
  }
  CPUGeneratorImpl g(1), h(1);
  const uint64_t hi = h.random(), lo = h.random();
  EXPECT_EQ(g.random64(), (hi << 32) | lo);  // first draw is the high half
}

TEST(Generator, CopiesShareStateAndClonesCopyIt) {
  Generator a = make_generator<CPUGeneratorImpl>(3);
  Generator b = a;  // the same generator
  const auto first = values(rand({2}, a));
  const auto second = values(rand({2}, b));
  Generator fresh = make_generator<CPUGeneratorImpl>(3);
  const auto all = values(rand({4}, fresh));
  EXPECT_EQ(std::vector<double>(all.begin(), all.begin() + 2), first);
  EXPECT_EQ(std::vector<double>(all.begin() + 2, all.end()), second);
  EXPECT_TRUE(a == b);

  Generator c = a.clone();  // same state, drawn on its own
  EXPECT_FALSE(c == a);
  EXPECT_EQ(values(randn({5}, c)), values(randn({5}, a)));
  EXPECT_EQ(c.current_seed(), 3u);
  c.set_current_seed(9);
  EXPECT_EQ(a.current_seed(), 3u);
}

TEST(Generator, ExplicitGeneratorsLeaveTheDefaultAlone) {
  manual_seed(21);
  const auto expected = values(rand({6}));
  manual_seed(21);
  Generator g = make_generator<CPUGeneratorImpl>(21);
  (void)rand({100}, g);
  (void)randperm(50, g);
  EXPECT_EQ(values(rand({6})), expected);
  EXPECT_EQ(initial_seed(), 21u);
}

TEST(Generator, StateRoundTripsIncludingTheCachedNormal) {
  manual_seed(4);
  (void)randn({3}, kFloat64);  // odd count: a second Box-Muller value waits in the generator
  const Tensor state = get_rng_state();
  EXPECT_EQ(state.dtype(), kUInt8);
  EXPECT_EQ(state.numel(), 5056);
  const auto a = values(randn({5}, kFloat64));
  const auto b = values(rand({7}));
  set_rng_state(state);
  EXPECT_EQ(values(randn({5}, kFloat64)), a);
  EXPECT_EQ(values(rand({7})), b);

  Generator g = make_generator<CPUGeneratorImpl>(0);
  g.set_state(state);  // a state moves between generators
  EXPECT_EQ(values(randn({5}, g, kFloat64)), a);
  EXPECT_EQ(g.current_seed(), 4u);
}

TEST(Generator, BadStatesAndGeneratorsAreErrors) {
  expect_error([] { set_rng_state(zeros({5056}, kFloat32)); }, {"set_rng_state", "uint8"});
  expect_error([] { set_rng_state(zeros({100}, kUInt8)); }, {"set_rng_state", "5056", "100"});
  Tensor state = get_rng_state().clone();
  state.data_ptr<uint8_t>()[8] = 0;  // left = 0: no valid mt19937 position
  state.data_ptr<uint8_t>()[9] = 0;
  expect_error([&] { set_rng_state(state); }, {"set_rng_state", "invalid mt19937 state"});
  Generator undefined;
  expect_error([&] { (void)undefined.current_seed(); }, {"Generator", "undefined"});
  // An undefined optional generator means the default one, as in LibTorch.
  EXPECT_EQ(rand({3}, undefined).numel(), 3);
}

TEST(Generator, SeedIsNonDeterministicAndReproducible) {
  Generator g = make_generator<CPUGeneratorImpl>(0);
  const uint64_t s1 = g.seed();
  const auto a = values(rand({4}, g));
  const uint64_t s2 = g.seed();
  EXPECT_NE(s1, s2);  // 53 random bits each
  EXPECT_LT(s1, uint64_t(1) << 53);
  g.set_current_seed(s1);
  EXPECT_EQ(values(rand({4}, g)), a);
  const uint64_t d = seed();  // the default generator
  EXPECT_EQ(initial_seed(), d);
}

TEST(RandomArguments, MistakesAreErrorsNamingTheFunction) {
  expect_error([] { (void)empty({3}, kInt64).uniform_(); }, {"uniform_", "floating-point", "Long"});
  expect_error([] { (void)empty({3}).uniform_(1, 0); }, {"uniform_", "from <= to"});
  expect_error([] { (void)empty({3}).normal_(0, -1); }, {"normal_", "std >= 0.0"});
  expect_error([] { (void)empty({3}).bernoulli_(1.5); }, {"bernoulli_", "[0, 1]"});
  expect_error([] { (void)bernoulli(tensor({0.2, -0.1})); }, {"bernoulli_", "[0, 1]"});
  expect_error([] { (void)bernoulli(tensor({0.2, 1.5})); }, {"bernoulli_", "[0, 1]"});
  expect_error([] { (void)bernoulli(tensor({std::nan(""), 0.5})); }, {"bernoulli_", "[0, 1]"});
  EXPECT_EQ(bernoulli(tensor({0.0, 1.0, 1.0})).sum().item<double>(), 2.0);  // the ends are valid
  expect_error([] { (void)bernoulli(tensor({1, 0})); }, {"bernoulli_", "floating-point probabilities"});
  expect_error([] { (void)empty({3}, kInt64).random_(5, 5); }, {"random_", "from=5 >= to=5"});
  expect_error([] { (void)empty({3}, kUInt8).random_(0, 300); }, {"random_", "does not fit", "Byte", "0 to 255"});
  expect_error([] { (void)randint(3, 3, {2}); }, {"randint", "low < high"});
  expect_error([] { (void)randint(0, 3, {2}, kBool); }, {"random_", "does not fit", "Bool"});
  expect_error([] { (void)randperm(-1); }, {"randperm", "non-negative"});
  expect_error([] { (void)randperm(20000000, kFloat32); }, {"randperm", "too large", "Float"});
  expect_error([] { (void)randn({2}, kInt64); }, {"randn", "floating-point dtype"});
}

TEST(RandomArguments, RandomBoundsCoverTheDtype) {
  manual_seed(2);
  const auto bits = values(empty({2000}, kBool).random_());
  double ones = 0;
  for (double v : bits) ones += v;
  EXPECT_NEAR(ones / 2000, 0.5, 0.05);
  const auto u8 = values(empty({2000}, kUInt8).random_(250, std::optional<int64_t>()));  // [250, 255]
  for (double v : u8) ASSERT_TRUE(v >= 250 && v <= 255) << v;
  const auto any = values(empty({64}, kInt64).random_(std::numeric_limits<int64_t>::min(), std::optional<int64_t>()));
  bool negative = false;
  for (double v : any) negative |= v < 0;
  EXPECT_TRUE(negative);  // the full int64 range
}

}  // namespace
}  // namespace nabla
