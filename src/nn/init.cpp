#include "nabla/nn/init.h"

#include <cmath>
#include <vector>

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

Tensor tensor_from_vector(const std::vector<double>& v, int64_t n, int64_t m) {
  Tensor t = empty({n, m}, TensorOptions().dtype(kFloat64));
  double* p = t.data_ptr<double>();
  for (size_t i = 0; i < v.size(); ++i) p[i] = v[i];
  return t;
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
  tensor.uniform_(low, high);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  check_floating(tensor, "normal_");
  NABLA_CHECK(std >= 0, "normal_: expects std >= 0, got ", std);
  NoGradGuard guard;
  tensor.normal_(mean, std);
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

Tensor orthogonal_(Tensor tensor, double gain) {
  check_floating(tensor, "orthogonal_");
  NABLA_CHECK(tensor.dim() >= 2, "orthogonal_: only tensors with 2 or more dimensions are supported, got shape ",
              tensor.sizes().vec());
  if (tensor.numel() == 0) return tensor;
  const int64_t rows = tensor.size(0), cols = tensor.numel() / rows;
  // QR of the tall orientation (n >= m) by modified Gram-Schmidt in double, columns of A (n, m) -> Q (n, m);
  // the sign of R's diagonal is folded into Q, as PyTorch does, so Q is uniformly distributed.
  const bool wide = rows < cols;
  const int64_t n = wide ? cols : rows, m = wide ? rows : cols;
  Tensor a = randn({n, m}, TensorOptions().dtype(kFloat64)).contiguous();
  std::vector<double> q(static_cast<size_t>(n * m));
  const double* src = a.data_ptr<double>();
  for (int64_t i = 0; i < n * m; ++i) q[static_cast<size_t>(i)] = src[i];
  auto at = [&](int64_t r, int64_t c) -> double& { return q[static_cast<size_t>(r * m + c)]; };
  for (int64_t j = 0; j < m; ++j) {
    for (int64_t k = 0; k < j; ++k) {
      double dot = 0;
      for (int64_t r = 0; r < n; ++r) dot += at(r, k) * at(r, j);
      for (int64_t r = 0; r < n; ++r) at(r, j) -= dot * at(r, k);
    }
    double norm = 0;
    for (int64_t r = 0; r < n; ++r) norm += at(r, j) * at(r, j);
    norm = std::sqrt(norm);
    // R's diagonal entry is norm > 0, so sign(diag(R)) = 1 and Q's column is the normalised residual.
    for (int64_t r = 0; r < n; ++r) at(r, j) = norm > 0 ? at(r, j) / norm : 0.0;
  }
  Tensor qt = tensor_from_vector(q, n, m);
  if (wide) qt = qt.t();
  NoGradGuard guard;
  tensor.copy_(qt.mul(gain).reshape(tensor.sizes()));
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
