#pragma once
// LibTorch's TensorAccessor: t.accessor<float, 2>() reads and writes elements as a[i][j], through the tensor's
// strides, without a dtype check per element (the dtype and the number of dims are checked once, by accessor()).
#include <cstddef>
#include <cstdint>

namespace nabla {

/// What every TensorAccessor holds: the first element and the tensor's sizes and strides from some dim on.
template <typename T>
class TensorAccessorBase {
 public:
  TensorAccessorBase(T* data, const int64_t* sizes, const int64_t* strides)
      : data_(data), sizes_(sizes), strides_(strides) {}
  int64_t size(size_t d) const { return sizes_[d]; }
  int64_t stride(size_t d) const { return strides_[d]; }
  T* data() const { return data_; }

 protected:
  T* data_;
  const int64_t* sizes_;
  const int64_t* strides_;
};

template <typename T, size_t N>
class TensorAccessor : public TensorAccessorBase<T> {
 public:
  using TensorAccessorBase<T>::TensorAccessorBase;
  TensorAccessor<T, N - 1> operator[](int64_t i) const {
    return TensorAccessor<T, N - 1>(this->data_ + i * this->strides_[0], this->sizes_ + 1, this->strides_ + 1);
  }
};

template <typename T>
class TensorAccessor<T, 1> : public TensorAccessorBase<T> {
 public:
  using TensorAccessorBase<T>::TensorAccessorBase;
  T& operator[](int64_t i) const { return this->data_[i * this->strides_[0]]; }
};

}  // namespace nabla
