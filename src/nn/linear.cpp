#include "nabla/nn/modules/linear.h"

#include <cmath>
#include <sstream>

#include "nabla/nn/functional/linear.h"
#include "nabla/nn/init.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/linalg.h"

namespace nabla::nn {

namespace functional {

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  NABLA_CHECK(input.defined() && weight.defined(), "linear: input and weight must be defined tensors");
  NABLA_CHECK(weight.dim() == 2, "linear: expected weight with 2 dims (out, in), got shape ", weight.sizes().vec());
  NABLA_CHECK(input.dim() >= 1 && input.size(-1) == weight.size(1), "linear: input ", input.sizes().vec(),
              " has last dim ", input.dim() ? input.size(-1) : 0, ", but weight ", weight.sizes().vec(), " expects ",
              weight.size(1));
  NABLA_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == weight.size(0)),
              "linear: expected bias of shape [", weight.size(0), "], got ", bias.sizes().vec());
  if (input.dim() == 2 && bias.defined()) return addmm(bias, input, weight.t());  // x (N, in), W (out, in) -> (N, out)
  Tensor out = matmul(input, weight.t());
  return bias.defined() ? out + bias : out;
}

Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias) {
  NABLA_CHECK(input1.defined() && input2.defined() && weight.defined(),
              "bilinear: input1, input2 and weight must be defined tensors");
  NABLA_CHECK(weight.dim() == 3, "bilinear: expected weight with 3 dims (out, in1, in2), got shape ",
              weight.sizes().vec());
  NABLA_CHECK(input1.dim() >= 1 && input1.dim() == input2.dim(), "bilinear: input dimensions do not match: input1 ",
              input1.sizes().vec(), " and input2 ", input2.sizes().vec());
  int64_t batch = 1;
  for (int64_t i = 0; i + 1 < input1.dim(); ++i) {
    NABLA_CHECK(input1.size(i) == input2.size(i), "bilinear: input batch dimensions do not match: input1 ",
                input1.sizes().vec(), " and input2 ", input2.sizes().vec(), " differ at dim ", i);
    batch *= input1.size(i);
  }
  const int64_t out = weight.size(0), in1 = weight.size(1), in2 = weight.size(2);
  NABLA_CHECK(input1.size(-1) == in1, "bilinear: input1 ", input1.sizes().vec(), " has last dim ", input1.size(-1),
              ", but weight ", weight.sizes().vec(), " expects ", in1);
  NABLA_CHECK(input2.size(-1) == in2, "bilinear: input2 ", input2.sizes().vec(), " has last dim ", input2.size(-1),
              ", but weight ", weight.sizes().vec(), " expects ", in2);
  NABLA_CHECK(input1.dtype() == weight.dtype() && input2.dtype() == weight.dtype(),
              "bilinear: input1, input2 and weight must have the same dtype, got ", input1.dtype(), ", ",
              input2.dtype(), " and ", weight.dtype());
  NABLA_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == out), "bilinear: expected bias of shape [", out,
              "], got ", bias.sizes().vec());
  // x1 (B, in1) @ W as (in1, out*in2) -> (B, out, in2); times x2 (B, 1, in2), summed over in2 -> (B, out)
  Tensor w = weight.permute({1, 0, 2}).reshape({in1, out * in2});
  Tensor t = matmul(input1.reshape({batch, in1}), w).reshape({batch, out, in2});
  Tensor y = (t * input2.reshape({batch, 1, in2})).sum({2});
  if (bias.defined()) y = y + bias;
  std::vector<int64_t> shape = input1.sizes().vec();
  shape.back() = out;
  return y.reshape(shape);
}

}  // namespace functional

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
  return functional::linear(input, weight, bias);
}

std::string LinearImpl::extra_repr() const {
  std::ostringstream os;
  os << "in_features=" << options.in_features() << ", out_features=" << options.out_features()
     << ", bias=" << (options.bias() ? "true" : "false");
  return os.str();
}

BilinearImpl::BilinearImpl(const BilinearOptions& options_) : options(options_) { reset(); }

void BilinearImpl::reset() {
  const auto& o = options;
  NABLA_CHECK(o.in1_features() >= 0 && o.in2_features() >= 0 && o.out_features() >= 0,
              "Bilinear: in1_features, in2_features and out_features must be non-negative, got ", o.in1_features(),
              ", ", o.in2_features(), ", ", o.out_features());
  weight = register_parameter("weight", empty({o.out_features(), o.in1_features(), o.in2_features()}));
  bias = register_parameter("bias", o.bias() ? empty({o.out_features()}) : Tensor(), o.bias());
  reset_parameters();
}

void BilinearImpl::reset_parameters() {
  // PyTorch 1.13: bound = 1/sqrt(weight.size(1)) = 1/sqrt(in1_features) for both weight and bias.
  const double bound = options.in1_features() > 0 ? 1.0 / std::sqrt(static_cast<double>(options.in1_features())) : 0.0;
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}

Tensor BilinearImpl::forward(const Tensor& input1, const Tensor& input2) {
  return functional::bilinear(input1, input2, weight, bias);
}

std::string BilinearImpl::extra_repr() const {
  std::ostringstream os;
  os << "in1_features=" << options.in1_features() << ", in2_features=" << options.in2_features()
     << ", out_features=" << options.out_features() << ", bias=" << (options.bias() ? "true" : "false");
  return os.str();
}

std::string FlattenImpl::extra_repr() const {
  std::ostringstream os;
  os << "start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim();
  return os.str();
}

}  // namespace nabla::nn
