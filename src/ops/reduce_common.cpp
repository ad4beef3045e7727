#include "ops/reduce_common.h"

namespace nabla::ops {

ReducePlan make_reduce_plan(const Tensor& x, IntArrayRef dims, bool keepdim, const char* op) {
  ReducePlan p;
  const int64_t nd = x.dim();
  p.reduced.assign(size_t(nd), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, nd, op);
    if (nd == 0) continue;
    NABLA_CHECK(!p.reduced[size_t(w)], op, ": dim ", w, " appears multiple times in the list of dims");
    p.reduced[size_t(w)] = true;
  }
  for (int64_t d = 0; d < nd; ++d) {
    int64_t s = x.sizes()[size_t(d)];
    if (p.reduced[size_t(d)]) {
      p.inner *= s;
      p.keep_shape.push_back(1);
      if (keepdim) p.out_shape.push_back(1);
    } else {
      p.outer *= s;
      p.keep_shape.push_back(s);
      p.out_shape.push_back(s);
    }
  }
  return p;
}

std::optional<ColumnLayout> column_layout(const Tensor& x, const ReducePlan& plan) {
  if (!x.is_contiguous() || plan.inner <= 1 || plan.outer <= 1) return std::nullopt;
  const auto sizes = x.sizes();
  int64_t first = -1, last = -1;
  for (size_t d = 0; d < plan.reduced.size(); ++d) {
    if (plan.reduced[d] && sizes[d] != 1) {
      if (first < 0) first = int64_t(d);
      last = int64_t(d);
    }
  }
  if (first < 0) return std::nullopt;
  ColumnLayout L;
  for (int64_t d = 0; d < int64_t(sizes.size()); ++d) {
    const int64_t s = sizes[size_t(d)];
    if (d < first) L.A *= s;
    else if (d > last) L.K *= s;
    else if (plan.reduced[size_t(d)]) L.R *= s;
    else if (s != 1) return std::nullopt;  // a kept dim inside the reduced block
  }
  if (L.K < 16) return std::nullopt;  // narrow columns: the row kernel (after a transpose) is faster
  return L;
}

Tensor reduce_rows(const Tensor& x, const ReducePlan& plan) {
  NoGradGuard g;
  std::vector<int64_t> perm;
  for (size_t d = 0; d < plan.reduced.size(); ++d)
    if (!plan.reduced[d]) perm.push_back(int64_t(d));
  for (size_t d = 0; d < plan.reduced.size(); ++d)
    if (plan.reduced[d]) perm.push_back(int64_t(d));
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == int64_t(i);
  Tensor t = x;
  if (!identity) t = detail::make_alias(x, [&] {
    std::vector<int64_t> s;
    for (int64_t d : perm) s.push_back(x.sizes()[size_t(d)]);
    return s;
  }(), [&] {
    std::vector<int64_t> s;
    for (int64_t d : perm) s.push_back(x.strides()[size_t(d)]);
    return s;
  }(), x.storage_offset());
  return t.is_contiguous() ? t : clone(t);
}

}  // namespace nabla::ops
