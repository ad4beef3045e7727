#pragma once
// Internal to src/ops/conv_*.cpp: the recorded conv2d ops, shared by conv2d, conv1d (a conv2d with a 1-row
// kernel) and conv_transpose2d (conv2d's input gradient).
#include <cstdint>

#include "nabla/core/tensor.h"

namespace nabla::conv_detail {

/// Conv2d's hyper-parameters. oh/ow >= 0 fix the conv's output size instead of deriving it from the input: a
/// transposed conv with output_padding >= stride (allowed when dilation > stride) has an input that the
/// forward formula would not give back, and its gradients must keep that size.
struct ConvParams {
  int64_t sh, sw, ph, pw, dh, dw, groups;
  int64_t oh = -1, ow = -1;
};

/// x (N, C, H, W), w (O, C/groups, kh, kw), b (O) or undefined -> (N, O, OH, OW). Recorded as Conv2d.
Tensor conv_op(const Tensor& x, const Tensor& w, const Tensor& b, const ConvParams& p);
/// gy (N, O, OH, OW), w (O, C/groups, kh, kw) -> the input gradient, shape xshape (N, C, H, W).
/// Recorded as Conv2dBackwardInput; it is also conv_transpose2d.
Tensor conv_backward_input(const Tensor& gy, const Tensor& w, IntArrayRef xshape, const ConvParams& p);
/// gy (N, O, OH, OW), x (N, C, H, W) -> the weight gradient, shape wshape. Recorded as Conv2dBackwardWeight.
/// cols: undefined, or the columns the forward kept for this x (the backend's conv2d cols).
Tensor conv_backward_weight(const Tensor& gy, const Tensor& x, IntArrayRef wshape, const ConvParams& p,
                            const Tensor& cols = Tensor());

}  // namespace nabla::conv_detail
