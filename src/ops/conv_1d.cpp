// conv1d as conv2d on a one-row image: (N, C, L) -> (N, C, 1, L) with a (1, k) kernel, so its gradients of
// every order are conv2d's. The checks are repeated here so that errors name conv1d and the 3-d shapes.
#include "nabla/nn/functional/conv.h"

namespace nabla::nn::functional {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& o) {
  const Tensor& bias = o.bias();
  NABLA_CHECK(input.defined() && weight.defined(), "conv1d: input and weight must be defined tensors");
  NABLA_CHECK(input.dim() == 3, "conv1d: expected input with 3 dims (N, C, L), got ", input.dim(), " dims (shape ",
              input.sizes().vec(), ")");
  NABLA_CHECK(weight.dim() == 3, "conv1d: expected weight with 3 dims (out_channels, in_channels/groups, k), got ",
              weight.dim(), " dims (shape ", weight.sizes().vec(), ")");
  const int64_t groups = o.groups();
  NABLA_CHECK(groups >= 1, "conv1d: groups must be positive, got ", groups);
  NABLA_CHECK(o.stride() >= 1, "conv1d: stride must be positive, got ", o.stride());
  NABLA_CHECK(o.padding() >= 0, "conv1d: padding must be non-negative, got ", o.padding());
  NABLA_CHECK(o.dilation() >= 1, "conv1d: dilation must be positive, got ", o.dilation());
  NABLA_CHECK(input.dtype() == weight.dtype(), "conv1d: input and weight must have the same dtype, got ", input.dtype(),
              " and ", weight.dtype());
  NABLA_CHECK(weight.size(0) % groups == 0, "conv1d: out_channels (", weight.size(0), ") of weight ",
              weight.sizes().vec(), " must be divisible by groups (", groups, ")");
  NABLA_CHECK(input.size(1) == weight.size(1) * groups, "conv1d: input ", input.sizes().vec(), " has ", input.size(1),
              " channels, but weight ", weight.sizes().vec(), " with groups=", groups, " expects ",
              weight.size(1) * groups, " channels");
  if (bias.defined()) {
    NABLA_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), "conv1d: expected bias of shape [", weight.size(0),
                "], got ", bias.sizes().vec());
    NABLA_CHECK(bias.dtype() == input.dtype(), "conv1d: bias dtype ", bias.dtype(), " differs from input dtype ",
                input.dtype());
  }
  const int64_t out = (input.size(2) + 2 * o.padding() - o.dilation() * (weight.size(2) - 1) - 1) / o.stride() + 1;
  NABLA_CHECK(input.size(2) + 2 * o.padding() >= o.dilation() * (weight.size(2) - 1) + 1, "conv1d: input ",
              input.sizes().vec(), " (padded by ", o.padding(), ") is shorter than the dilated kernel ",
              weight.sizes().vec(), " with dilation ", o.dilation(), ": output length would be ", out);
  Tensor y = conv2d(input.unsqueeze(2), weight.unsqueeze(2),
                    Conv2dFuncOptions()
                        .bias(bias)
                        .stride({1, o.stride()})
                        .padding({0, o.padding()})
                        .dilation({1, o.dilation()})
                        .groups(groups));
  return y.squeeze(2);
}

}  // namespace nabla::nn::functional
