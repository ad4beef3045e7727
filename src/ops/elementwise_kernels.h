#pragma once
// Loop helpers shared by the elementwise_*.cpp ops; the element math itself is in backend/element_math.h.
#include <bit>
#include <cmath>
#include <cstdint>

#include "backend/cpu/loops.h"
#include "backend/cpu/map2.h"
#include "backend/element_math.h"
#include "ops/elementwise_common.h"

// The element functions must inline into the cpu::map loops to vectorize; GCC's size heuristics may refuse.
#define NABLA_ELEM_INLINE [[gnu::always_inline]] inline

namespace nabla::ops {

using namespace nabla::backend;  // the element math (fast_expf, bit_select, ...)

/// a and b converted to `compute` (first, so 0-dim operands stay small), then broadcast to one shape (broadcast2
/// passes equal shapes through without the broadcasting machinery).
inline Broadcast2 prepare2(const Tensor& a, const Tensor& b, ScalarType compute, const char* op) {
  return broadcast2(as_dtype(a, compute), as_dtype(b, compute), op);
}

using cpu::map2;

}  // namespace nabla::ops
