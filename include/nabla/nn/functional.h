#pragma once
// nabla::nn::functional: losses and layer functions with PyTorch's option structs.
#include <string>
#include <variant>

#include "nabla/core/tensor.h"

namespace nabla {

enum class Reduction { None, Mean, Sum };
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
