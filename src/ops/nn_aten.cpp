// ATen's positional functions (nn/functional/aten.h): argument conversion, then nn::functional.
#include "nabla/nn/functional/aten.h"

#include "nabla/nn/functional.h"

namespace nabla {

namespace {
namespace F = nn::functional;

Tensor value_or_undefined(const std::optional<Tensor>& t) { return t ? *t : Tensor(); }

// A 2-d size from ATen's int[2]: one value means it for both dims; `fallback` when empty (a stride defaults to the
// kernel size).
ExpandingArray2 pair_of(IntArrayRef v, const char* op, const char* what, std::optional<ExpandingArray2> fallback = {}) {
  if (v.size() == 0 && fallback) return *fallback;
  NABLA_CHECK(v.size() == 1 || v.size() == 2, op, ": ", what, " must have 1 or 2 values, got ", v.size());
  return ExpandingArray2{v[0], v[v.size() - 1]};
}

int64_t single(IntArrayRef v, const char* op, const char* what) {
  NABLA_CHECK(v.size() == 1, op, ": ", what, " must have 1 value, got ", v.size());
  return v[0];
}
}  // namespace

Tensor nll_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight, int64_t reduction,
                int64_t ignore_index) {
  return F::nll_loss(self, target,
                     F::NLLLossFuncOptions()
                         .weight(value_or_undefined(weight))
                         .ignore_index(ignore_index)
                         .reduction(Reduction::from_int(reduction, "nll_loss")));
}

Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                          int64_t reduction, int64_t ignore_index, double label_smoothing) {
  return F::cross_entropy(self, target,
                          F::CrossEntropyFuncOptions()
                              .weight(value_or_undefined(weight))
                              .ignore_index(ignore_index)
                              .reduction(Reduction::from_int(reduction, "cross_entropy_loss"))
                              .label_smoothing(label_smoothing));
}

Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return F::mse_loss(self, target, Reduction::from_int(reduction, "mse_loss"));
}

Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return F::l1_loss(self, target, Reduction::from_int(reduction, "l1_loss"));
}

Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  return F::smooth_l1_loss(self, target,
                           F::SmoothL1LossFuncOptions(Reduction::from_int(reduction, "smooth_l1_loss")).beta(beta));
}

Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  return F::huber_loss(self, target, F::HuberLossFuncOptions(Reduction::from_int(reduction, "huber_loss")).delta(delta));
}

Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                            int64_t reduction) {
  return F::binary_cross_entropy(self, target,
                                 F::BinaryCrossEntropyFuncOptions()
                                     .weight(value_or_undefined(weight))
                                     .reduction(Reduction::from_int(reduction, "binary_cross_entropy")));
}

Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const std::optional<Tensor>& weight,
                                        const std::optional<Tensor>& pos_weight, int64_t reduction) {
  return F::binary_cross_entropy_with_logits(
      self, target,
      F::BinaryCrossEntropyWithLogitsFuncOptions()
          .weight(value_or_undefined(weight))
          .pos_weight(value_or_undefined(pos_weight))
          .reduction(Reduction::from_int(reduction, "binary_cross_entropy_with_logits")));
}

Tensor kl_div(const Tensor& self, const Tensor& target, int64_t reduction, bool log_target) {
  return F::kl_div(self, target, F::KLDivFuncOptions(Reduction::from_int(reduction, "kl_div")).log_target(log_target));
}

Tensor max_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  const ExpandingArray2 k = pair_of(kernel_size, "max_pool2d", "kernel_size");
  return F::max_pool2d(self, F::MaxPool2dFuncOptions(k)
                                 .stride(pair_of(stride, "max_pool2d", "stride", k))
                                 .padding(pair_of(padding, "max_pool2d", "padding"))
                                 .dilation(pair_of(dilation, "max_pool2d", "dilation"))
                                 .ceil_mode(ceil_mode));
}

Tensor avg_pool2d(const Tensor& self, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  const ExpandingArray2 k = pair_of(kernel_size, "avg_pool2d", "kernel_size");
  return F::avg_pool2d(self, F::AvgPool2dFuncOptions(k)
                                 .stride(pair_of(stride, "avg_pool2d", "stride", k))
                                 .padding(pair_of(padding, "avg_pool2d", "padding"))
                                 .ceil_mode(ceil_mode)
                                 .count_include_pad(count_include_pad)
                                 .divisor_override(divisor_override));
}

Tensor adaptive_avg_pool2d(const Tensor& self, IntArrayRef output_size) {
  return F::adaptive_avg_pool2d(self, F::AdaptiveAvgPool2dFuncOptions(
                                          pair_of(output_size, "adaptive_avg_pool2d", "output_size")));
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return F::conv1d(input, weight,
                   F::Conv1dFuncOptions()
                       .bias(value_or_undefined(bias))
                       .stride(single(stride, "conv1d", "stride"))
                       .padding(single(padding, "conv1d", "padding"))
                       .dilation(single(dilation, "conv1d", "dilation"))
                       .groups(groups));
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, int64_t groups) {
  return F::conv2d(input, weight,
                   F::Conv2dFuncOptions()
                       .bias(value_or_undefined(bias))
                       .stride(pair_of(stride, "conv2d", "stride"))
                       .padding(pair_of(padding, "conv2d", "padding"))
                       .dilation(pair_of(dilation, "conv2d", "dilation"))
                       .groups(groups));
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
                        IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding, int64_t groups,
                        IntArrayRef dilation) {
  return F::conv_transpose2d(input, weight,
                             F::ConvTranspose2dFuncOptions()
                                 .bias(value_or_undefined(bias))
                                 .stride(pair_of(stride, "conv_transpose2d", "stride"))
                                 .padding(pair_of(padding, "conv_transpose2d", "padding"))
                                 .output_padding(pair_of(output_padding, "conv_transpose2d", "output_padding"))
                                 .groups(groups)
                                 .dilation(pair_of(dilation, "conv_transpose2d", "dilation")));
}

Tensor batch_norm(const Tensor& input, const std::optional<Tensor>& weight, const std::optional<Tensor>& bias,
                  const std::optional<Tensor>& running_mean, const std::optional<Tensor>& running_var, bool training,
                  double momentum, double eps, bool /*cudnn_enabled*/) {
  return F::batch_norm(input, value_or_undefined(running_mean), value_or_undefined(running_var),
                       F::BatchNormFuncOptions()
                           .weight(value_or_undefined(weight))
                           .bias(value_or_undefined(bias))
                           .training(training)
                           .momentum(momentum)
                           .eps(eps));
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const std::optional<Tensor>& weight,
                  const std::optional<Tensor>& bias, double eps, bool /*cudnn_enable*/) {
  return F::layer_norm(input, F::LayerNormFuncOptions(normalized_shape.vec())
                                  .weight(value_or_undefined(weight))
                                  .bias(value_or_undefined(bias))
                                  .eps(eps));
}

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq,
                 bool sparse) {
  NABLA_CHECK(!scale_grad_by_freq, "embedding: scale_grad_by_freq=true is not supported yet; pass false");
  NABLA_CHECK(!sparse, "embedding: sparse gradients are not supported; pass sparse=false");
  F::EmbeddingFuncOptions o;
  if (padding_idx >= 0) o.padding_idx(padding_idx);
  return F::embedding(indices, weight, o);
}

Tensor linear(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias) {
  return F::linear(input, weight, value_or_undefined(bias));
}

}  // namespace nabla
