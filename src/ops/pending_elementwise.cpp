// Temporary stubs: the elementwise ops not implemented yet. Delete each line as its op lands; delete the file when empty.
#include "nabla/nabla.h"

namespace nabla {
Tensor div(const Tensor& a, const Tensor& b) { NABLA_FAIL("div: not implemented yet"); }
Tensor div(const Tensor& a, const Scalar& b) { NABLA_FAIL("div: not implemented yet"); }
Tensor div(const Scalar& a, const Tensor& b) { NABLA_FAIL("div: not implemented yet"); }
Tensor pow(const Tensor& base, const Tensor& exponent) { NABLA_FAIL("pow: not implemented yet"); }
Tensor pow(const Tensor& base, const Scalar& exponent) { NABLA_FAIL("pow: not implemented yet"); }
Tensor pow(const Scalar& base, const Tensor& exponent) { NABLA_FAIL("pow: not implemented yet"); }
Tensor maximum(const Tensor& a, const Tensor& b) { NABLA_FAIL("maximum: not implemented yet"); }
Tensor minimum(const Tensor& a, const Tensor& b) { NABLA_FAIL("minimum: not implemented yet"); }
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) { NABLA_FAIL("where: not implemented yet"); }
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b) { NABLA_FAIL("where: not implemented yet"); }
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b) { NABLA_FAIL("where: not implemented yet"); }
Tensor neg(const Tensor& x) { NABLA_FAIL("neg: not implemented yet"); }
Tensor log(const Tensor& x) { NABLA_FAIL("log: not implemented yet"); }
Tensor log1p(const Tensor& x) { NABLA_FAIL("log1p: not implemented yet"); }
Tensor sqrt(const Tensor& x) { NABLA_FAIL("sqrt: not implemented yet"); }
Tensor rsqrt(const Tensor& x) { NABLA_FAIL("rsqrt: not implemented yet"); }
Tensor abs(const Tensor& x) { NABLA_FAIL("abs: not implemented yet"); }
Tensor sign(const Tensor& x) { NABLA_FAIL("sign: not implemented yet"); }
Tensor cos(const Tensor& x) { NABLA_FAIL("cos: not implemented yet"); }
Tensor tanh(const Tensor& x) { NABLA_FAIL("tanh: not implemented yet"); }
Tensor square(const Tensor& x) { NABLA_FAIL("square: not implemented yet"); }
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) { NABLA_FAIL("clamp: not implemented yet"); }
Tensor sigmoid(const Tensor& x) { NABLA_FAIL("sigmoid: not implemented yet"); }
Tensor relu(const Tensor& x) { NABLA_FAIL("relu: not implemented yet"); }
Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope) { NABLA_FAIL("leaky_relu: not implemented yet"); }
Tensor elu(const Tensor& x, const Scalar& alpha, const Scalar& scale, const Scalar& input_scale) { NABLA_FAIL("elu: not implemented yet"); }
Tensor gelu(const Tensor& x, const std::string& approximate) { NABLA_FAIL("gelu: not implemented yet"); }
Tensor silu(const Tensor& x) { NABLA_FAIL("silu: not implemented yet"); }
Tensor softplus(const Tensor& x, const Scalar& beta, const Scalar& threshold) { NABLA_FAIL("softplus: not implemented yet"); }
Tensor eq(const Tensor& a, const Tensor& b) { NABLA_FAIL("eq: not implemented yet"); }
Tensor eq(const Tensor& a, const Scalar& b) { NABLA_FAIL("eq: not implemented yet"); }
Tensor ne(const Tensor& a, const Tensor& b) { NABLA_FAIL("ne: not implemented yet"); }
Tensor ne(const Tensor& a, const Scalar& b) { NABLA_FAIL("ne: not implemented yet"); }
Tensor lt(const Tensor& a, const Tensor& b) { NABLA_FAIL("lt: not implemented yet"); }
Tensor lt(const Tensor& a, const Scalar& b) { NABLA_FAIL("lt: not implemented yet"); }
Tensor le(const Tensor& a, const Tensor& b) { NABLA_FAIL("le: not implemented yet"); }
Tensor le(const Tensor& a, const Scalar& b) { NABLA_FAIL("le: not implemented yet"); }
Tensor gt(const Tensor& a, const Tensor& b) { NABLA_FAIL("gt: not implemented yet"); }
Tensor gt(const Tensor& a, const Scalar& b) { NABLA_FAIL("gt: not implemented yet"); }
Tensor ge(const Tensor& a, const Tensor& b) { NABLA_FAIL("ge: not implemented yet"); }
Tensor ge(const Tensor& a, const Scalar& b) { NABLA_FAIL("ge: not implemented yet"); }
}  // namespace nabla
