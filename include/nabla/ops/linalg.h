#pragma once
#include "nabla/core/tensor.h"

namespace nabla {

/// 1-D dot, 2-D mm, batched with broadcasting of batch dims (torch.matmul's rules).
Tensor matmul(const Tensor& a, const Tensor& b);
/// (n, k) x (k, m) -> (n, m)
Tensor mm(const Tensor& a, const Tensor& b);
/// (b, n, k) x (b, k, m) -> (b, n, m)
Tensor bmm(const Tensor& a, const Tensor& b);
/// beta * self + alpha * (m1 @ m2)
Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta = 1, const Scalar& alpha = 1);
Tensor dot(const Tensor& a, const Tensor& b);

}  // namespace nabla
