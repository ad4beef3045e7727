#pragma once
// A number passed to an op (`x + 2`, `x * 0.5`): remembers whether it was integral, for type promotion.
#include <cstdint>
#include <ostream>
#include <type_traits>

#include "nabla/core/dtype.h"

namespace nabla {

class Scalar {
 public:
  Scalar() : Scalar(int64_t(0)) {}
  template <typename T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  Scalar(T v) {  // NOLINT: implicit, as in LibTorch
    if constexpr (std::is_same_v<T, bool>) {
      kind_ = kBool;
      i_ = v;
      d_ = v;
    } else if constexpr (std::is_integral_v<T>) {
      kind_ = kInt64;
      i_ = static_cast<int64_t>(v);
      d_ = static_cast<double>(v);
    } else {
      kind_ = kFloat64;
      d_ = static_cast<double>(v);
      i_ = static_cast<int64_t>(v);
    }
  }
  template <typename T>
  T to() const {
    if (kind_ == kFloat64) return static_cast<T>(d_);
    return static_cast<T>(i_);
  }
  double to_double() const { return d_; }
  int64_t to_long() const { return i_; }
  bool is_floating_point() const { return kind_ == kFloat64; }
  bool is_integral() const { return kind_ == kInt64; }
  bool is_boolean() const { return kind_ == kBool; }
  /// kBool, kInt64 or kFloat64: the category used by type promotion.
  ScalarType type() const { return kind_; }

  // LibTorch's names: item().toFloat(), toDouble(), toInt(), toLong(), toBool(), isFloatingPoint(), ...
  float toFloat() const { return to<float>(); }
  double toDouble() const { return to<double>(); }
  int toInt() const { return to<int>(); }
  int64_t toLong() const { return to<int64_t>(); }
  uint8_t toByte() const { return to<uint8_t>(); }
  bool toBool() const { return kind_ == kFloat64 ? d_ != 0 : i_ != 0; }
  bool isFloatingPoint() const { return is_floating_point(); }
  bool isIntegral(bool include_bool) const { return is_integral() || (include_bool && is_boolean()); }
  bool isBoolean() const { return is_boolean(); }

 private:
  ScalarType kind_;
  int64_t i_ = 0;
  double d_ = 0;
};

inline std::ostream& operator<<(std::ostream& os, const Scalar& s) {
  if (s.is_floating_point()) return os << s.to_double();
  if (s.is_boolean()) return os << (s.to_long() ? "true" : "false");
  return os << s.to_long();
}

}  // namespace nabla
