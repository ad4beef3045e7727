// Python-style indexing (core/indexing.h): x.index({...}) composes select, slice, unsqueeze, permute, reshape and
// index_select, so its gradient is theirs; x.index_put_({...}, v) writes through the same views (copy_ / fill_), or
// with where() for a bool mask. A bool mask index reads the mask on the host to size its result (as PyTorch's nonzero
// does). Several tensor indices (PyTorch's advanced indexing) are broadcast together to one shape B: the result holds
// view[..., i1[b], ..., ik[b], ...] for each b, with B's dims where the indexed dims were when those are next to each
// other, else in front; a bool mask counts as one int index per dim it covers (its true positions).
#include "nabla/core/indexing.h"

#include <algorithm>
#include <cstring>
#include <string>
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

// The views of the basic indices, and the tensor indices with the dims of the view they apply to.
struct Indexed {
  Tensor view;
  std::vector<Tensor> tensors;
  std::vector<int64_t> dims;
};

// How many dims of the indexed tensor an index consumes.
int64_t consumed(const TensorIndex& i) {
  switch (i.kind()) {
    case Kind::Integer:
    case Kind::Slice:
      return 1;
    case Kind::Tensor:
      return i.tensor().dtype() == kBool ? i.tensor().dim() : 1;
    default:
      return 0;
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
  Indexed r{self, {}, {}};
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
        NABLA_CHECK(i->tensor().defined(), op, ": a tensor index is undefined");
        r.tensors.push_back(i->tensor());
        r.dims.push_back(d);
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

// Several tensor indices as int64 indices, one per indexed dim of the view: a bool mask at dim d becomes the
// coordinates of its true positions along each of the dims it covers.
void split_masks(const Tensor& view, Indexed& r, const char* op) {
  std::vector<Tensor> tensors;
  std::vector<int64_t> dims;
  for (size_t j = 0; j < r.tensors.size(); ++j) {
    const Tensor& t = r.tensors[j];
    const int64_t d = r.dims[j];
    if (t.dtype() != kBool) {
      NABLA_CHECK(t.dtype() == kInt64 || t.dtype() == kInt32, op, ": tensors used as indices must be int64, int32 ",
                  "or bool, got ", t.dtype());
      tensors.push_back(t.to(kInt64));
      dims.push_back(d);
      continue;
    }
    check_mask_shape(view, t, d, op);
    const Tensor m = t.contiguous();
    const bool* p = m.data_ptr<bool>();
    std::vector<std::vector<int64_t>> coords(size_t(t.dim()));
    for (int64_t flat = 0; flat < m.numel(); ++flat) {
      if (!p[flat]) continue;
      for (int64_t k = t.dim() - 1, rest = flat; k >= 0; --k) {
        coords[size_t(k)].push_back(rest % t.size(k));
        rest /= t.size(k);
      }
    }
    for (int64_t k = 0; k < t.dim(); ++k) {
      tensors.push_back(tensor(coords[size_t(k)], TensorOptions().dtype(kInt64)));
      dims.push_back(d + k);
    }
  }
  NABLA_CHECK(!tensors.empty(), op, ": the tensor indices select no dim (0-dim masks); index with one at a time");
  r.tensors = std::move(tensors);
  r.dims = std::move(dims);
}

// Tensor indices (several, or one int index of index_put_), ready to apply: each bounds-checked, wrapped (negative
// counts from the end) and broadcast to their common shape B; the view with the indexed dims moved first, (indexed...,
// rest...); and where B's dims go in index()'s result: in place of the indexed dims when those are next to each other,
// else in front.
struct Advanced {
  std::vector<Tensor> wrapped;  // one int64 index per indexed dim, each of shape B
  std::vector<int64_t> bshape;  // B
  Tensor moved;                 // (indexed..., rest...)
  int64_t b_pos = 0;            // the position of B's first dim in index()'s result
};

Advanced prepare_advanced(Indexed& r, const char* op) {
  split_masks(r.view, r, op);
  Advanced a;
  const std::string what = std::string(op) + ": the index tensors cannot be broadcast together";
  a.bshape = r.tensors[0].sizes().vec();
  for (size_t j = 1; j < r.tensors.size(); ++j)
    a.bshape = broadcast_shapes(a.bshape, r.tensors[j].sizes(), what.c_str());
  for (size_t j = 0; j < r.tensors.size(); ++j) {
    const Tensor& t = r.tensors[j];
    const int64_t size = r.view.size(r.dims[j]);
    if (t.numel() > 0) {
      const int64_t lo = t.min().item<int64_t>(), hi = t.max().item<int64_t>();
      NABLA_CHECK(lo >= -size && hi < size, op, ": index ", lo < -size ? lo : hi, " is out of bounds for dimension ",
                  r.dims[j], " with size ", size);
    }
    a.wrapped.push_back((t + t.lt(0).to(kInt64) * size).expand(a.bshape));
  }
  std::vector<int64_t> perm(r.dims.begin(), r.dims.end());
  for (int64_t k = 0; k < r.view.dim(); ++k)
    if (std::find(r.dims.begin(), r.dims.end(), k) == r.dims.end()) perm.push_back(k);
  a.moved = r.view.permute(perm);
  bool adjacent = true;
  for (size_t j = 1; j < r.dims.size(); ++j) adjacent = adjacent && r.dims[j] == r.dims[j - 1] + 1;
  a.b_pos = adjacent ? r.dims[0] : 0;
  return a;
}

// The permutation from (B..., rest...) to index()'s layout: the first b_pos dims of rest, then B, then the others.
std::vector<int64_t> front_to_result(const Advanced& a, int64_t ndim) {
  const int64_t nb = int64_t(a.bshape.size());
  std::vector<int64_t> perm;
  for (int64_t j = 0; j < a.b_pos; ++j) perm.push_back(nb + j);
  for (int64_t j = 0; j < nb; ++j) perm.push_back(j);
  for (int64_t j = nb + a.b_pos; j < ndim; ++j) perm.push_back(j);
  return perm;
}

// PyTorch's advanced indexing with two or more tensor indices (see the top of the file): the indexed dims of the
// moved view flattened into one, gathered at the indices' row-major linear positions.
Tensor advanced_index(Indexed r) {
  const Advanced a = prepare_advanced(r, "index");
  const int64_t k = int64_t(a.wrapped.size());
  Tensor lin;
  int64_t indexed = 1;
  for (int64_t j = 0; j < k; ++j) {
    lin = j == 0 ? a.wrapped[0] : lin * a.moved.size(j) + a.wrapped[size_t(j)];
    indexed *= a.moved.size(j);
  }
  std::vector<int64_t> flat{indexed}, front = a.bshape;
  flat.insert(flat.end(), a.moved.sizes().begin() + k, a.moved.sizes().end());
  front.insert(front.end(), a.moved.sizes().begin() + k, a.moved.sizes().end());
  const Tensor out = a.moved.reshape(flat).index_select(0, lin.reshape({-1})).reshape(front);
  return a.b_pos == 0 ? out : out.permute(front_to_result(a, out.dim()));
}

Tensor index_impl(const Tensor& self, const TensorIndex* begin, const TensorIndex* end) {
  Indexed r = apply_basic(self, begin, end, "index");
  if (r.tensors.empty()) return r.view;
  if (r.tensors.size() > 1) return advanced_index(std::move(r));
  const Tensor& t = r.tensors[0];
  const int64_t d = r.dims[0];
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

// index_put_ with int tensor indices (one or several): the value broadcast to what index() would return, written entry
// by entry of B (the last write wins where indices repeat, as on PyTorch's CPU without accumulate).
Tensor& advanced_index_put(Tensor& self, Indexed r, const Tensor& value) {
  const Advanced a = prepare_advanced(r, "index_put_");
  const int64_t k = int64_t(a.wrapped.size());
  std::vector<int64_t> front = a.bshape;  // index()'s result in (B..., rest...) layout
  front.insert(front.end(), a.moved.sizes().begin() + k, a.moved.sizes().end());
  Tensor v;
  if (a.b_pos == 0) {
    v = value.expand(front);
  } else {
    // The value in index()'s layout, permuted back to (B..., rest...).
    const std::vector<int64_t> perm = front_to_result(a, int64_t(front.size()));
    std::vector<int64_t> result(front.size()), back(front.size());
    for (size_t i = 0; i < perm.size(); ++i) {
      result[i] = front[size_t(perm[i])];
      back[size_t(perm[i])] = int64_t(i);
    }
    v = value.expand(result).permute(back);
  }
  int64_t entries = 1;
  for (int64_t n : a.bshape) entries *= n;
  std::vector<int64_t> vflat{entries};
  vflat.insert(vflat.end(), a.moved.sizes().begin() + k, a.moved.sizes().end());
  v = v.reshape(vflat).to(self.dtype());
  std::vector<Tensor> coords;
  for (const Tensor& w : a.wrapped) coords.push_back(w.reshape({-1}).contiguous());
  for (int64_t b = 0; b < entries; ++b) {
    Tensor target = a.moved;  // selected from the last indexed dim down, so that no dim shifts
    for (int64_t j = k - 1; j >= 0; --j) target = target.select(j, coords[size_t(j)].data_ptr<int64_t>()[b]);
    target.copy_(v.select(0, b));
  }
  return self;
}

Tensor& index_put_impl(Tensor& self, const TensorIndex* begin, const TensorIndex* end, const Tensor& value) {
  NABLA_CHECK(value.defined(), "index_put_: the value tensor is undefined");
  Indexed r = apply_basic(self, begin, end, "index_put_");
  if (r.tensors.empty()) {
    r.view.copy_(value);
    return self;
  }
  if (r.tensors.size() > 1) return advanced_index_put(self, std::move(r), value);
  const Tensor& t = r.tensors[0];
  const int64_t d = r.dims[0];
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
  // An int index tensor, of any shape: the same path as several tensor indices (B is its shape, in dim d's place).
  return advanced_index_put(self, std::move(r), value);
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
