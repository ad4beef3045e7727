#pragma once
// nabla::nn::init: in-place parameter initialisers with torch.nn.init's formulas (fan, gain, bounds).
#include <utility>

#include "nabla/core/tensor.h"

namespace nabla {

/// Which fan kaiming_* scales by.
enum class FanMode { FanIn, FanOut };
constexpr FanMode kFanIn = FanMode::FanIn;
constexpr FanMode kFanOut = FanMode::FanOut;

/// Nonlinearities known to calculate_gain.
enum class Nonlinearity { Linear, Conv1D, Conv2D, Conv3D, ConvTranspose1D, ConvTranspose2D, ConvTranspose3D,
                          Sigmoid, Tanh, ReLU, LeakyReLU, SELU };
constexpr Nonlinearity kLinear = Nonlinearity::Linear;
constexpr Nonlinearity kConv1D = Nonlinearity::Conv1D;
constexpr Nonlinearity kConv2D = Nonlinearity::Conv2D;
constexpr Nonlinearity kConv3D = Nonlinearity::Conv3D;
constexpr Nonlinearity kConvTranspose1D = Nonlinearity::ConvTranspose1D;
constexpr Nonlinearity kConvTranspose2D = Nonlinearity::ConvTranspose2D;
constexpr Nonlinearity kConvTranspose3D = Nonlinearity::ConvTranspose3D;
constexpr Nonlinearity kSigmoid = Nonlinearity::Sigmoid;
constexpr Nonlinearity kTanh = Nonlinearity::Tanh;
constexpr Nonlinearity kReLU = Nonlinearity::ReLU;
constexpr Nonlinearity kLeakyReLU = Nonlinearity::LeakyReLU;
constexpr Nonlinearity kSELU = Nonlinearity::SELU;

namespace nn::init {

/// torch.nn.init.calculate_gain: 1 (linear, conv, sigmoid), 5/3 (tanh), sqrt(2) (relu),
/// sqrt(2 / (1 + param^2)) (leaky_relu, param = negative slope), 3/4 (selu).
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight of at least 2 dims: (size(1) * receptive, size(0) * receptive).
std::pair<int64_t, int64_t> _calculate_fan_in_and_fan_out(const Tensor& tensor);

/// Each initialiser fills `tensor` in place without recording a graph and returns it.
Tensor uniform_(Tensor tensor, double low = 0, double high = 1);
Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
Tensor constant_(Tensor tensor, double value);
Tensor zeros_(Tensor tensor);
Tensor ones_(Tensor tensor);
/// A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, times gain; dims after 0 are flattened.
Tensor orthogonal_(Tensor tensor, double gain = 1.0);
/// Identity matrix for a 2-D tensor.
Tensor eye_(Tensor tensor);
/// U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
/// N(0, std), std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor xavier_normal_(Tensor tensor, double gain = 1.0);
/// U(-b, b), b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).
Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanMode mode = kFanIn, Nonlinearity nonlinearity = kLeakyReLU);
/// N(0, std), std = gain / sqrt(fan).
Tensor kaiming_normal_(Tensor tensor, double a = 0, FanMode mode = kFanIn, Nonlinearity nonlinearity = kLeakyReLU);

}  // namespace nn::init
}  // namespace nabla
