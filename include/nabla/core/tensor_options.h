#pragma once
#include "nabla/core/device.h"
#include "nabla/core/dtype.h"

namespace nabla {

/// dtype, device and requires_grad for factories: `TensorOptions().dtype(kFloat64).requires_grad(true)`.
class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType t) : dtype_(t), has_dtype_(true) {}  // NOLINT: as LibTorch
  TensorOptions(Device d) : device_(d) {}                        // NOLINT
  TensorOptions(DeviceType d) : device_(d) {}                    // NOLINT
  TensorOptions dtype(ScalarType t) const { auto o = *this; o.dtype_ = t; o.has_dtype_ = true; return o; }
  TensorOptions device(Device d) const { auto o = *this; o.device_ = d; return o; }
  TensorOptions requires_grad(bool r) const { auto o = *this; o.requires_grad_ = r; return o; }
  ScalarType dtype() const { return dtype_; }
  bool has_dtype() const { return has_dtype_; }
  Device device() const { return device_; }
  bool requires_grad() const { return requires_grad_; }

 private:
  ScalarType dtype_ = kFloat32;
  bool has_dtype_ = false;
  Device device_ = kCPU;
  bool requires_grad_ = false;
};

inline TensorOptions dtype(ScalarType t) { return TensorOptions().dtype(t); }
inline TensorOptions device(Device d) { return TensorOptions().device(d); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace nabla
