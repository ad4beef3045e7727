// Temporary stubs: the shape ops not implemented yet. Delete each line as its op lands; delete the file when empty.
#include "nabla/nabla.h"

namespace nabla {
Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) { NABLA_FAIL("flatten: not implemented yet"); }
Tensor squeeze(const Tensor& x) { NABLA_FAIL("squeeze: not implemented yet"); }
Tensor squeeze(const Tensor& x, int64_t dim) { NABLA_FAIL("squeeze: not implemented yet"); }
Tensor unsqueeze(const Tensor& x, int64_t dim) { NABLA_FAIL("unsqueeze: not implemented yet"); }
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) { NABLA_FAIL("transpose: not implemented yet"); }
Tensor t(const Tensor& x) { NABLA_FAIL("t: not implemented yet"); }
Tensor permute(const Tensor& x, IntArrayRef dims) { NABLA_FAIL("permute: not implemented yet"); }
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) { NABLA_FAIL("narrow: not implemented yet"); }
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) { NABLA_FAIL("slice: not implemented yet"); }
Tensor select(const Tensor& x, int64_t dim, int64_t index) { NABLA_FAIL("select: not implemented yet"); }
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) { NABLA_FAIL("index_select: not implemented yet"); }
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) { NABLA_FAIL("gather: not implemented yet"); }
Tensor cat(const TensorList& tensors, int64_t dim) { NABLA_FAIL("cat: not implemented yet"); }
Tensor stack(const TensorList& tensors, int64_t dim) { NABLA_FAIL("stack: not implemented yet"); }
TensorList split(const Tensor& x, int64_t split_size, int64_t dim) { NABLA_FAIL("split: not implemented yet"); }
TensorList split(const Tensor& x, IntArrayRef split_sizes, int64_t dim) { NABLA_FAIL("split: not implemented yet"); }
TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim) { NABLA_FAIL("chunk: not implemented yet"); }
TensorList unbind(const Tensor& x, int64_t dim) { NABLA_FAIL("unbind: not implemented yet"); }
}  // namespace nabla
