#pragma once
// nn::utils: gradient clipping (clip_grad_norm_, clip_grad_value_) as in torch::nn::utils.
#include <vector>

#include "nabla/core/tensor.h"

namespace nabla::nn::utils {

/// Scales the grads of `parameters` so that their joint norm is at most max_norm; returns the norm before clipping.
/// norm_type: any p > 0, 0 (count of nonzeros) or INFINITY. Parameters without a grad are skipped.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
double clip_grad_norm_(std::initializer_list<Tensor> parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

/// Clamps every grad of `parameters` to [-clip_value, clip_value] in place.
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
void clip_grad_value_(std::initializer_list<Tensor> parameters, double clip_value);
void clip_grad_value_(const Tensor& parameter, double clip_value);

}  // namespace nabla::nn::utils
