// Python-style indexing (core/indexing.h): x.index({...}) composes select, slice, unsqueeze and index_select, so its
// gradient is theirs; x.index_put_({...}, v) writes through the same views (copy_ / fill_), or with where() for a bool
// mask. A bool mask index reads the mask on the host to size its result (as PyTorch's nonzero does).
#include "nabla/core/indexing.h"

#include <cstring>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/shape.h"

namespace nabla {

namespace indexing {
TensorIndex::TensorIndex(const char* text) : kind_(Kind::Ellipsis) {
  NABLA_CHECK(text != nullptr && std::strcmp(text, "...") == 0, "TensorIndex: the only string index is \"...\" ",
              "(Ellipsis), got \"", text ? text : "", "\"");
}
}  // namespace indexing

namespace {

using indexing::TensorIndex;
using Kind = TensorIndex::Kind;

// The views of the basic indices, and the tensor index (if any) with the dim it applies to in the view.
struct Indexed {
  Tensor view;
  Tensor tensor;  // undefined: none
  int64_t tensor_dim = 0;
};

// How many dims of the indexed tensor an index consumes.
int64_t consumed(const TensorIndex& i) {
  switch (i.kind()) {
    case Kind::Integer: case Kind::Slice: return 1;
    case Kind::Tensor: return i.tensor().dtype() == kBool ? i.tensor().dim() : 1;
    default: return 0;
  }
}

Indexed apply_basic(const Tensor& self, const TensorIndex* begin, const TensorIndex* end, const char* op) {
  NABLA_CHECK(self.defined(), op, ": the tensor is undefined");
  int64_t named = 0, ellipses = 0;
  for (const TensorIndex* i = begin; i != end; ++i) {
    named += consumed(*i);
    ellipses += i->kind() == Kind::Ellipsis;
  }
  NABLA_CHECK(ellipses <= 1, op, ": an index can only have a single ellipsis ('...')");
  NABLA_CHECK(named <= self.dim(), op, ": too many indices for a tensor of dimension ", self.dim(), " (", named,
              " given)");
  Indexed r{self, Tensor(), 0};
  int64_t d = 0;
  for (const TensorIndex* i = begin; i != end; ++i) {
    switch (i->kind()) {
      case Kind::None:
        r.view = r.view.unsqueeze(d++);
        break;
      case Kind::Ellipsis:
        d += self.dim() - named;
        break;
      case Kind::Integer: {
        const int64_t size = r.view.size(d);
        const int64_t k = i->integer();
        NABLA_CHECK(k >= -size && k < size, op, ": index ", k, " is out of bounds for dimension ", d, " with size ",
                    size);
        r.view = r.view.select(d, k);
        break;
      }
      case Kind::Boolean:  // x[True] adds a dim of size 1, x[False] one of size 0
        r.view = r.view.unsqueeze(d).slice(d, 0, i->boolean() ? 1 : 0);
        ++d;
        break;
      case Kind::Slice: {
        const indexing::Slice& s = i->slice();
        NABLA_CHECK(s.step() > 0, op, ": a slice's step must be positive, got ", s.step());
        r.view = r.view.slice(d++, s.start(), s.stop(), s.step());
        break;
      }
      case Kind::Tensor:
        NABLA_CHECK(!r.tensor.defined(), op, ": indexing with more than one tensor is not supported yet; index one ",
                    "dim at a time");
        r.tensor = i->tensor();
        r.tensor_dim = d;
        d += consumed(*i);
        break;
    }
  }
  return r;
}

// The flat positions (over dims [d, d + mask.dim())) where a bool mask is true, as int64.
Tensor mask_positions(const Tensor& mask) {
  const Tensor m = mask.contiguous();
  const bool* p = m.data_ptr<bool>();
  std::vector<int64_t> pos;
  for (int64_t k = 0; k < m.numel(); ++k)
    if (p[k]) pos.push_back(k);
  return tensor(pos, TensorOptions().dtype(kInt64));
}

// A bool mask covers dims [d, d + mask.dim()) of the view, size for size.
void check_mask_shape(const Tensor& view, const Tensor& mask, int64_t d, const char* op) {
  for (int64_t k = 0; k < mask.dim(); ++k)
    NABLA_CHECK(mask.size(k) == view.size(d + k), op, ": the mask's shape ", mask.sizes().vec(),
                " does not match the indexed tensor's shape ", view.sizes().vec(), " at dimension ", d + k);
}

// The view with the bool mask's dims [d, d + mask.dim()) merged into one, and the positions to take there.
std::pair<Tensor, Tensor> merge_masked(const Tensor& view, const Tensor& mask, int64_t d, const char* op) {
  check_mask_shape(view, mask, d, op);
  std::vector<int64_t> shape(view.sizes().begin(), view.sizes().begin() + d);
  shape.push_back(-1);
  shape.insert(shape.end(), view.sizes().begin() + d + mask.dim(), view.sizes().end());
  return {view.reshape(shape), mask_positions(mask)};
}

Tensor index_impl(const Tensor& self, const TensorIndex* begin, const TensorIndex* end) {
  Indexed r = apply_basic(self, begin, end, "index");
  if (!r.tensor.defined()) return r.view;
  const Tensor& t = r.tensor;
  const int64_t d = r.tensor_dim;
  if (t.dtype() == kBool) {
    auto [merged, pos] = merge_masked(r.view, t, d, "index");
    return merged.index_select(d, pos);
  }
  NABLA_CHECK(t.dtype() == kInt64 || t.dtype() == kInt32, "index: tensors used as indices must be int64, int32 or ",
              "bool, got ", t.dtype());
  // index_select along d, then the index's own shape in place of that dim.
  Tensor picked = r.view.index_select(d, t.reshape({-1}).to(kInt64));
  std::vector<int64_t> shape(picked.sizes().begin(), picked.sizes().begin() + d);
  shape.insert(shape.end(), t.sizes().begin(), t.sizes().end());
  shape.insert(shape.end(), picked.sizes().begin() + d + 1, picked.sizes().end());
  return picked.reshape(shape);
}

Tensor& index_put_impl(Tensor& self, const TensorIndex* begin, const TensorIndex* end, const Tensor& value) {
  NABLA_CHECK(value.defined(), "index_put_: the value tensor is undefined");
  Indexed r = apply_basic(self, begin, end, "index_put_");
  if (!r.tensor.defined()) {
    r.view.copy_(value);
    return self;
  }
  const Tensor& t = r.tensor;
  const int64_t d = r.tensor_dim;
  if (t.dtype() == kBool) {
    // Where the mask (broadcast over the dims after it) is true, the value; elsewhere what is there.
    NABLA_CHECK(value.numel() == 1 || t.dim() == r.view.dim(), "index_put_: with a mask over part of the dims, the ",
                "value must be a single number");
    check_mask_shape(r.view, t, d, "index_put_");
    std::vector<int64_t> mshape(size_t(d), 1);
    mshape.insert(mshape.end(), t.sizes().begin(), t.sizes().end());
    mshape.resize(size_t(r.view.dim()), 1);
    const Tensor m = t.reshape(mshape);
    const Tensor v = value.numel() == 1 ? value.reshape({}) : value;
    r.view.copy_(where(m, v.to(r.view.dtype()), r.view));
    return self;
  }
  NABLA_CHECK(t.dtype() == kInt64 || t.dtype() == kInt32, "index_put_: tensors used as indices must be int64, int32 ",
              "or bool, got ", t.dtype());
  NABLA_CHECK(t.dim() <= 1, "index_put_: an index tensor must have at most one dim, got shape ", t.sizes().vec());
  const Tensor flat = t.reshape({-1}).to(kInt64).contiguous();
  const int64_t n = flat.numel(), size = r.view.size(d);
  // The value broadcast to the indexed result's shape, one slice per index entry (the last write wins).
  std::vector<int64_t> out_shape = r.view.sizes().vec();
  out_shape[size_t(d)] = n;
  const Tensor v = value.expand(out_shape);
  const int64_t* idx = flat.data_ptr<int64_t>();
  for (int64_t k = 0; k < n; ++k) {
    NABLA_CHECK(idx[k] >= -size && idx[k] < size, "index_put_: index ", idx[k], " is out of bounds for dimension ",
                d, " with size ", size);
    r.view.select(d, idx[k]).copy_(v.select(d, k));
  }
  return self;
}

}  // namespace

Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return index_impl(*this, indices.begin(), indices.end());
}
Tensor Tensor::index(const std::vector<indexing::TensorIndex>& indices) const {
  return index_impl(*this, indices.data(), indices.data() + indices.size());
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value) {
  return index_put_impl(*this, indices.begin(), indices.end(), value);
}
Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices, const Tensor& value) {
  return index_put_impl(*this, indices.data(), indices.data() + indices.size(), value);
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value) {
  return index_put_impl(*this, indices.begin(), indices.end(), scalar_tensor(value, TensorOptions().dtype(dtype())));
}
Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices, const Scalar& value) {
  return index_put_impl(*this, indices.data(), indices.data() + indices.size(),
                        scalar_tensor(value, TensorOptions().dtype(dtype())));
}

}  // namespace nabla
