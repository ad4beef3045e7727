#include "nabla/nn/modules/activation.h"

#include <sstream>

#include "nabla/nn/functional.h"
#include "nabla/nn/functional/activation.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/reduce.h"

namespace nabla::nn {

namespace {
const char* bool_str(bool b) { return b ? "true" : "false"; }
}  // namespace

Tensor ReLUImpl::forward(Tensor input) { return functional::relu(std::move(input), options); }
std::string ReLUImpl::extra_repr() const { return options.inplace() ? "inplace=true" : ""; }

Tensor LeakyReLUImpl::forward(Tensor input) { return functional::leaky_relu(std::move(input), options); }
std::string LeakyReLUImpl::extra_repr() const {
  std::ostringstream os;
  os << "negative_slope=" << options.negative_slope();
  if (options.inplace()) os << ", inplace=true";
  return os.str();
}

Tensor ELUImpl::forward(Tensor input) { return functional::elu(std::move(input), options); }
std::string ELUImpl::extra_repr() const {
  std::ostringstream os;
  os << "alpha=" << options.alpha();
  if (options.inplace()) os << ", inplace=true";
  return os.str();
}

Tensor GELUImpl::forward(const Tensor& input) { return functional::gelu(input, options); }
std::string GELUImpl::extra_repr() const { return "approximate='" + options.approximate() + "'"; }

Tensor SiLUImpl::forward(const Tensor& input) { return functional::silu(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }
Tensor TanhImpl::forward(const Tensor& input) { return tanh(input); }

Tensor SoftplusImpl::forward(const Tensor& input) { return functional::softplus(input, options); }
std::string SoftplusImpl::extra_repr() const {
  std::ostringstream os;
  os << "beta=" << options.beta() << ", threshold=" << options.threshold();
  return os.str();
}

Tensor SoftmaxImpl::forward(const Tensor& input) { return functional::softmax(input, options.dim()); }
std::string SoftmaxImpl::extra_repr() const { return "dim=" + std::to_string(options.dim()); }

Tensor LogSoftmaxImpl::forward(const Tensor& input) { return functional::log_softmax(input, options.dim()); }
std::string LogSoftmaxImpl::extra_repr() const { return "dim=" + std::to_string(options.dim()); }

DropoutImpl::DropoutImpl(const DropoutOptions& options_) : options(options_) {
  NABLA_CHECK(options.p() >= 0 && options.p() <= 1, "Dropout: dropout probability has to be between 0 and 1, but got ",
              options.p());
}
Tensor DropoutImpl::forward(Tensor input) {
  return functional::dropout(input,
                             functional::DropoutFuncOptions().p(options.p()).training(is_training()).inplace(
                                 options.inplace()));
}
std::string DropoutImpl::extra_repr() const {
  std::ostringstream os;
  os << "p=" << options.p() << ", inplace=" << bool_str(options.inplace());
  return os.str();
}

}  // namespace nabla::nn
