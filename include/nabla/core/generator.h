#pragma once
// Random number generators, as in PyTorch: a Generator is a shared handle to one device's generator state. The CPU
// generator is PyTorch's: a 32-bit Mersenne Twister (mt19937) seeded with the seed's low 32 bits, plus the cached
// second normal sample of Box-Muller, so manual_seed(s) followed by the same calls gives PyTorch's numbers (the
// distributions are in backend/cpu/kernels/random.cpp). get_state() is PyTorch's 5056-byte layout, so a state saved by
// torch.get_rng_state() loads here and the other way round.
#include <array>
#include <cstdint>
#include <memory>
#if __has_include(<bits/std_mutex.h>)
#include <bits/std_mutex.h>  // libstdc++'s std::mutex and std::lock_guard alone: <mutex> adds timed mutexes and <chrono>
#else
#include <mutex>
#endif
#include <optional>

#include "nabla/core/device.h"
#include "nabla/core/error.h"

namespace nabla {

class Tensor;

/// The seed of the default CPU generator before any manual_seed (PyTorch's default_rng_seed_val; PyTorch itself
/// seeds its default generator from /dev/urandom at start-up, nabla keeps runs repeatable).
constexpr uint64_t kDefaultRngSeed = 67280421310721ULL;

/// The state of one device's generator. Callers that draw lock mutex_ first (PyTorch's rule).
class GeneratorImpl {
 public:
  explicit GeneratorImpl(Device device) : device_(device) {}
  GeneratorImpl(const GeneratorImpl&) = delete;
  GeneratorImpl& operator=(const GeneratorImpl&) = delete;
  virtual ~GeneratorImpl() = default;
  virtual void set_current_seed(uint64_t seed) = 0;
  virtual uint64_t current_seed() const = 0;
  /// Seeds from a non-deterministic source and returns that seed.
  uint64_t seed();
  /// The whole state as a uint8 tensor (for the CPU: PyTorch's 5056 bytes).
  virtual Tensor get_state() const = 0;
  /// Restores get_state()'s tensor; a tensor of another size or dtype, or a damaged state, is a nabla::Error.
  virtual void set_state(const Tensor& state) = 0;
  virtual std::shared_ptr<GeneratorImpl> clone() const = 0;
  Device device() const { return device_; }
  std::mutex mutex_;

 private:
  Device device_;
};

/// PyTorch's 32-bit mt19937 with its (left, next) bookkeeping, so the state round-trips through PyTorch's layout.
class MT19937 {
 public:
  static constexpr int kN = 624;
  explicit MT19937(uint64_t seed = 5489) { reseed(seed); }
  void reseed(uint64_t seed);
  uint32_t operator()() {
    if (--left_ == 0) regenerate();
    uint32_t y = state_[size_t(next_++)];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }
  uint64_t seed() const { return seed_; }

  // The raw state (get_state / set_state).
  uint64_t seed_ = 0;
  int left_ = 1;
  bool seeded_ = false;
  uint32_t next_ = 0;
  std::array<uint32_t, kN> state_{};

 private:
  void regenerate();
};

/// PyTorch's CPUGeneratorImpl: random() is one 32-bit draw, random64() two (the first is the high half).
class CPUGeneratorImpl final : public GeneratorImpl {
 public:
  explicit CPUGeneratorImpl(uint64_t seed = kDefaultRngSeed);
  void set_current_seed(uint64_t seed) override;
  uint64_t current_seed() const override { return engine_.seed(); }
  Tensor get_state() const override;
  void set_state(const Tensor& state) override;
  std::shared_ptr<GeneratorImpl> clone() const override;

  uint32_t random() { return engine_(); }
  uint64_t random64() {
    const uint64_t hi = engine_();
    return (hi << 32) | engine_();
  }
  std::optional<float> next_float_normal_sample() const { return next_float_normal_; }
  std::optional<double> next_double_normal_sample() const { return next_double_normal_; }
  void set_next_float_normal_sample(std::optional<float> v) { next_float_normal_ = v; }
  void set_next_double_normal_sample(std::optional<double> v) { next_double_normal_ = v; }

 private:
  MT19937 engine_;
  std::optional<float> next_float_normal_;
  std::optional<double> next_double_normal_;
};

/// A shared handle to a generator (copies share the state; clone() copies it), as at::Generator.
class Generator {
 public:
  Generator() = default;
  explicit Generator(std::shared_ptr<GeneratorImpl> impl) : impl_(std::move(impl)) {}
  bool defined() const { return impl_ != nullptr; }
  void set_current_seed(uint64_t seed) { checked().set_current_seed(seed); }
  uint64_t current_seed() const { return checked().current_seed(); }
  uint64_t seed() { return checked().seed(); }
  Tensor get_state() const;
  void set_state(const Tensor& state);
  Generator clone() const { return Generator(checked().clone()); }
  Device device() const { return checked().device(); }
  std::mutex& mutex() { return checked().mutex_; }
  GeneratorImpl* unsafeGetGeneratorImpl() const { return impl_.get(); }
  /// The implementation as T (e.g. CPUGeneratorImpl), or nullptr when it is another kind.
  template <typename T>
  T* get() const {
    return dynamic_cast<T*>(impl_.get());
  }
  bool operator==(const Generator& o) const { return impl_ == o.impl_; }
  bool operator!=(const Generator& o) const { return impl_ != o.impl_; }

 private:
  GeneratorImpl& checked() const {
    NABLA_CHECK(impl_ != nullptr, "Generator: this generator is undefined (default-constructed); make one with "
                                  "make_generator<CPUGeneratorImpl>(seed)");
    return *impl_;
  }
  std::shared_ptr<GeneratorImpl> impl_;
};

/// A new generator of type Impl: make_generator<CPUGeneratorImpl>(seed).
template <typename Impl, typename... Args>
Generator make_generator(Args&&... args) {
  return Generator(std::make_shared<Impl>(std::forward<Args>(args)...));
}

namespace detail {
/// The default CPU generator that the random functions use when given none.
const Generator& getDefaultCPUGenerator();
Generator createCPUGenerator(uint64_t seed = kDefaultRngSeed);
}  // namespace detail

/// `gen`'s CPU implementation, or the default CPU generator's when gen is nullopt or undefined; a generator of
/// another device is a nabla::Error naming `op`.
CPUGeneratorImpl& cpu_generator(const std::optional<Generator>& gen, const char* op);

/// Seeds the default generator (all of them, once there are other devices): the numbers that follow are PyTorch's.
void manual_seed(uint64_t seed);
/// The default CPU generator's seed.
uint64_t initial_seed();
/// Seeds the default CPU generator non-deterministically and returns the seed.
uint64_t seed();
/// The default CPU generator's state (torch.get_rng_state(): a uint8 tensor of 5056 bytes).
Tensor get_rng_state();
/// Restores a state from get_rng_state() (or from torch.get_rng_state()).
void set_rng_state(const Tensor& state);

}  // namespace nabla
