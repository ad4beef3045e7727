#include "nabla/nn/init.h"

#include <cmath>

#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"

namespace nabla::nn::init {

namespace {

void check_floating(const Tensor& t, const char* op) {
  NABLA_CHECK(t.defined(), op, ": the tensor is undefined");
  NABLA_CHECK(t.is_floating_point(), op, ": expected a floating-point tensor, got dtype ", t.dtype(),
              "; convert it with .to(nabla::kFloat)");
}

int64_t fan_of(const Tensor& t, FanMode mode) {
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(t);
  return mode == kFanIn ? fan_in : fan_out;
}

}  // namespace

double calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case kLinear: case kConv1D: case kConv2D: case kConv3D:
    case kConvTranspose1D: case kConvTranspose2D: case kConvTranspose3D: case kSigmoid:
      return 1.0;
    case kTanh:
      return 5.0 / 3.0;
    case kReLU:
      return std::sqrt(2.0);
    case kLeakyReLU: {
      return std::sqrt(2.0 / (1.0 + param * param));
    }
    case kSELU:
      return 3.0 / 4.0;
  }
  NABLA_FAIL("calculate_gain: unsupported nonlinearity");
}

std::pair<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor) {
  NABLA_CHECK(tensor.defined(), "calculate_fan_in_and_fan_out: the tensor is undefined");
  NABLA_CHECK(tensor.dim() >= 2, "calculate_fan_in_and_fan_out: fan in and fan out can not be computed for a tensor ",
              "with fewer than 2 dimensions (got shape ", tensor.sizes().vec(), ")");
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

Tensor uniform_(Tensor tensor, double low, double high) {
  check_floating(tensor, "uniform_");
  NABLA_CHECK(low <= high, "uniform_: expects low <= high, got low=", low, " high=", high);
  NoGradGuard guard;
  tensor.copy_(rand(tensor.sizes(), tensor.options()).mul(high - low).add(low));
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  check_floating(tensor, "normal_");
  NABLA_CHECK(std >= 0, "normal_: expects std >= 0, got ", std);
  NoGradGuard guard;
  tensor.copy_(randn(tensor.sizes(), tensor.options()).mul(std).add(mean));
  return tensor;
}

Tensor constant_(Tensor tensor, double value) {
  NABLA_CHECK(tensor.defined(), "constant_: the tensor is undefined");
  NoGradGuard guard;
  tensor.fill_(value);
  return tensor;
}

Tensor zeros_(Tensor tensor) { return constant_(std::move(tensor), 0.0); }
Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1.0); }

Tensor eye_(Tensor tensor) {
  NABLA_CHECK(tensor.defined() && tensor.dim() == 2, "eye_: only 2-D tensors are supported, got shape ",
              tensor.defined() ? tensor.sizes().vec() : std::vector<int64_t>{});
  NoGradGuard guard;
  tensor.copy_(eye(tensor.size(0), tensor.size(1), tensor.options()));
  return tensor;
}

Tensor xavier_uniform_(Tensor tensor, double gain) {
  check_floating(tensor, "xavier_uniform_");
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  double a = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -a, a);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  check_floating(tensor, "xavier_normal_");
  auto [fan_in, fan_out] = _calculate_fan_in_and_fan_out(tensor);
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return normal_(std::move(tensor), 0.0, std);
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  check_floating(tensor, "kaiming_uniform_");
  if (tensor.numel() == 0) return tensor;  // PyTorch warns and does nothing
  int64_t fan = fan_of(tensor, mode);
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
  double bound = std::sqrt(3.0) * std;
  return uniform_(std::move(tensor), -bound, bound);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  check_floating(tensor, "kaiming_normal_");
  if (tensor.numel() == 0) return tensor;
  int64_t fan = fan_of(tensor, mode);
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
  return normal_(std::move(tensor), 0.0, std);
}

}  // namespace nabla::nn::init
