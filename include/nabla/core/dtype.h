#pragma once
// Scalar types, their sizes, names and PyTorch's type promotion.
#include <cstdint>
#include <ostream>
#include <string_view>

namespace nabla {

enum class ScalarType : int8_t { Bool = 0, UInt8, Int32, Int64, Float32, Float64 };
using Dtype = ScalarType;

constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kUInt8 = ScalarType::UInt8;
constexpr ScalarType kByte = ScalarType::UInt8;
constexpr ScalarType kInt32 = ScalarType::Int32;
constexpr ScalarType kInt = ScalarType::Int32;
constexpr ScalarType kInt64 = ScalarType::Int64;
constexpr ScalarType kLong = ScalarType::Int64;
constexpr ScalarType kFloat32 = ScalarType::Float32;
constexpr ScalarType kFloat = ScalarType::Float32;
constexpr ScalarType kFloat64 = ScalarType::Float64;
constexpr ScalarType kDouble = ScalarType::Float64;

/// Bytes per element.
constexpr size_t element_size(ScalarType t) {
  switch (t) {
    case ScalarType::Bool:
    case ScalarType::UInt8:
      return 1;
    case ScalarType::Int32:
    case ScalarType::Float32:
      return 4;
    case ScalarType::Int64:
    case ScalarType::Float64:
      return 8;
  }
  return 0;
}
/// "Float", "Double", "Long", ... as LibTorch prints them.
std::string_view dtype_name(ScalarType t);
inline bool is_floating_point(ScalarType t) { return t == kFloat32 || t == kFloat64; }
inline bool is_integral(ScalarType t, bool include_bool = false) {
  return t == kUInt8 || t == kInt32 || t == kInt64 || (include_bool && t == kBool);
}
/// PyTorch's promote_types for two tensor dtypes.
ScalarType promote_types(ScalarType a, ScalarType b);
std::ostream& operator<<(std::ostream& os, ScalarType t);

/// C++ type <-> ScalarType.
template <typename T>
struct CppTypeToScalarType;
template <> struct CppTypeToScalarType<bool> { static constexpr ScalarType value = kBool; };
template <> struct CppTypeToScalarType<uint8_t> { static constexpr ScalarType value = kUInt8; };
template <> struct CppTypeToScalarType<int32_t> { static constexpr ScalarType value = kInt32; };
template <> struct CppTypeToScalarType<int64_t> { static constexpr ScalarType value = kInt64; };
template <> struct CppTypeToScalarType<float> { static constexpr ScalarType value = kFloat32; };
template <> struct CppTypeToScalarType<double> { static constexpr ScalarType value = kFloat64; };

}  // namespace nabla

// Runs the body with `scalar_t` bound to the C++ type of `TYPE`. The body is a lambda-like block.
#define NABLA_DISPATCH_CASE(ENUM, CTYPE, ...) \
  case ::nabla::ScalarType::ENUM: {           \
    using scalar_t = CTYPE;                   \
    return __VA_ARGS__();                     \
  }

#define NABLA_DISPATCH_ALL(TYPE, NAME, ...)                                                   \
  [&] {                                                                                       \
    switch (TYPE) {                                                                           \
      NABLA_DISPATCH_CASE(Bool, bool, __VA_ARGS__)                                            \
      NABLA_DISPATCH_CASE(UInt8, uint8_t, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Int32, int32_t, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Float32, float, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Float64, double, __VA_ARGS__)                                       \
    }                                                                                         \
    throw ::nabla::Error(std::string(NAME) + ": unsupported dtype");                          \
  }()

#define NABLA_DISPATCH_NUMERIC(TYPE, NAME, ...)                                               \
  [&] {                                                                                       \
    switch (TYPE) {                                                                           \
      NABLA_DISPATCH_CASE(UInt8, uint8_t, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Int32, int32_t, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Int64, int64_t, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Float32, float, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Float64, double, __VA_ARGS__)                                       \
      default: break;                                                                         \
    }                                                                                         \
    throw ::nabla::Error(::nabla::detail::concat(NAME, ": not implemented for dtype ", TYPE)); \
  }()

#define NABLA_DISPATCH_FLOATING(TYPE, NAME, ...)                                              \
  [&] {                                                                                       \
    switch (TYPE) {                                                                           \
      NABLA_DISPATCH_CASE(Float32, float, __VA_ARGS__)                                        \
      NABLA_DISPATCH_CASE(Float64, double, __VA_ARGS__)                                       \
      default: break;                                                                         \
    }                                                                                         \
    throw ::nabla::Error(::nabla::detail::concat(NAME, ": expected a floating-point tensor (Float or Double), got ", TYPE, \
                                                 "; convert it with .to(nabla::kFloat)"));   \
  }()
