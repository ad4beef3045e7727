#pragma once
// Winograd F(2x2, 3x3) for 3x3, stride-1 convolutions (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2015): each 2x2 block of outputs comes from a 4x4 block of inputs with 16 multiplies per channel pair
// instead of 36, as 16 GEMMs over all tiles. The transforms only add, subtract and halve, so float32 results stay
// within a few ulp of the im2col path's (tests/backend/kernel_table_test.cpp checks it against im2col).
#include <cstdint>

#include "backend/host_device.h"
#include "backend/kernels.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

/// A 3x3 convolution with stride 1 and no dilation: x (N, Cin, H, W) -> out (N, Cout, OH, OW), zero padding ph/pw
/// (OH = H + 2 ph - 2).
struct Winograd3x3 {
  int64_t N, Cin, H, W, Cout, OH, OW, ph, pw;
};

/// Whether g's shape suits the Winograd path: a 3x3 kernel, stride 1, no dilation, one group, and at least 8
/// channels on each side (below that the GEMMs are too thin to gain).
bool winograd_applies(const backend::Conv2dGeom& g);

/// out = conv(x, w) + b for w (Cout, Cin, 3, 3); b may be null.
template <typename T>
void winograd_conv3x3(const Winograd3x3& q, const T* x, const T* w, const T* b, T* out);

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
