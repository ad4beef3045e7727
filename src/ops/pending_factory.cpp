// Temporary stubs: the factory ops not implemented yet. Delete each line as its op lands; delete the file when empty.
#include "nabla/nabla.h"

namespace nabla {
Tensor rand_like(const Tensor& t, const TensorOptions& options) { NABLA_FAIL("rand_like: not implemented yet"); }
Tensor randn_like(const Tensor& t, const TensorOptions& options) { NABLA_FAIL("randn_like: not implemented yet"); }
Tensor arange(const Scalar& end, const TensorOptions& options) { NABLA_FAIL("arange: not implemented yet"); }
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& options) { NABLA_FAIL("arange: not implemented yet"); }
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& options) { NABLA_FAIL("linspace: not implemented yet"); }
Tensor eye(int64_t n, const TensorOptions& options) { NABLA_FAIL("eye: not implemented yet"); }
Tensor eye(int64_t n, int64_t m, const TensorOptions& options) { NABLA_FAIL("eye: not implemented yet"); }
void manual_seed(uint64_t seed) { NABLA_FAIL("manual_seed: not implemented yet"); }
Tensor rand(IntArrayRef size, const TensorOptions& options) { NABLA_FAIL("rand: not implemented yet"); }
Tensor randn(IntArrayRef size, const TensorOptions& options) { NABLA_FAIL("randn: not implemented yet"); }
Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& options) { NABLA_FAIL("randint: not implemented yet"); }
Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& options) { NABLA_FAIL("randint: not implemented yet"); }
Tensor randperm(int64_t n, const TensorOptions& options) { NABLA_FAIL("randperm: not implemented yet"); }
Tensor bernoulli(const Tensor& p) { NABLA_FAIL("bernoulli: not implemented yet"); }
Tensor bernoulli(const Tensor& like, double p) { NABLA_FAIL("bernoulli: not implemented yet"); }
}  // namespace nabla
