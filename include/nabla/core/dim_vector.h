#pragma once
// DimVector: a tensor's sizes or strides, stored inline up to 5 dims (as c10's SmallVector in TensorImpl), so that
// making a tensor or a view of up to 5 dims allocates nothing for its geometry.
#include <cstdint>
#include <cstring>
#include <vector>

#include "nabla/core/int_array_ref.h"

namespace nabla {

class DimVector {
 public:
  static constexpr size_t kInline = 5;
  DimVector() = default;
  DimVector(IntArrayRef r) { assign(r.data(), r.size()); }                  // NOLINT
  DimVector(const std::vector<int64_t>& v) { assign(v.data(), v.size()); }  // NOLINT
  DimVector(size_t n, int64_t value) {
    resize(n);
    for (int64_t& d : *this) d = value;
  }
  DimVector(const DimVector& o) { assign(o.data(), o.size()); }
  DimVector(DimVector&& o) noexcept { steal(o); }
  DimVector& operator=(const DimVector& o) {
    if (this != &o) assign(o.data(), o.size());
    return *this;
  }
  DimVector& operator=(DimVector&& o) noexcept {
    if (this != &o) {
      release();
      steal(o);
    }
    return *this;
  }
  ~DimVector() { release(); }

  operator IntArrayRef() const { return {data(), size_}; }  // NOLINT
  const int64_t* data() const { return heap_ ? heap_ : inline_; }
  int64_t* data() { return heap_ ? heap_ : inline_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + size_; }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + size_; }
  int64_t back() const { return data()[size_ - 1]; }
  std::vector<int64_t> vec() const { return {begin(), end()}; }
  /// New elements are uninitialised.
  void resize(size_t n) {
    if (n > capacity()) grow(n);
    size_ = n;
  }
  void push_back(int64_t v) {
    if (size_ == capacity()) grow(size_ * 2);
    data()[size_++] = v;
  }

 private:
  size_t capacity() const { return heap_ ? heap_cap_ : kInline; }
  void grow(size_t n) {
    auto* p = new int64_t[n];
    if (size_) std::memcpy(p, data(), size_ * sizeof(int64_t));
    delete[] heap_;
    heap_ = p;
    heap_cap_ = n;
  }
  void assign(const int64_t* d, size_t n) {
    if (n > capacity()) {
      delete[] heap_;
      heap_ = nullptr;
      grow(n);
    }
    size_ = n;
    int64_t* p = data();
    for (size_t i = 0; i < n; ++i) p[i] = d[i];  // a few dims: cheaper than a memmove call; d is never behind p
  }
  void steal(DimVector& o) {
    size_ = o.size_;
    if (o.heap_) {
      heap_ = o.heap_;
      heap_cap_ = o.heap_cap_;
      o.heap_ = nullptr;
    } else {
      std::memcpy(inline_, o.inline_, sizeof(inline_));
    }
    o.size_ = 0;
  }
  void release() {
    delete[] heap_;
    heap_ = nullptr;
  }

  int64_t* heap_ = nullptr;
  size_t size_ = 0;
  size_t heap_cap_ = 0;
  int64_t inline_[kInline] = {};
};

}  // namespace nabla
