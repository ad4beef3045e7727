// This instruction set's KernelTable (see kernels_cpu.h).
// kernels_cpu.h first: it opens this copy's namespace as inline, which must precede capability.h's plain mention.
#include "backend/cpu/kernels/kernels_cpu.h"
// clang-format off
#include "backend/cpu/capability.h"
// clang-format on

#define NABLA_STR2(x) #x
#define NABLA_STR(x) NABLA_STR2(x)

namespace nabla::cpu::NABLA_CPU_CAP_NS {

const backend::KernelTable& kernel_table() {
  static const backend::KernelTable table{
      .name = "cpu-" NABLA_STR(NABLA_CPU_CAP),
      .copy_cast = &copy_cast,
      .fill = &fill,
      .unary = &unary,
      .binary = &binary,
      .adam_step = &adam_step,
      .sgd_step = &sgd_step,
      .rmsprop_step = &rmsprop_step,
      .adagrad_step = &adagrad_step,
      .max_pool2d = &max_pool2d,
      .max_pool2d_backward = &max_pool2d_backward,
      .reduce = &reduce,
      .reduce_best = &reduce_best,
      .reduce_all_any = &reduce_all_any,
      .gemm = &gemm_op,
      .dot = &dot_op,
      .index_select = &index_select,
      .index_add = &index_add,
      .gather = &gather,
      .scatter_add = &scatter_add,
      .softmax = &softmax,
      .cross_entropy = &cross_entropy,
      .cross_entropy_backward = &cross_entropy_backward,
      .avg_pool2d = &avg_pool2d,
      .avg_pool2d_backward = &avg_pool2d_backward,
      .conv2d = &conv2d,
      .conv2d_backward_input = &conv2d_backward_input,
      .conv2d_backward_weight = &conv2d_backward_weight,
      .random = &random,
  };
  return table;
}

}  // namespace nabla::cpu::NABLA_CPU_CAP_NS
