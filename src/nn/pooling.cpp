#include "nabla/nn/modules/pooling.h"

#include <sstream>

namespace nabla::nn {

std::string MaxPool2dImpl::extra_repr() const {
  std::ostringstream os;
  os << "kernel_size=" << options.kernel_size() << ", stride=" << options.stride() << ", padding=" << options.padding()
     << ", dilation=" << options.dilation() << ", ceil_mode=" << (options.ceil_mode() ? "true" : "false");
  return os.str();
}

std::string AvgPool2dImpl::extra_repr() const {
  std::ostringstream os;
  os << "kernel_size=" << options.kernel_size() << ", stride=" << options.stride() << ", padding=" << options.padding();
  return os.str();
}

std::string AdaptiveAvgPool2dImpl::extra_repr() const {
  std::ostringstream os;
  os << "output_size=" << options.output_size();
  return os.str();
}

}  // namespace nabla::nn
