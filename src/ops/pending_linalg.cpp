// Temporary stubs: the linalg ops not implemented yet. Delete each line as its op lands; delete the file when empty.
#include "nabla/nabla.h"

namespace nabla {
Tensor matmul(const Tensor& a, const Tensor& b) { NABLA_FAIL("matmul: not implemented yet"); }
Tensor mm(const Tensor& a, const Tensor& b) { NABLA_FAIL("mm: not implemented yet"); }
Tensor bmm(const Tensor& a, const Tensor& b) { NABLA_FAIL("bmm: not implemented yet"); }
Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) { NABLA_FAIL("addmm: not implemented yet"); }
Tensor dot(const Tensor& a, const Tensor& b) { NABLA_FAIL("dot: not implemented yet"); }
}  // namespace nabla
