#pragma once
// Conv1d, Conv2d and ConvTranspose2d (torch::nn::Conv1d, Conv2d, ConvTranspose2d).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nabla/nn/functional/conv.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

/// Conv2dOptions(in_channels, out_channels, kernel_size).stride(2).padding(1).dilation(1).groups(1).bias(true)
struct Conv2dOptions {
  Conv2dOptions(int64_t in_channels, int64_t out_channels, ExpandingArray2 kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  NABLA_ARG(int64_t, in_channels, 0);
  NABLA_ARG(int64_t, out_channels, 0);
  NABLA_ARG(ExpandingArray2, kernel_size, 1);
  NABLA_ARG(ExpandingArray2, stride, 1);
  NABLA_ARG(ExpandingArray2, padding, 0);
  NABLA_ARG(ExpandingArray2, dilation, 1);
  NABLA_ARG(int64_t, groups, 1);
  NABLA_ARG(bool, bias, true);
};

/// weight (out, in/groups, kh, kw) ~ kaiming_uniform_(a=sqrt(5)); bias (out) ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
class Conv2dImpl : public Module {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray2 kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(const Conv2dOptions& options);
  void reset();
  void reset_parameters();
  /// x (N, in, H, W) -> (N, out, OH, OW)
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  Conv2dOptions options;
  Tensor weight;
  Tensor bias;  ///< undefined when options.bias() is false
};
NABLA_MODULE(Conv2d);

/// Conv1dOptions(in_channels, out_channels, kernel_size).stride(2).padding(1).dilation(1).groups(1).bias(true)
struct Conv1dOptions {
  Conv1dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  NABLA_ARG(int64_t, in_channels, 0);
  NABLA_ARG(int64_t, out_channels, 0);
  NABLA_ARG(int64_t, kernel_size, 1);
  NABLA_ARG(int64_t, stride, 1);
  NABLA_ARG(int64_t, padding, 0);
  NABLA_ARG(int64_t, dilation, 1);
  NABLA_ARG(int64_t, groups, 1);
  NABLA_ARG(bool, bias, true);
};

/// weight (out, in/groups, k) ~ kaiming_uniform_(a=sqrt(5)); bias (out) ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
class Conv1dImpl : public Module {
 public:
  Conv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv1dImpl(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv1dImpl(const Conv1dOptions& options);
  void reset();
  void reset_parameters();
  /// x (N, in, L) -> (N, out, OL)
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  Conv1dOptions options;
  Tensor weight;
  Tensor bias;  ///< undefined when options.bias() is false
};
NABLA_MODULE(Conv1d);

/// ConvTranspose2dOptions(in_channels, out_channels, kernel_size).stride(2).padding(1).output_padding(1)
///     .groups(1).bias(true).dilation(1)
struct ConvTranspose2dOptions {
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, ExpandingArray2 kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  NABLA_ARG(int64_t, in_channels, 0);
  NABLA_ARG(int64_t, out_channels, 0);
  NABLA_ARG(ExpandingArray2, kernel_size, 1);
  NABLA_ARG(ExpandingArray2, stride, 1);
  NABLA_ARG(ExpandingArray2, padding, 0);
  NABLA_ARG(ExpandingArray2, output_padding, 0);
  NABLA_ARG(int64_t, groups, 1);
  NABLA_ARG(bool, bias, true);
  NABLA_ARG(ExpandingArray2, dilation, 1);
};

/// weight (in, out/groups, kh, kw) ~ kaiming_uniform_(a=sqrt(5)) with fan_in = out/groups * kh * kw (PyTorch's);
/// bias (out) ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
class ConvTranspose2dImpl : public Module {
 public:
  ConvTranspose2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray2 kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose2dImpl(const ConvTranspose2dOptions& options);
  void reset();
  void reset_parameters();
  /// x (N, in, H, W) -> (N, out, OH, OW). output_size ((OH, OW) or (N, out, OH, OW)) picks the output_padding
  /// that gives that size, as PyTorch; it must lie within [min, min + stride - 1] per dim.
  Tensor forward(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size = std::nullopt);
  std::string extra_repr() const override;

  ConvTranspose2dOptions options;
  Tensor weight;
  Tensor bias;  ///< undefined when options.bias() is false
};
NABLA_MODULE(ConvTranspose2d);

}  // namespace nabla::nn
