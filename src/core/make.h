#pragma once
// Internal helpers to build tensors and views without going through the public factories.
#include <vector>

#include "nabla/core/tensor.h"

namespace nabla::detail {

DimVector contiguous_strides(IntArrayRef sizes);
int64_t shape_numel(IntArrayRef sizes);
/// A new contiguous, uninitialised tensor. Its storage and version counter share one allocation, so a version
/// counter keeps its storage's memory alive: a TensorImpl that changes storage takes a counter of its own.
Tensor make_empty(IntArrayRef sizes, ScalarType dtype, Device device = kCPU);
/// A tensor over t's storage with new geometry; shares t's version counter. No autograd meta.
Tensor make_alias(const Tensor& t, IntArrayRef sizes, IntArrayRef strides, int64_t offset);
/// True when no tensor but t (and no other holder) references t's storage: its buffer may be taken over.
bool storage_unshared(const TensorImpl& t);
/// Same geometry as t, no autograd meta (what detach() returns).
inline Tensor make_alias(const Tensor& t) { return make_alias(t, t.sizes(), t.strides(), t.storage_offset()); }

}  // namespace nabla::detail
