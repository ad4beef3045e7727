#pragma once
// Conv2d (torch::nn::Conv2d).
#include <cstdint>
#include <string>

#include "nabla/nn/functional/conv.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

/// Conv2dOptions(in_channels, out_channels, kernel_size).stride(2).padding(1).dilation(1).groups(1).bias(true)
struct Conv2dOptions {
  Conv2dOptions(int64_t in_channels, int64_t out_channels, ExpandingArray2 kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  Conv2dOptions& in_channels(int64_t v) { in_channels_ = v; return *this; }
  Conv2dOptions& out_channels(int64_t v) { out_channels_ = v; return *this; }
  Conv2dOptions& kernel_size(ExpandingArray2 v) { kernel_size_ = v; return *this; }
  Conv2dOptions& stride(ExpandingArray2 v) { stride_ = v; return *this; }
  Conv2dOptions& padding(ExpandingArray2 v) { padding_ = v; return *this; }
  Conv2dOptions& dilation(ExpandingArray2 v) { dilation_ = v; return *this; }
  Conv2dOptions& groups(int64_t v) { groups_ = v; return *this; }
  Conv2dOptions& bias(bool v) { bias_ = v; return *this; }
  int64_t in_channels() const { return in_channels_; }
  int64_t out_channels() const { return out_channels_; }
  const ExpandingArray2& kernel_size() const { return kernel_size_; }
  const ExpandingArray2& stride() const { return stride_; }
  const ExpandingArray2& padding() const { return padding_; }
  const ExpandingArray2& dilation() const { return dilation_; }
  int64_t groups() const { return groups_; }
  bool bias() const { return bias_; }

 private:
  int64_t in_channels_, out_channels_;
  ExpandingArray2 kernel_size_;
  ExpandingArray2 stride_ = 1, padding_ = 0, dilation_ = 1;
  int64_t groups_ = 1;
  bool bias_ = true;
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

}  // namespace nabla::nn
