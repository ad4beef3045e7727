#pragma once
// The CPU kernels of one instruction set. Every file in this folder is compiled once per capability (CMakeLists.txt:
// NABLA_CPU_CAPS), with NABLA_CPU_CAP_NS naming the copy; table.cpp gathers them into that copy's KernelTable.
#include "backend/host_device.h"
#include "backend/kernels.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

void copy_cast(const Tensor& dst, const Tensor& src);
void fill(const Tensor& dst, const Scalar& value);
void unary(backend::UnaryOp op, const Tensor& out, const Tensor& x);
void binary(backend::BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
void adam_step(const backend::AdamStep& s, const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
               const Tensor& exp_avg_sq, const Tensor& max_exp_avg_sq);
void sgd_step(const backend::SgdStep& s, const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer);
void rmsprop_step(const backend::RmspropStep& s, const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                  const Tensor& momentum_buffer, const Tensor& grad_avg);
void adagrad_step(const backend::AdagradStep& s, const Tensor& param, const Tensor& grad, const Tensor& sum);
void max_pool2d(const backend::Pool2dGeom& g, const Tensor& out, const Tensor& indices, const Tensor& x);
void max_pool2d_backward(const backend::Pool2dGeom& g, const Tensor& grad_input, const Tensor& grad_output,
                         const Tensor& indices);
void reduce(backend::ReduceOp op, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in);
void reduce_best(bool max, const backend::ReduceGeom& g, const Tensor& values, const Tensor& indices, const Tensor& in);
void reduce_all_any(bool all, const backend::ReduceGeom& g, const Tensor& out, const Tensor& in);
void gemm_op(const backend::GemmArgs& g, const Scalar& alpha, const Scalar& beta, const Tensor& c, const Tensor& a,
             const Tensor& b);
void dot_op(const Tensor& out, const Tensor& a, const Tensor& b);
void index_select(const backend::IndexGeom& g, const Tensor& out, const Tensor& x, const Tensor& index);
void index_add(const backend::IndexGeom& g, const Tensor& out, const Tensor& src, const Tensor& index);
void gather(int64_t dim, const Tensor& out, const Tensor& x, const Tensor& index);
void scatter_add(int64_t dim, const Tensor& out, const Tensor& src, const Tensor& index);
void softmax(bool log, const backend::SoftmaxGeom& g, const Tensor& out, const Tensor& x);
int64_t cross_entropy(const backend::CrossEntropyGeom& g, const Tensor& loss, const Tensor& stats, const Tensor& x,
                      const Tensor& target);
void cross_entropy_backward(const backend::CrossEntropyGeom& g, double scale, const Tensor& grad_x,
                            const Tensor& grad_loss, const Tensor& x, const Tensor& stats, const Tensor& target);
void avg_pool2d(const backend::AvgPoolWindows& w, const Tensor& out, const Tensor& x);
void avg_pool2d_backward(const backend::AvgPoolWindows& w, const Tensor& grad_input, const Tensor& grad_output);
void conv2d(const backend::Conv2dGeom& g, const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b,
            const Tensor& cols);
void conv2d_backward_input(const backend::Conv2dGeom& g, const Tensor& grad_input, const Tensor& grad_output,
                           const Tensor& w);
void conv2d_backward_weight(const backend::Conv2dGeom& g, const Tensor& grad_weight, const Tensor& grad_output,
                            const Tensor& x, const Tensor& cols);
void random(const backend::RandomArgs& r, GeneratorImpl& gen, const Tensor& out, const Tensor& p);
/// conv2d by im2col + GEMM alone, for every shape: the path conv2d takes unless Winograd applies (conv_winograd.h),
/// and its test oracle.
void conv2d_im2col(const backend::Conv2dGeom& g, const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b,
                   const Tensor& cols);

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
