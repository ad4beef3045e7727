#pragma once
// MaxPool2d, AvgPool2d and AdaptiveAvgPool2d (torch::nn's pooling modules); options are the functional ones.
#include <string>

#include "nabla/nn/functional/conv.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

using MaxPool2dOptions = functional::MaxPool2dFuncOptions;
using AvgPool2dOptions = functional::AvgPool2dFuncOptions;
using AdaptiveAvgPool2dOptions = functional::AdaptiveAvgPool2dFuncOptions;

class MaxPool2dImpl : public Module {
 public:
  explicit MaxPool2dImpl(const MaxPool2dOptions& options) : options(options) {}
  explicit MaxPool2dImpl(ExpandingArray2 kernel_size) : MaxPool2dImpl(MaxPool2dOptions(kernel_size)) {}
  Tensor forward(const Tensor& input) { return functional::max_pool2d(input, options); }
  std::string extra_repr() const override;
  MaxPool2dOptions options;
};
NABLA_MODULE(MaxPool2d);

class AvgPool2dImpl : public Module {
 public:
  explicit AvgPool2dImpl(const AvgPool2dOptions& options) : options(options) {}
  explicit AvgPool2dImpl(ExpandingArray2 kernel_size) : AvgPool2dImpl(AvgPool2dOptions(kernel_size)) {}
  Tensor forward(const Tensor& input) { return functional::avg_pool2d(input, options); }
  std::string extra_repr() const override;
  AvgPool2dOptions options;
};
NABLA_MODULE(AvgPool2d);

class AdaptiveAvgPool2dImpl : public Module {
 public:
  explicit AdaptiveAvgPool2dImpl(const AdaptiveAvgPool2dOptions& options) : options(options) {}
  explicit AdaptiveAvgPool2dImpl(ExpandingArray2 output_size) : AdaptiveAvgPool2dImpl(AdaptiveAvgPool2dOptions(output_size)) {}
  Tensor forward(const Tensor& input) { return functional::adaptive_avg_pool2d(input, options); }
  std::string extra_repr() const override;
  AdaptiveAvgPool2dOptions options;
};
NABLA_MODULE(AdaptiveAvgPool2d);

}  // namespace nabla::nn
