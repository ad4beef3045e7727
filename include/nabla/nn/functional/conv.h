#pragma once
// Convolution and pooling in nabla::nn::functional, with LibTorch's option structs (torch/nn/options/conv.h,
// pooling.h). 2-d inputs are (N, C, H, W); sizes given as one int apply to both spatial dims. conv1d takes
// (N, C, L) and int sizes.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>

#include "nabla/core/arg.h"
#include "nabla/core/error.h"
#include "nabla/core/tensor.h"

namespace nabla {

/// Two spatial sizes (h, w); one int means (v, v) — LibTorch's ExpandingArray<2>.
struct ExpandingArray2 {
  ExpandingArray2(int64_t v) : v_{v, v} {}  // NOLINT
  ExpandingArray2(std::initializer_list<int64_t> l) {  // NOLINT
    NABLA_CHECK(l.size() == 1 || l.size() == 2, "ExpandingArray<2>: expected 1 or 2 values, got ", l.size());
    v_[0] = *l.begin();
    v_[1] = *(l.begin() + (l.size() - 1));
  }
  int64_t operator[](size_t i) const { return v_[i]; }
  std::array<int64_t, 2> v_;
};

/// Prints "[a, b]", as LibTorch prints an ExpandingArray<2>.
inline std::ostream& operator<<(std::ostream& os, const ExpandingArray2& a) {
  return os << '[' << a[0] << ", " << a[1] << ']';
}

namespace nn::functional {

struct Conv2dFuncOptions {
  NABLA_ARG(Tensor, bias, Tensor());
  NABLA_ARG(ExpandingArray2, stride, 1);
  NABLA_ARG(ExpandingArray2, padding, 0);
  NABLA_ARG(ExpandingArray2, dilation, 1);
  NABLA_ARG(int64_t, groups, 1);
};

/// input (N, C, H, W), weight (O, C/groups, kh, kw), bias (O) -> (N, O, OH, OW) by im2col + GEMM.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {});

struct Conv1dFuncOptions {
  NABLA_ARG(Tensor, bias, Tensor());
  NABLA_ARG(int64_t, stride, 1);
  NABLA_ARG(int64_t, padding, 0);
  NABLA_ARG(int64_t, dilation, 1);
  NABLA_ARG(int64_t, groups, 1);
};

/// input (N, C, L), weight (O, C/groups, k), bias (O) -> (N, O, (L + 2p - d(k-1) - 1)/s + 1): conv2d on a 1-row image.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {});

struct ConvTranspose2dFuncOptions {
  NABLA_ARG(Tensor, bias, Tensor());
  NABLA_ARG(ExpandingArray2, stride, 1);
  NABLA_ARG(ExpandingArray2, padding, 0);
  NABLA_ARG(ExpandingArray2, output_padding, 0);
  NABLA_ARG(int64_t, groups, 1);
  NABLA_ARG(ExpandingArray2, dilation, 1);
};

/// input (N, Cin, H, W), weight (Cin, Cout/groups, kh, kw), bias (Cout) -> (N, Cout, OH, OW) with
/// OH = (H-1)s - 2p + d(kh-1) + output_padding + 1: the input gradient of conv2d, so every order of gradient works.
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options = {});

struct MaxPool2dFuncOptions {
  MaxPool2dFuncOptions(ExpandingArray2 kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  NABLA_ARG(ExpandingArray2, kernel_size, 1);
  NABLA_ARG(ExpandingArray2, stride, 1);  // defaults to kernel_size
  NABLA_ARG(ExpandingArray2, padding, 0);
  NABLA_ARG(ExpandingArray2, dilation, 1);
  NABLA_ARG(bool, ceil_mode, false);
};

/// (N, C, H, W) -> (N, C, OH, OW): the max of each window (padding counts as -inf); the gradient goes to the argmax.
Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options);

struct AvgPool2dFuncOptions {
  AvgPool2dFuncOptions(ExpandingArray2 kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  NABLA_ARG(ExpandingArray2, kernel_size, 1);
  NABLA_ARG(ExpandingArray2, stride, 1);  // defaults to kernel_size
  NABLA_ARG(ExpandingArray2, padding, 0);
  NABLA_ARG(bool, ceil_mode, false);
  NABLA_ARG(bool, count_include_pad, true);
  NABLA_ARG(std::optional<int64_t>, divisor_override, std::nullopt);
};

/// (N, C, H, W) -> (N, C, OH, OW): the mean of each window.
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options);

struct AdaptiveAvgPool2dFuncOptions {
  AdaptiveAvgPool2dFuncOptions(ExpandingArray2 output_size) : output_size_(output_size) {}  // NOLINT
  NABLA_ARG(ExpandingArray2, output_size, 1);
};

/// (N, C, H, W) -> (N, C, oh, ow): PyTorch's windows [floor(i*H/oh), ceil((i+1)*H/oh)).
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options);


}  // namespace nn::functional
}  // namespace nabla
