// The CPU generator (PyTorch's mt19937 and its state layout) and the default-generator functions.
#include "nabla/core/generator.h"

#include <cstring>
#include <random>

#include "core/make.h"
#include "nabla/core/tensor.h"

namespace nabla {

namespace {

// PyTorch's get_rng_state() layout (x86-64): its legacy TH state, then the cached float normal sample.
struct LegacyState {
  uint64_t the_initial_seed;
  int32_t left;
  int32_t seeded;
  uint64_t next;
  uint64_t state[MT19937::kN];
  double normal_x, normal_y, normal_rho;
  int32_t normal_is_valid;
};
struct StateBytes {
  LegacyState legacy;
  float next_float_normal_sample;
  bool is_next_float_normal_sample_valid;
};
static_assert(sizeof(StateBytes) == 5056, "PyTorch's CPU generator state is 5056 bytes");

uint64_t non_deterministic_seed() {
  std::random_device rd;
  // 53 bits, as PyTorch's getNonDeterministicRandom: the seed survives a round trip through a Python float.
  return ((uint64_t(rd()) << 32) + rd()) & 0x1FFFFFFFFFFFFFULL;
}

}  // namespace

void MT19937::reseed(uint64_t seed) {
  seed_ = seed;
  seeded_ = true;
  state_[0] = uint32_t(seed);
  for (int j = 1; j < kN; ++j) state_[size_t(j)] = 1812433253u * (state_[size_t(j - 1)] ^ (state_[size_t(j - 1)] >> 30)) + uint32_t(j);
  left_ = 1;
  next_ = 0;
}

void MT19937::regenerate() {
  constexpr int kM = 397;
  auto twist = [](uint32_t u, uint32_t v) {
    const uint32_t mixed = (u & 0x80000000u) | (v & 0x7fffffffu);
    return (mixed >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
  };
  uint32_t* s = state_.data();
  for (int j = 0; j < kN - kM; ++j) s[j] = s[j + kM] ^ twist(s[j], s[j + 1]);
  for (int j = kN - kM; j < kN - 1; ++j) s[j] = s[j + kM - kN] ^ twist(s[j], s[j + 1]);
  s[kN - 1] = s[kM - 1] ^ twist(s[kN - 1], s[0]);
  left_ = kN;
  next_ = 0;
}

uint64_t GeneratorImpl::seed() {
  const uint64_t s = non_deterministic_seed();
  set_current_seed(s);
  return s;
}

CPUGeneratorImpl::CPUGeneratorImpl(uint64_t seed) : GeneratorImpl(Device(kCPU)), engine_(seed) {}

void CPUGeneratorImpl::set_current_seed(uint64_t seed) {
  next_float_normal_.reset();
  next_double_normal_.reset();
  engine_.reseed(seed);
}

Tensor CPUGeneratorImpl::get_state() const {
  StateBytes b{};
  b.legacy.the_initial_seed = engine_.seed_;
  b.legacy.left = engine_.left_;
  b.legacy.seeded = engine_.seeded_;
  b.legacy.next = engine_.next_;
  for (int j = 0; j < MT19937::kN; ++j) b.legacy.state[j] = engine_.state_[size_t(j)];
  b.legacy.normal_is_valid = next_double_normal_.has_value();
  b.legacy.normal_y = next_double_normal_.value_or(0.0);
  b.is_next_float_normal_sample_valid = next_float_normal_.has_value();
  b.next_float_normal_sample = next_float_normal_.value_or(0.0f);
  Tensor out = detail::make_empty({int64_t(sizeof(StateBytes))}, kUInt8);
  std::memcpy(out.data_ptr(), &b, sizeof b);
  return out;
}

void CPUGeneratorImpl::set_state(const Tensor& state) {
  NABLA_CHECK(state.defined(), "set_rng_state: the state tensor is undefined");
  NABLA_CHECK(state.dtype() == kUInt8 && state.device().is_cpu(),
              "set_rng_state: expected a CPU uint8 tensor (from get_rng_state()), got ", state.dtype(), " on ",
              state.device());
  NABLA_CHECK(state.numel() == int64_t(sizeof(StateBytes)), "set_rng_state: expected a CPU generator state of ",
              sizeof(StateBytes), " bytes (from get_rng_state()), got ", state.numel());
  StateBytes b;
  std::memcpy(&b, state.contiguous().data_ptr(), sizeof b);
  MT19937 e;
  e.seed_ = b.legacy.the_initial_seed;
  e.left_ = b.legacy.left;
  e.seeded_ = b.legacy.seeded != 0;
  e.next_ = uint32_t(b.legacy.next);
  for (int j = 0; j < MT19937::kN; ++j) e.state_[size_t(j)] = uint32_t(b.legacy.state[j]);
  NABLA_CHECK(e.seeded_ && e.left_ > 0 && e.left_ <= MT19937::kN && b.legacy.next <= uint64_t(MT19937::kN),
              "set_rng_state: invalid mt19937 state (seeded ", b.legacy.seeded, ", left ", b.legacy.left, ", next ",
              b.legacy.next, "); pass a tensor saved by get_rng_state()");
  engine_ = e;
  next_float_normal_ = b.is_next_float_normal_sample_valid ? std::optional<float>(b.next_float_normal_sample)
                                                           : std::nullopt;
  next_double_normal_ = b.legacy.normal_is_valid ? std::optional<double>(b.legacy.normal_y) : std::nullopt;
}

std::shared_ptr<GeneratorImpl> CPUGeneratorImpl::clone() const {
  auto g = std::make_shared<CPUGeneratorImpl>();
  g->engine_ = engine_;
  g->next_float_normal_ = next_float_normal_;
  g->next_double_normal_ = next_double_normal_;
  return g;
}

Tensor Generator::get_state() const {
  GeneratorImpl& g = checked();
  std::lock_guard<std::mutex> lock(g.mutex_);
  return g.get_state();
}

void Generator::set_state(const Tensor& state) {
  GeneratorImpl& g = checked();
  std::lock_guard<std::mutex> lock(g.mutex_);
  g.set_state(state);
}

namespace detail {
const Generator& getDefaultCPUGenerator() {
  static const Generator g = createCPUGenerator(kDefaultRngSeed);
  return g;
}
Generator createCPUGenerator(uint64_t seed) { return make_generator<CPUGeneratorImpl>(seed); }
}  // namespace detail

CPUGeneratorImpl& cpu_generator(const std::optional<Generator>& gen, const char* op) {
  if (!gen || !gen->defined()) return *detail::getDefaultCPUGenerator().get<CPUGeneratorImpl>();
  auto* cpu = gen->get<CPUGeneratorImpl>();
  NABLA_CHECK(cpu != nullptr, op, ": expected a CPU generator, got one for ", gen->device(),
              "; make one with make_generator<CPUGeneratorImpl>(seed)");
  return *cpu;
}

void manual_seed(uint64_t seed) {
  Generator g = detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(seed);
}

uint64_t initial_seed() {
  Generator g = detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  return g.current_seed();
}

uint64_t seed() {
  Generator g = detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  return g.seed();
}

Tensor get_rng_state() { return detail::getDefaultCPUGenerator().get_state(); }
void set_rng_state(const Tensor& state) {
  Generator g = detail::getDefaultCPUGenerator();
  g.set_state(state);
}

}  // namespace nabla
