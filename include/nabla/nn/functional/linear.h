#pragma once
// linear and bilinear in nabla::nn::functional (torch::nn::functional::linear, bilinear).
#include "nabla/core/tensor.h"

namespace nabla::nn::functional {

/// input (*, in), weight (out, in), bias (out) or undefined -> (*, out): input W^T + b.
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});

/// input1 (*, in1), input2 (*, in2) with the same leading dims, weight (out, in1, in2), bias (out) or undefined
/// -> (*, out): y[..., o] = input1[...]^T W[o] input2[...] + b[o]. Composed of matmul, mul and sum.
Tensor bilinear(const Tensor& input1, const Tensor& input2, const Tensor& weight, const Tensor& bias = {});

}  // namespace nabla::nn::functional
