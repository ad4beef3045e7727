#include "core/make.h"

namespace nabla::detail {

namespace {
void write_contiguous_strides(IntArrayRef sizes, DimVector& strides) {
  strides.resize(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(sizes[i], 1);
  }
}
}  // namespace

DimVector contiguous_strides(IntArrayRef sizes) {
  DimVector strides;
  write_contiguous_strides(sizes, strides);
  return strides;
}

int64_t shape_numel(IntArrayRef sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

namespace {
// A new tensor's storage and version counter in one heap block: the TensorImpl holds two aliasing pointers into it.
struct StorageBlock {
  StorageBlock(size_t nbytes, Device device) : storage(nbytes, device) {}
  StorageImpl storage;
  VersionCounter version;
};
}  // namespace

bool storage_unshared(const TensorImpl& t) {
  const bool one_block = !t.storage.owner_before(t.version) && !t.version.owner_before(t.storage);
  return t.storage.use_count() == (one_block ? 2 : 1);
}

Tensor make_empty(IntArrayRef sizes, ScalarType dtype, Device device) {
  for (int64_t s : sizes) NABLA_CHECK(s >= 0, "empty: negative dimension in size ", sizes.vec());
  auto impl = std::make_shared<TensorImpl>();
  auto block = std::make_shared<StorageBlock>(size_t(shape_numel(sizes)) * element_size(dtype), device);
  StorageImpl* storage = &block->storage;
  VersionCounter* version = &block->version;
  impl->storage = Storage(block, storage);
  impl->version = std::shared_ptr<VersionCounter>(std::move(block), version);
  impl->sizes = sizes;
  write_contiguous_strides(sizes, impl->strides);  // in place: no temporary to move
  impl->dtype = dtype;
  impl->device = device;
  return Tensor(std::move(impl));
}

Tensor make_alias(const Tensor& t, IntArrayRef sizes, IntArrayRef strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  const TensorImpl& src = t.impl();
  impl->storage = src.storage;
  impl->sizes = sizes;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = src.dtype;
  impl->device = src.device;
  impl->version = src.version;
  return Tensor(std::move(impl));
}

}  // namespace nabla::detail
