#include "nabla/nn/modules/pooling.h"

#include <sstream>

namespace nabla::nn {
namespace {
std::string pair(const ExpandingArray2& a) {
  std::ostringstream os;
  os << "[" << a[0] << ", " << a[1] << "]";
  return os.str();
}
}  // namespace

std::string MaxPool2dImpl::extra_repr() const {
  return "kernel_size=" + pair(options.kernel_size()) + ", stride=" + pair(options.stride()) +
         ", padding=" + pair(options.padding()) + ", dilation=" + pair(options.dilation()) +
         ", ceil_mode=" + (options.ceil_mode() ? "true" : "false");
}

std::string AvgPool2dImpl::extra_repr() const {
  return "kernel_size=" + pair(options.kernel_size()) + ", stride=" + pair(options.stride()) +
         ", padding=" + pair(options.padding());
}

std::string AdaptiveAvgPool2dImpl::extra_repr() const { return "output_size=" + pair(options.output_size()); }

}  // namespace nabla::nn
