#pragma once
// The CPU kernel interface used by src/ops. Kernels take already-shaped operands; ops do the checking.
#include "nabla/core/tensor.h"

namespace nabla::cpu {

/// dst = src converted to dst's dtype; src must already have dst's shape (an expanded view is fine).
void copy_cast(const Tensor& dst, const Tensor& src);
/// Every element of dst set to v.
void fill(const Tensor& dst, const Scalar& v);

}  // namespace nabla::cpu
