#pragma once
// The kernel interface every backend implements. Kernels are grouped by kind (copy, fill, unary, binary, optimizer
// steps, ...), each kind parameterised by an enum, and a backend fills one KernelTable (the CPU one per instruction
// set: backend/cpu/capability.h). src/ops checks shapes and dtypes, allocates the output on the operands' device and
// calls kernels(device).<kind>; it never loops over elements itself.
//
// Dtypes: a kernel takes its operands already converted to one compute dtype, picked by the op. Unary math and the
// optimizer steps take float32 and float64; binary arithmetic also integers and bool. A (kind, dtype) pair a kernel
// lacks is a nabla::Error naming the op and the dtype. Reduced-precision floats (float16, bfloat16: with the
// Transformers work) are not a kernel's concern: the op computes them in float32 (compute_dtype), converting in and
// out, so a new dtype needs kernels only where speed asks for them.
#include <cstdint>
#include <initializer_list>

#include "nabla/core/generator.h"
#include "nabla/core/tensor.h"

namespace nabla::backend {

// ---- kernel kinds ----

/// Elementwise y = f(x), same shape and dtype. The element functions are in backend/functors.h.
#define NABLA_UNARY_OPS(X) \
  X(Neg) X(Exp) X(Log) X(Log1p) X(Sqrt) X(Rsqrt) X(Sin) X(Cos) X(Tanh) X(Sigmoid) X(Relu) X(Abs)
enum class UnaryOp : uint8_t {
#define NABLA_ENUM_ENTRY(n) n,
  NABLA_UNARY_OPS(NABLA_ENUM_ENTRY) kCount
};

/// Elementwise out = f(a, b) over operands already broadcast to out's shape (expanded views allowed). Add takes
/// alpha (a + alpha b); the *Backward entries are fused gradients (ReluBackward: g where y > 0, SigmoidBackward:
/// g y (1 - y), TanhBackward: g (1 - y^2), with a = g and b = y).
#define NABLA_BINARY_OPS(X) \
  X(Add) X(Mul) X(Div) X(Maximum) X(Minimum) X(ReluBackward) X(SigmoidBackward) X(TanhBackward)
enum class BinaryOp : uint8_t { NABLA_BINARY_OPS(NABLA_ENUM_ENTRY) kCount };
#undef NABLA_ENUM_ENTRY

const char* op_name(UnaryOp op);
const char* op_name(BinaryOp op);

/// One Adam/AdamW update of a contiguous parameter (PyTorch 1.13's single-tensor formulas, lerp and addcdiv
/// included): step_size = lr / (1 - beta1^t), bias_correction2_sqrt = sqrt(1 - beta2^t).
struct AdamStep {
  double lr, beta1, beta2, eps, weight_decay, step_size, bias_correction2_sqrt;
  bool decoupled;  ///< AdamW: p *= 1 - lr wd instead of g += wd p
  bool amsgrad;
};

/// One SGD update: d = g + wd p; buf = first ? d : momentum buf + (1 - dampening) d; d = nesterov ? d + momentum
/// buf : buf; p -= lr d.
struct SgdStep {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, first;
};

/// One RMSprop update: g += wd p; sq = alpha sq + (1 - alpha) g^2; centered: ga = alpha ga + (1 - alpha) g, avg =
/// sqrt(sq - ga^2) + eps, else sqrt(sq) + eps; momentum: buf = momentum buf + g / avg, p -= lr buf; else p -= lr g /
/// avg.
struct RmspropStep {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered;
};

/// One Adagrad update with the decayed rate clr: g += wd p; sum += g^2; p -= clr g / (sqrt(sum) + eps).
struct AdagradStep {
  double clr, eps, weight_decay;
};

/// Pooling windows over `planes` contiguous (H, W) planes (N * C of them), giving (OH, OW) per plane: window
/// (oh, ow) covers rows oh * sh - ph + i * dh, i < kh, and columns ow * sw - pw + j * dw, j < kw, those inside the
/// plane.
struct Pool2dGeom {
  int64_t planes, H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw;
};

/// The windows of avg_pool2d and adaptive_avg_pool2d over `planes` contiguous (H, W) planes: output (oh, ow) averages
/// rows [hs[oh], he[oh]) and columns [ws[ow], we[ow]), dividing the sum by div[oh * OW + ow]. Host arrays (OH or OW
/// or OH * OW entries): a device backend copies them over.
struct AvgPoolWindows {
  int64_t planes, H, W, OH, OW;
  const int64_t *hs, *he, *ws, *we;
  const double* div;
};

/// Reductions over a contiguous input viewed as (A, R, K): out[a * K + k] folds in[a][r][k] over r in order. The op
/// arranges the layout: the reduced dims moved innermost by a contiguous copy (rows: K == 1), or left in place when
/// they form one block between kept dims (columns: K > 1, sum over the batch of a gradient, say).
/// Var, Std, Norm and LogSumExp: floating dtypes, rows only (K == 1), in double inside: Var/Std divide the squared
/// deviations from the row mean by `divisor` (N - correction; 0 gives nan); Norm's order is `p` (0: count of
/// non-zeros, +-inf: max/min of |x|); LogSumExp subtracts the row max first (0 when it is infinite).
#define NABLA_REDUCE_OPS(X) X(Sum) X(Prod) X(Var) X(Std) X(Norm) X(LogSumExp)
enum class ReduceOp : uint8_t {
#define NABLA_ENUM_ENTRY(n) n,
  NABLA_REDUCE_OPS(NABLA_ENUM_ENTRY) kCount
#undef NABLA_ENUM_ENTRY
};
const char* op_name(ReduceOp op);

struct ReduceGeom {
  int64_t A, R, K;
  bool divide = false;  ///< mean: the accumulator is divided by `divisor` before rounding to out's dtype (0 / 0: nan)
  double divisor = 1;   ///< mean, Var, Std
  double p = 2;         ///< Norm
};

/// softmax / log_softmax along the middle dim of a contiguous (pre, len, post) tensor.
struct SoftmaxGeom {
  int64_t pre, len, post;
};

/// Cross-entropy of `rows` lines of `classes` logits with one class index per line; a line whose target is
/// ignore_index counts for nothing.
struct CrossEntropyGeom {
  int64_t rows, classes, ignore_index;
};

/// C = alpha op(A) op(B) + beta C for `batch` matrices (BLAS's conventions, row-major): operand b of A starts at
/// A's first element + b * stride_a, and so on; beta == 0 overwrites C without reading it.
struct GemmArgs {
  bool trans_a, trans_b;
  int64_t batch, M, N, K;
  int64_t lda, stride_a, ldb, stride_b, ldc, stride_c;
};

/// index_select / index_add along one dim: a contiguous (outer, n, inner) tensor and k indices into n.
struct IndexGeom {
  int64_t outer, n, k, inner;
};

/// A 2-d convolution: input (N, C, H, W), weight (O, C / groups, kh, kw), output (N, O, OH, OW), PyTorch's
/// stride, padding, dilation and groups.
struct Conv2dGeom {
  int64_t N, C, H, W;     // input
  int64_t O, Cg, kh, kw;  // weight (O, C/groups, kh, kw)
  int64_t OH, OW;
  int64_t sh, sw, ph, pw, dh, dw, groups;
  int64_t L() const { return OH * OW; }
  int64_t K() const { return Cg * kh * kw; }
  int64_t Og() const { return O / groups; }
  /// The size of conv2d's cols buffer.
  int64_t columns_numel() const { return N * groups * K() * L(); }
};

/// The random fills, each PyTorch's CPU distribution drawn from the generator in out's memory order (PyTorch's
/// TensorIterator order), so a seed gives PyTorch's numbers (backend/cpu/kernels/random.cpp has the formulas).
/// Uniform: [a, b), float dtypes. Normal: mean a, std b, float dtypes. FromTo: integers base + [0, range), any
/// dtype (range 0: any int64). Bits: random_() without bounds ([0, 2^mantissa] for floats, [0, max] for integers).
/// Bernoulli: 1 with probability a. BernoulliTensor: 1 with probability p (float or double, broadcast to out's shape).
/// Permutation: out (n, contiguous) = a random permutation of 0..n-1 (randperm).
enum class RandomOp : uint8_t { Uniform, Normal, FromTo, Bits, Bernoulli, BernoulliTensor, Permutation };
struct RandomArgs {
  RandomOp op;
  double a = 0, b = 1;
  uint64_t range = 0;
  int64_t base = 0;
};

/// The kernels of one device (for the CPU, of one instruction set). Every entry is set: tests/backend checks each
/// registered table against every enum value.
struct KernelTable {
  const char* name;  ///< "cpu-avx2", "privateuseone", ...
  /// dst = src converted to dst's dtype; src has dst's shape (an expanded view is fine).
  void (*copy_cast)(const Tensor& dst, const Tensor& src);
  void (*fill)(const Tensor& dst, const Scalar& value);
  void (*unary)(UnaryOp op, const Tensor& out, const Tensor& x);
  void (*binary)(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
  /// Contiguous tensors of one dtype; max_exp_avg_sq is undefined unless amsgrad.
  void (*adam_step)(const AdamStep& s, const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
                    const Tensor& exp_avg_sq, const Tensor& max_exp_avg_sq);
  /// Contiguous tensors of one dtype; momentum_buffer is undefined when momentum == 0.
  void (*sgd_step)(const SgdStep& s, const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer);
  /// momentum_buffer undefined unless momentum > 0, grad_avg undefined unless centered.
  void (*rmsprop_step)(const RmspropStep& s, const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                       const Tensor& momentum_buffer, const Tensor& grad_avg);
  void (*adagrad_step)(const AdagradStep& s, const Tensor& param, const Tensor& grad, const Tensor& sum);
  /// out (planes, OH, OW) = the window maxima of x (planes, H, W), both contiguous, float32 or float64; a NaN wins
  /// its window. indices (int32, out's shape) gets each maximum's flat in-plane index h * W + w (H * W < 2^31);
  /// undefined: not written (no gradient needed).
  void (*max_pool2d)(const Pool2dGeom& g, const Tensor& out, const Tensor& indices, const Tensor& x);
  /// grad_input (planes, H, W, fully written) = grad_output (planes, OH, OW) summed at indices; all contiguous.
  void (*max_pool2d_backward)(const Pool2dGeom& g, const Tensor& grad_input, const Tensor& grad_output,
                              const Tensor& indices);
  /// out (A * K elements, in's dtype) = the fold of in (A, R, K): numeric dtypes; floats accumulate in double,
  /// integers in their own type; rows fold in chunks of 16384 elements with 8 accumulators, in a fixed order.
  void (*reduce)(ReduceOp op, const ReduceGeom& g, const Tensor& out, const Tensor& in);
  /// The best (max: largest, else smallest; NaN beats all; ties: the first) element of each of A contiguous rows of R
  /// > 0 elements of in (g.K == 1): values (in's dtype; undefined: not written) and indices (int64). Any dtype.
  void (*reduce_best)(bool max, const ReduceGeom& g, const Tensor& values, const Tensor& indices, const Tensor& in);
  /// out[a] = whether all (else any) of row a of in (A rows of R, g.K == 1) is non-zero; out bool, or uint8.
  void (*reduce_all_any)(bool all, const ReduceGeom& g, const Tensor& out, const Tensor& in);
  /// c, a, b: tensors of one numeric dtype whose data_ptr() is each operand's first element (the layout is g's).
  void (*gemm)(const GemmArgs& g, const Scalar& alpha, const Scalar& beta, const Tensor& c, const Tensor& a,
               const Tensor& b);
  /// out (0-dim) = sum of a[i] b[i] over two 1-D tensors of one numeric dtype (any strides).
  void (*dot)(const Tensor& out, const Tensor& a, const Tensor& b);
  /// The index ops; `index` is int64, contiguous and in range (the op checks). out (outer, k, inner) = the rows of x
  /// (outer, n, inner, contiguous) at index; any dtype.
  void (*index_select)(const IndexGeom& g, const Tensor& out, const Tensor& x, const Tensor& index);
  /// out (outer, n, inner), zeroed by the caller, += src (outer, k, inner, contiguous) at index; numeric dtypes.
  void (*index_add)(const IndexGeom& g, const Tensor& out, const Tensor& src, const Tensor& index);
  /// out (contiguous, index's shape)[p] = x[p with dim replaced by index[p]] (x any strides); any dtype.
  void (*gather)(int64_t dim, const Tensor& out, const Tensor& x, const Tensor& index);
  /// out (contiguous, zeroed by the caller)[p with dim replaced by index[p]] += src[p] (src any strides); numeric.
  void (*scatter_add)(int64_t dim, const Tensor& out, const Tensor& src, const Tensor& index);
  /// out = softmax (log: log_softmax) of x along len; both contiguous, one float dtype. A line's NaN makes it NaN.
  void (*softmax)(bool log, const SoftmaxGeom& g, const Tensor& out, const Tensor& x);
  /// log_softmax and nll_loss in one pass over x (rows, classes; contiguous, float32/float64) and target (int64,
  /// rows): loss[r] = -log_softmax(x[r])[target[r]], 0 for an ignored line; stats (float64, rows x 2) = the line's
  /// max and log of its sum of exp(x - max), for the backward. Returns the number of lines not ignored, or -1 - r
  /// for the first line r whose target is neither in [0, classes) nor ignore_index (then nothing is written).
  int64_t (*cross_entropy)(const CrossEntropyGeom& g, const Tensor& loss, const Tensor& stats, const Tensor& x,
                           const Tensor& target);
  /// grad_x (rows, classes, contiguous) = scale * grad_loss[r] * (softmax(x[r]) - one_hot(target[r])), zero on
  /// ignored lines; grad_loss is 0-dim (one value for every line) or holds one value per line.
  void (*cross_entropy_backward)(const CrossEntropyGeom& g, double scale, const Tensor& grad_x, const Tensor& grad_loss,
                                 const Tensor& x, const Tensor& stats, const Tensor& target);
  /// out (planes, OH, OW) = window sums of x (planes, H, W) / div, summed in double; contiguous float32/float64.
  void (*avg_pool2d)(const AvgPoolWindows& w, const Tensor& out, const Tensor& x);
  /// grad_input (planes, H, W), zeroed by the caller, += grad_output / div over each window.
  void (*avg_pool2d_backward)(const AvgPoolWindows& w, const Tensor& grad_input, const Tensor& grad_output);
  /// out = conv(x, w) + b (b undefined: no bias). All contiguous, one float dtype; out is fully written. cols:
  /// undefined, or a contiguous buffer of N * groups * K * L elements (Conv2dGeom::columns_numel) that receives the
  /// backend's per-image columns for conv2d_backward_weight, so that it need not rebuild them.
  void (*conv2d)(const Conv2dGeom& g, const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b,
                 const Tensor& cols);
  /// grad_input (N, C, H, W, fully written) = the input gradient of grad_output through w.
  void (*conv2d_backward_input)(const Conv2dGeom& g, const Tensor& grad_input, const Tensor& grad_output,
                                const Tensor& w);
  /// grad_weight (O, C / groups, kh, kw), zeroed by the caller, += the weight gradient of grad_output and x.
  /// cols: undefined, or what conv2d wrote for this x.
  void (*conv2d_backward_weight)(const Conv2dGeom& g, const Tensor& grad_weight, const Tensor& grad_output,
                                 const Tensor& x, const Tensor& cols);
  /// A random fill (RandomArgs) of out from gen, which must be this device's kind of generator; p: the
  /// probabilities of BernoulliTensor, else undefined. Takes gen's lock.
  void (*random)(const RandomArgs& r, GeneratorImpl& gen, const Tensor& out, const Tensor& p);
};

/// The kernels for `device`; nabla::Error when no backend serves it ("nabla was built without CUDA").
const KernelTable& kernels(Device device);
/// Installs `table` (not owned) for `type`; nullptr unregisters. The CPU's table is built in.
void register_kernels(DeviceType type, const KernelTable* table);
/// The tables the kernel-coverage test walks: every CPU instruction set built and runnable here, and every
/// registered device.
std::vector<const KernelTable*> registered_kernel_tables();

/// The device that `op`'s operands share. Two different devices are a nabla::Error naming both, except that a
/// 0-dim CPU tensor goes along with any device (as in PyTorch). Undefined tensors are skipped.
Device common_device(const char* op, std::initializer_list<const Tensor*> operands);

/// dst = src converted to dst's dtype, by the kernels of their (common) device.
inline void copy_cast(const Tensor& dst, const Tensor& src) {
  kernels(common_device("copy_", {&dst, &src})).copy_cast(dst, src);
}
/// Every element of dst set to value.
inline void fill(const Tensor& dst, const Scalar& value) { kernels(dst.device()).fill(dst, value); }

/// The dtype a kernel computes `t` in: t itself for every dtype nabla has now; float16 and bfloat16 will map to
/// float32 here.
inline ScalarType compute_dtype(ScalarType t) { return t; }

}  // namespace nabla::backend
