#include "nabla/nn/modules/conv.h"

#include <cmath>
#include <sstream>

#include "nabla/nn/init.h"
#include "nabla/ops/factory.h"

namespace nabla::nn {

Conv2dImpl::Conv2dImpl(const Conv2dOptions& options_) : options(options_) { reset(); }

void Conv2dImpl::reset() {
  const auto& k = options.kernel_size();
  NABLA_CHECK(options.in_channels() > 0 && options.out_channels() > 0 && k[0] > 0 && k[1] > 0,
              "Conv2d: in_channels, out_channels and kernel_size must be positive, got in_channels=",
              options.in_channels(), " out_channels=", options.out_channels(), " kernel_size=(", k[0], ", ", k[1], ")");
  NABLA_CHECK(options.groups() > 0 && options.in_channels() % options.groups() == 0 &&
                  options.out_channels() % options.groups() == 0,
              "Conv2d: in_channels (", options.in_channels(), ") and out_channels (", options.out_channels(),
              ") must both be divisible by groups (", options.groups(), ")");
  weight = register_parameter(
      "weight", empty({options.out_channels(), options.in_channels() / options.groups(), k[0], k[1]}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor(), options.bias());
  reset_parameters();
}

void Conv2dImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const int64_t fan_in = init::_calculate_fan_in_and_fan_out(weight).first;
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

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
  os << o.in_channels() << ", " << o.out_channels() << ", kernel_size=[" << o.kernel_size()[0] << ", "
     << o.kernel_size()[1] << "], stride=[" << o.stride()[0] << ", " << o.stride()[1] << "]";
  if (o.padding()[0] || o.padding()[1]) os << ", padding=[" << o.padding()[0] << ", " << o.padding()[1] << "]";
  if (o.dilation()[0] != 1 || o.dilation()[1] != 1)
    os << ", dilation=[" << o.dilation()[0] << ", " << o.dilation()[1] << "]";
  if (o.groups() != 1) os << ", groups=" << o.groups();
  if (!o.bias()) os << ", bias=false";
  return os.str();
}

}  // namespace nabla::nn
