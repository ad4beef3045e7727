#include "nabla/core/dtype.h"

#include "nabla/core/error.h"

namespace nabla {

std::string_view dtype_name(ScalarType t) {
  switch (t) {
    case kBool: return "Bool";
    case kUInt8: return "Byte";
    case kInt32: return "Int";
    case kInt64: return "Long";
    case kFloat32: return "Float";
    case kFloat64: return "Double";
  }
  return "?";
}

// Category order bool < integral < floating; within a category the wider type wins
// (uint8 with a signed int gives the signed type, as in PyTorch when the other is wider).
ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  static constexpr int rank[] = {0, 1, 2, 3, 4, 5};  // Bool, UInt8, Int32, Int64, Float32, Float64
  return rank[int(a)] >= rank[int(b)] ? a : b;
}

std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << dtype_name(t); }

}  // namespace nabla
