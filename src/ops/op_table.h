#pragma once
// The one list of differentiable ops. An op can only record a graph node through its OpId, so every
// differentiable op is in this table; tests/ops/gradcheck_table_test.cpp fails if an entry has no gradcheck case.
//
// Each area keeps its rows in its own file: NABLA_OP(Id, "forward name", "BackwardNodeName").
#include <cstddef>
#include <string_view>

namespace nabla::ops {

#define NABLA_OPS(NABLA_OP)                    \
  NABLA_OPS_ELEMENTWISE(NABLA_OP)              \
  NABLA_OPS_ACTIVATION(NABLA_OP)               \
  NABLA_OPS_REDUCE(NABLA_OP)                   \
  NABLA_OPS_SHAPE(NABLA_OP)                    \
  NABLA_OPS_LINALG(NABLA_OP)                   \
  NABLA_OPS_NN(NABLA_OP)                       \
  NABLA_OPS_CONV(NABLA_OP)

}  // namespace nabla::ops

#include "ops/table/elementwise.def"
#include "ops/table/activation.def"
#include "ops/table/reduce.def"
#include "ops/table/shape.def"
#include "ops/table/linalg.def"
#include "ops/table/nn.def"
#include "ops/table/conv.def"

namespace nabla::ops {

enum class OpId : int {
#define NABLA_OP_ENUM(id, fwd, bwd) id,
  NABLA_OPS(NABLA_OP_ENUM)
#undef NABLA_OP_ENUM
  kCount
};

struct OpInfo {
  OpId id;
  std::string_view forward_name;
  std::string_view backward_name;
};

inline constexpr OpInfo kOpTable[] = {
#define NABLA_OP_INFO(id, fwd, bwd) {OpId::id, fwd, bwd},
    NABLA_OPS(NABLA_OP_INFO)
#undef NABLA_OP_INFO
};

inline constexpr size_t kNumOps = static_cast<size_t>(OpId::kCount);
inline const OpInfo& op_info(OpId id) { return kOpTable[static_cast<size_t>(id)]; }

}  // namespace nabla::ops
