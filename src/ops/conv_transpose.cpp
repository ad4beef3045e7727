// conv_transpose2d: conv2d's input gradient (the recorded Conv2dBackwardInput op), so its gradients are
// conv2d (w.r.t. input) and conv2d's weight gradient (w.r.t. weight), and every order closes as for conv2d.
#include "nabla/nn/functional/conv.h"
#include "ops/conv_common.h"

namespace nabla::nn::functional {

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& o) {
  const Tensor& bias = o.bias();
  NABLA_CHECK(input.defined() && weight.defined(), "conv_transpose2d: input and weight must be defined tensors");
  NABLA_CHECK(input.dim() == 4, "conv_transpose2d: expected input with 4 dims (N, C, H, W), got ", input.dim(),
              " dims (shape ", input.sizes().vec(), ")");
  NABLA_CHECK(weight.dim() == 4,
              "conv_transpose2d: expected weight with 4 dims (in_channels, out_channels/groups, kH, kW), got ",
              weight.dim(), " dims (shape ", weight.sizes().vec(), ")");
  const int64_t groups = o.groups();
  NABLA_CHECK(groups >= 1, "conv_transpose2d: groups must be positive, got ", groups);
  NABLA_CHECK(input.dtype() == weight.dtype(), "conv_transpose2d: input and weight must have the same dtype, got ",
              input.dtype(), " and ", weight.dtype());
  NABLA_CHECK(!input.is_cuda() && !weight.is_cuda(), "conv_transpose2d: only CPU tensors are supported");
  const auto &s = o.stride(), &pad = o.padding(), &d = o.dilation(), &op = o.output_padding();
  for (int i = 0; i < 2; ++i) {
    NABLA_CHECK(s[i] >= 1, "conv_transpose2d: stride must be positive, got (", s[0], ", ", s[1], ")");
    NABLA_CHECK(pad[i] >= 0, "conv_transpose2d: padding must be non-negative, got (", pad[0], ", ", pad[1], ")");
    NABLA_CHECK(d[i] >= 1, "conv_transpose2d: dilation must be positive, got (", d[0], ", ", d[1], ")");
    NABLA_CHECK(op[i] >= 0 && (op[i] < s[i] || op[i] < d[i]),
                "conv_transpose2d: output padding must be smaller than either stride or dilation, got output_padding (",
                op[0], ", ", op[1], "), stride (", s[0], ", ", s[1], "), dilation (", d[0], ", ", d[1], ")");
  }
  NABLA_CHECK(input.size(1) == weight.size(0), "conv_transpose2d: input ", input.sizes().vec(), " has ", input.size(1),
              " channels, but weight ", weight.sizes().vec(), " expects ", weight.size(0),
              " (weight is (in_channels, out_channels/groups, kH, kW))");
  NABLA_CHECK(weight.size(0) % groups == 0, "conv_transpose2d: in_channels (", weight.size(0), ") of weight ",
              weight.sizes().vec(), " must be divisible by groups (", groups, ")");
  const int64_t out_channels = weight.size(1) * groups;
  if (bias.defined()) {
    NABLA_CHECK(bias.dim() == 1 && bias.size(0) == out_channels, "conv_transpose2d: expected bias of shape [",
                out_channels, "], got ", bias.sizes().vec());
    NABLA_CHECK(bias.dtype() == input.dtype(), "conv_transpose2d: bias dtype ", bias.dtype(),
                " differs from input dtype ", input.dtype());
  }
  int64_t out[2];
  for (int i = 0; i < 2; ++i)
    out[i] = (input.size(2 + i) - 1) * s[i] - 2 * pad[i] + d[i] * (weight.size(2 + i) - 1) + op[i] + 1;
  NABLA_CHECK(out[0] >= 1 && out[1] >= 1, "conv_transpose2d: input ", input.sizes().vec(), " with weight ",
              weight.sizes().vec(), ", stride (", s[0], ", ", s[1], "), padding (", pad[0], ", ", pad[1],
              ") and dilation (", d[0], ", ", d[1], ") gives an empty output ", out[0], "x", out[1]);
  // The conv2d whose input gradient this is maps (N, Cout, OH, OW) to exactly input's (H, W).
  const conv_detail::ConvParams p{s[0], s[1], pad[0], pad[1], d[0], d[1], groups, input.size(2), input.size(3)};
  Tensor y = conv_detail::conv_backward_input(input, weight, {input.size(0), out_channels, out[0], out[1]}, p);
  return bias.defined() ? y + bias.reshape({1, out_channels, 1, 1}) : y;
}

}  // namespace nabla::nn::functional
