#pragma once
// nabla::nn::functional: losses and layer functions with PyTorch's option structs.
#include <string>

#include "nabla/core/tensor.h"

namespace nabla {

/// How a loss reduces: Reduction::None / Mean / Sum (kNone, kMean, kSum). Spelled so that ATen's `at::Reduction::Mean`
/// works too: its values convert to int64_t, as ATen's positional losses take `int64_t reduction`, and back.
class Reduction {
 public:
  enum Value : int64_t { None = 0, Mean = 1, Sum = 2, END = 3 };
  constexpr Reduction(Value v = Mean) : value_(v) {}         // NOLINT: Reduction r = Reduction::Sum
  constexpr operator int64_t() const { return value_; }      // NOLINT: int64_t r = kSum; switch (r)
  /// From ATen's int64_t; anything but 0, 1, 2 is a nabla::Error naming `op`.
  static Reduction from_int(int64_t r, const char* op) {
    NABLA_CHECK(r >= None && r <= Sum, op, ": reduction must be Reduction::None (0), Mean (1) or Sum (2), got ", r);
    return Reduction(Value(r));
  }

 private:
  Value value_;
};
constexpr Reduction kNone = Reduction::None;
constexpr Reduction kMean = Reduction::Mean;
constexpr Reduction kSum = Reduction::Sum;

namespace nn::functional {

struct MSELossFuncOptions {
  MSELossFuncOptions(Reduction r = kMean) : reduction_(r) {}  // NOLINT
  MSELossFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  Reduction reduction() const { return reduction_; }

 private:
  Reduction reduction_;
};

/// (input - target)^2 reduced; shapes broadcast as in PyTorch.
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {});

struct DropoutFuncOptions {
  DropoutFuncOptions& p(double v) { p_ = v; return *this; }
  DropoutFuncOptions& training(bool v) { training_ = v; return *this; }
  DropoutFuncOptions& inplace(bool v) { inplace_ = v; return *this; }
  double p() const { return p_; }
  bool training() const { return training_; }
  bool inplace() const { return inplace_; }

 private:
  double p_ = 0.5;
  bool training_ = true;
  bool inplace_ = false;
};

/// Zeroes each element with probability p and scales the rest by 1/(1-p) when training.
Tensor dropout(const Tensor& input, const DropoutFuncOptions& options = {});

}  // namespace nn::functional
/// torch::dropout(input, p, train)
Tensor dropout(const Tensor& input, double p, bool train);
}  // namespace nabla
#include "nabla/nn/functional/loss.h"
#include "nabla/nn/functional/norm.h"
#include "nabla/nn/functional/conv.h"
#include "nabla/nn/functional/linear.h"
#include "nabla/nn/functional/activation.h"
#include "nabla/nn/functional/aten.h"
