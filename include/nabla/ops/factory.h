#pragma once
// Factories and random numbers. manual_seed(s) gives PyTorch's numbers, on every run, whatever the thread count.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "nabla/core/std_function.h"
#include "nabla/core/tensor.h"

namespace nabla {

// A nested initializer list of numbers: tensor({{1, 2}, {3, 4}}).
class NestedList {
 public:
  NestedList(double v) : is_scalar_(true), value_(v) {}                                  // NOLINT
  NestedList(float v) : is_scalar_(true), value_(v) {}                                   // NOLINT
  NestedList(int v) : is_scalar_(true), is_integral_(true), value_(v) {}                 // NOLINT
  NestedList(long v) : is_scalar_(true), is_integral_(true), value_(double(v)) {}        // NOLINT
  NestedList(long long v) : is_scalar_(true), is_integral_(true), value_(double(v)) {}   // NOLINT
  NestedList(bool v) : is_scalar_(true), is_integral_(true), is_bool_(true), value_(v) {}  // NOLINT
  NestedList(std::initializer_list<NestedList> l) : children_(l) {}  // NOLINT
  bool is_scalar() const { return is_scalar_; }
  bool is_integral() const { return is_integral_; }
  bool is_bool() const { return is_bool_; }
  double value() const { return value_; }
  const std::vector<NestedList>& children() const { return children_; }

 private:
  bool is_scalar_ = false;
  bool is_integral_ = false;
  bool is_bool_ = false;
  double value_ = 0;
  std::vector<NestedList> children_;
};

/// From nested lists: kInt64 for integers, kBool for bools, kFloat32 otherwise, unless options give a dtype.
Tensor tensor(std::initializer_list<NestedList> values, const TensorOptions& options = {});
/// 0-dim tensor: kFloat32 for a floating value, kInt64 for an integer, kBool for a bool, unless options give one.
Tensor tensor(const Scalar& value, const TensorOptions& options = {});
Tensor scalar_tensor(const Scalar& value, const TensorOptions& options = {});
template <typename T>
Tensor tensor(const std::vector<T>& values, const TensorOptions& options = {});
/// Wraps memory without copying; `deleter` (optional) runs when the storage dies.
Tensor from_blob(void* data, IntArrayRef sizes, const TensorOptions& options = {});
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const TensorOptions& options = {});
Tensor from_blob(void* data, IntArrayRef sizes, std::function<void(void*)> deleter, const TensorOptions& options = {});

Tensor empty(IntArrayRef size, const TensorOptions& options = {});
Tensor empty_strided(IntArrayRef size, IntArrayRef strides, const TensorOptions& options = {});
Tensor zeros(IntArrayRef size, const TensorOptions& options = {});
Tensor ones(IntArrayRef size, const TensorOptions& options = {});
Tensor full(IntArrayRef size, const Scalar& value, const TensorOptions& options = {});
Tensor empty_like(const Tensor& t, const TensorOptions& options = {});
Tensor zeros_like(const Tensor& t, const TensorOptions& options = {});
Tensor ones_like(const Tensor& t, const TensorOptions& options = {});
Tensor full_like(const Tensor& t, const Scalar& value, const TensorOptions& options = {});
Tensor rand_like(const Tensor& t, const TensorOptions& options = {});
Tensor randn_like(const Tensor& t, const TensorOptions& options = {});
/// [0, end), [start, end) step: kInt64 when all arguments are integral, else kFloat32.
Tensor arange(const Scalar& end, const TensorOptions& options = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step = 1, const TensorOptions& options = {});
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& options = {});
Tensor eye(int64_t n, const TensorOptions& options = {});
Tensor eye(int64_t n, int64_t m, const TensorOptions& options = {});

// Random tensors, drawn from `generator` (the default CPU generator when none: see core/generator.h for
// manual_seed, get_rng_state and Generator objects). A seed gives PyTorch's numbers.
/// Uniform [0, 1).
Tensor rand(IntArrayRef size, const TensorOptions& options = {});
Tensor rand(IntArrayRef size, std::optional<Generator> generator, const TensorOptions& options = {});
/// Standard normal.
Tensor randn(IntArrayRef size, const TensorOptions& options = {});
Tensor randn(IntArrayRef size, std::optional<Generator> generator, const TensorOptions& options = {});
/// Normal with `mean` and `std`.
Tensor normal(double mean, double std, IntArrayRef size, std::optional<Generator> generator = std::nullopt,
              const TensorOptions& options = {});
/// Integers in [low, high) (kInt64 by default).
Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& options = {});
Tensor randint(int64_t high, IntArrayRef size, std::optional<Generator> generator, const TensorOptions& options = {});
Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& options = {});
Tensor randint(int64_t low, int64_t high, IntArrayRef size, std::optional<Generator> generator,
               const TensorOptions& options = {});
Tensor randint_like(const Tensor& t, int64_t high, const TensorOptions& options = {});
Tensor randint_like(const Tensor& t, int64_t low, int64_t high, const TensorOptions& options = {});
/// A random permutation of 0..n-1 (kInt64 by default).
Tensor randperm(int64_t n, const TensorOptions& options = {});
Tensor randperm(int64_t n, std::optional<Generator> generator, const TensorOptions& options = {});
/// Each element 1 with probability p[i] (floating p; the result has p's dtype).
Tensor bernoulli(const Tensor& p, std::optional<Generator> generator = std::nullopt);
/// Each element 1 with probability p; the result has `like`'s shape and dtype.
Tensor bernoulli(const Tensor& like, double p, std::optional<Generator> generator = std::nullopt);

}  // namespace nabla
