#include "nabla/nn/modules/linear.h"

#include <cmath>
#include <sstream>

#include "nabla/nn/init.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/linalg.h"

namespace nabla::nn {

LinearImpl::LinearImpl(const LinearOptions& options_) : options(options_) { reset(); }

void LinearImpl::reset() {
  NABLA_CHECK(options.in_features() >= 0 && options.out_features() >= 0,
              "Linear: in_features and out_features must be non-negative, got in_features=", options.in_features(),
              " out_features=", options.out_features());
  weight = register_parameter("weight", empty({options.out_features(), options.in_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor(), options.bias());
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  // PyTorch: kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the bias uses the same bound.
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = options.in_features();
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor LinearImpl::forward(const Tensor& input) {
  NABLA_CHECK(input.dim() >= 1 && input.size(-1) == options.in_features(), "Linear: expected input with last dim ",
              options.in_features(), " (in_features), got shape ", input.sizes().vec());
  if (input.dim() == 2 && bias.defined()) return addmm(bias, input, weight.t());  // x (N, in), W (out, in) -> (N, out)
  Tensor out = matmul(input, weight.t());
  return bias.defined() ? out + bias : out;
}

std::string LinearImpl::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options.in_features() << ", out_features=" << options.out_features()
     << ", bias=" << (options.bias() ? "true" : "false");
  return os.str();
}

std::string FlattenImpl::extra_repr() const {
  std::ostringstream os;
  os << "start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim();
  return os.str();
}

}  // namespace nabla::nn
