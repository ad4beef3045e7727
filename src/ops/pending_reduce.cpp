// Temporary stubs: the reduce ops not implemented yet. Delete each line as its op lands; delete the file when empty.
#include "nabla/nabla.h"

namespace nabla {
Tensor prod(const Tensor& x, std::optional<ScalarType> dtype) { NABLA_FAIL("prod: not implemented yet"); }
Tensor prod(const Tensor& x, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) { NABLA_FAIL("prod: not implemented yet"); }
Tensor max(const Tensor& x) { NABLA_FAIL("max: not implemented yet"); }
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) { NABLA_FAIL("max: not implemented yet"); }
Tensor min(const Tensor& x) { NABLA_FAIL("min: not implemented yet"); }
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) { NABLA_FAIL("min: not implemented yet"); }
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { NABLA_FAIL("argmax: not implemented yet"); }
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { NABLA_FAIL("argmin: not implemented yet"); }
Tensor var(const Tensor& x, bool unbiased) { NABLA_FAIL("var: not implemented yet"); }
Tensor var(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim) { NABLA_FAIL("var: not implemented yet"); }
Tensor std(const Tensor& x, bool unbiased) { NABLA_FAIL("std: not implemented yet"); }
Tensor std(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim) { NABLA_FAIL("std: not implemented yet"); }
Tensor norm(const Tensor& x, const Scalar& p) { NABLA_FAIL("norm: not implemented yet"); }
Tensor norm(const Tensor& x, const Scalar& p, IntArrayRef dims, bool keepdim) { NABLA_FAIL("norm: not implemented yet"); }
Tensor logsumexp(const Tensor& x, IntArrayRef dims, bool keepdim) { NABLA_FAIL("logsumexp: not implemented yet"); }
Tensor all(const Tensor& x) { NABLA_FAIL("all: not implemented yet"); }
Tensor all(const Tensor& x, int64_t dim, bool keepdim) { NABLA_FAIL("all: not implemented yet"); }
Tensor any(const Tensor& x) { NABLA_FAIL("any: not implemented yet"); }
Tensor any(const Tensor& x, int64_t dim, bool keepdim) { NABLA_FAIL("any: not implemented yet"); }
Tensor softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) { NABLA_FAIL("softmax: not implemented yet"); }
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<ScalarType> dtype) { NABLA_FAIL("log_softmax: not implemented yet"); }
}  // namespace nabla
