#include "nabla/nn/modules/conv.h"

#include <cmath>
#include <sstream>

#include "nabla/nn/init.h"
#include "nabla/ops/factory.h"

namespace nabla::nn {
namespace {

bool all(const ExpandingArray2& a, int64_t v) { return a[0] == v && a[1] == v; }

// PyTorch's default conv init: kaiming_uniform_(a=sqrt(5)) on the weight, bias ~ U(+-1/sqrt(fan_in)) with fan_in
// from weight.size(1) * receptive field (so ConvTranspose2d uses out/groups, as PyTorch does).
void conv_reset_parameters(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const int64_t fan_in = init::_calculate_fan_in_and_fan_out(weight).first;
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

void check_channels(const char* name, int64_t in, int64_t out, int64_t groups) {
  NABLA_CHECK(groups > 0 && in % groups == 0 && out % groups == 0, name, ": in_channels (", in, ") and out_channels (",
              out, ") must both be divisible by groups (", groups, ")");
}

}  // namespace

Conv2dImpl::Conv2dImpl(const Conv2dOptions& options_) : options(options_) { reset(); }

void Conv2dImpl::reset() {
  const auto& k = options.kernel_size();
  NABLA_CHECK(options.in_channels() > 0 && options.out_channels() > 0 && k[0] > 0 && k[1] > 0,
              "Conv2d: in_channels, out_channels and kernel_size must be positive, got in_channels=",
              options.in_channels(), " out_channels=", options.out_channels(), " kernel_size=(", k[0], ", ", k[1], ")");
  check_channels("Conv2d", options.in_channels(), options.out_channels(), options.groups());
  weight = register_parameter(
      "weight", empty({options.out_channels(), options.in_channels() / options.groups(), k[0], k[1]}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor(), options.bias());
  reset_parameters();
}

void Conv2dImpl::reset_parameters() { conv_reset_parameters(weight, bias); }

Tensor Conv2dImpl::forward(const Tensor& input) {
  return functional::conv2d(input, weight,
                            functional::Conv2dFuncOptions()
                                .bias(bias)
                                .stride(options.stride())
                                .padding(options.padding())
                                .dilation(options.dilation())
                                .groups(options.groups()));
}

std::string Conv2dImpl::extra_repr() const {
  std::ostringstream os;
  const auto& o = options;
  os << o.in_channels() << ", " << o.out_channels() << ", kernel_size=" << o.kernel_size()
     << ", stride=" << o.stride();
  if (!all(o.padding(), 0)) os << ", padding=" << o.padding();
  if (!all(o.dilation(), 1)) os << ", dilation=" << o.dilation();
  if (o.groups() != 1) os << ", groups=" << o.groups();
  if (!o.bias()) os << ", bias=false";
  return os.str();
}

Conv1dImpl::Conv1dImpl(const Conv1dOptions& options_) : options(options_) { reset(); }

void Conv1dImpl::reset() {
  const auto& o = options;
  NABLA_CHECK(o.in_channels() > 0 && o.out_channels() > 0 && o.kernel_size() > 0,
              "Conv1d: in_channels, out_channels and kernel_size must be positive, got in_channels=", o.in_channels(),
              " out_channels=", o.out_channels(), " kernel_size=", o.kernel_size());
  check_channels("Conv1d", o.in_channels(), o.out_channels(), o.groups());
  weight = register_parameter("weight", empty({o.out_channels(), o.in_channels() / o.groups(), o.kernel_size()}));
  bias = register_parameter("bias", o.bias() ? empty({o.out_channels()}) : Tensor(), o.bias());
  reset_parameters();
}

void Conv1dImpl::reset_parameters() { conv_reset_parameters(weight, bias); }

Tensor Conv1dImpl::forward(const Tensor& input) {
  return functional::conv1d(input, weight,
                            functional::Conv1dFuncOptions()
                                .bias(bias)
                                .stride(options.stride())
                                .padding(options.padding())
                                .dilation(options.dilation())
                                .groups(options.groups()));
}

// LibTorch prints an ExpandingArray<1> as its one value: Conv1d(3, 4, kernel_size=3, stride=1).
std::string Conv1dImpl::extra_repr() const {
  std::ostringstream os;
  const auto& o = options;
  os << o.in_channels() << ", " << o.out_channels() << ", kernel_size=" << o.kernel_size() << ", stride=" << o.stride();
  if (o.padding() != 0) os << ", padding=" << o.padding();
  if (o.dilation() != 1) os << ", dilation=" << o.dilation();
  if (o.groups() != 1) os << ", groups=" << o.groups();
  if (!o.bias()) os << ", bias=false";
  return os.str();
}

ConvTranspose2dImpl::ConvTranspose2dImpl(const ConvTranspose2dOptions& options_) : options(options_) { reset(); }

void ConvTranspose2dImpl::reset() {
  const auto& o = options;
  const auto& k = o.kernel_size();
  NABLA_CHECK(o.in_channels() > 0 && o.out_channels() > 0 && k[0] > 0 && k[1] > 0,
              "ConvTranspose2d: in_channels, out_channels and kernel_size must be positive, got in_channels=",
              o.in_channels(), " out_channels=", o.out_channels(), " kernel_size=", k);
  check_channels("ConvTranspose2d", o.in_channels(), o.out_channels(), o.groups());
  weight = register_parameter("weight", empty({o.in_channels(), o.out_channels() / o.groups(), k[0], k[1]}));
  bias = register_parameter("bias", o.bias() ? empty({o.out_channels()}) : Tensor(), o.bias());
  reset_parameters();
}

void ConvTranspose2dImpl::reset_parameters() { conv_reset_parameters(weight, bias); }

Tensor ConvTranspose2dImpl::forward(const Tensor& input, const std::optional<std::vector<int64_t>>& output_size) {
  const auto& o = options;
  ExpandingArray2 output_padding = o.output_padding();
  if (output_size) {
    // PyTorch's _output_padding: the output_padding that turns the smallest output into output_size.
    std::vector<int64_t> size = *output_size;
    NABLA_CHECK(input.dim() == 4, "ConvTranspose2d: expected input with 4 dims (N, C, H, W), got shape ",
                input.sizes().vec());
    if (size.size() == 4) size.erase(size.begin(), size.begin() + 2);
    NABLA_CHECK(size.size() == 2, "ConvTranspose2d: output_size must have 2 or 4 elements, got ",
                output_size->size());
    int64_t pad[2];
    for (int d = 0; d < 2; ++d) {
      const int64_t min = (input.size(2 + d) - 1) * o.stride()[d] - 2 * o.padding()[d] +
                          o.dilation()[d] * (o.kernel_size()[d] - 1) + 1;
      const int64_t max = min + o.stride()[d] - 1;
      NABLA_CHECK(size[d] >= min && size[d] <= max, "ConvTranspose2d: requested an output size of ", size,
                  ", but valid sizes for dim ", d, " range from ", min, " to ", max, " (for an input of ",
                  input.sizes().vec(), ")");
      pad[d] = size[d] - min;
    }
    output_padding = {pad[0], pad[1]};
  }
  return functional::conv_transpose2d(input, weight,
                                      functional::ConvTranspose2dFuncOptions()
                                          .bias(bias)
                                          .stride(o.stride())
                                          .padding(o.padding())
                                          .output_padding(output_padding)
                                          .groups(o.groups())
                                          .dilation(o.dilation()));
}

std::string ConvTranspose2dImpl::extra_repr() const {
  std::ostringstream os;
  const auto& o = options;
  os << o.in_channels() << ", " << o.out_channels() << ", kernel_size=" << o.kernel_size()
     << ", stride=" << o.stride();
  if (!all(o.padding(), 0)) os << ", padding=" << o.padding();
  if (!all(o.dilation(), 1)) os << ", dilation=" << o.dilation();
  if (!all(o.output_padding(), 0)) os << ", output_padding=" << o.output_padding();
  if (o.groups() != 1) os << ", groups=" << o.groups();
  if (!o.bias()) os << ", bias=false";
  return os.str();
}

}  // namespace nabla::nn
