// Every registered kernel table (each CPU instruction set built and runnable here) has every kernel, and all of them
// agree with the baseline table on every unary and binary op, as ggml's backend test checks each backend against
// the CPU. The fixture tests (tests/ops, tests/optim) run once per instruction set too (tests/CMakeLists.txt).
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "backend/cpu/capability.h"
#include "backend/kernels.h"
#include "test_util.h"

namespace nabla {
// The im2col paths of the baseline's conv kernels (kernels_cpu.h), the oracle of the Winograd path.
namespace cpu::cap_default {
bool winograd_applies(const backend::Conv2dGeom& g);
void conv2d_im2col(const backend::Conv2dGeom& g, const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b,
                   const Tensor& cols);
}  // namespace cpu::cap_default

namespace {
using backend::BinaryOp;
using backend::KernelTable;
using backend::UnaryOp;

TEST(KernelTables, EveryRegisteredTableHasEveryKernel) {
  const auto tables = backend::registered_kernel_tables();
  ASSERT_FALSE(tables.empty());
  for (const KernelTable* t : tables) {
    SCOPED_TRACE(t->name);
    EXPECT_NE(t->copy_cast, nullptr);
    EXPECT_NE(t->fill, nullptr);
    EXPECT_NE(t->unary, nullptr);
    EXPECT_NE(t->binary, nullptr);
    EXPECT_NE(t->adam_step, nullptr);
    EXPECT_NE(t->sgd_step, nullptr);
    EXPECT_NE(t->rmsprop_step, nullptr);
    EXPECT_NE(t->adagrad_step, nullptr);
    EXPECT_NE(t->reduce, nullptr);
    EXPECT_NE(t->reduce_best, nullptr);
    EXPECT_NE(t->reduce_all_any, nullptr);
    EXPECT_NE(t->gemm, nullptr);
    EXPECT_NE(t->dot, nullptr);
    EXPECT_NE(t->index_select, nullptr);
    EXPECT_NE(t->index_add, nullptr);
    EXPECT_NE(t->gather, nullptr);
    EXPECT_NE(t->scatter_add, nullptr);
    EXPECT_NE(t->softmax, nullptr);
    EXPECT_NE(t->cross_entropy, nullptr);
    EXPECT_NE(t->cross_entropy_backward, nullptr);
    EXPECT_NE(t->max_pool2d, nullptr);
    EXPECT_NE(t->max_pool2d_backward, nullptr);
    EXPECT_NE(t->avg_pool2d, nullptr);
    EXPECT_NE(t->avg_pool2d_backward, nullptr);
    EXPECT_NE(t->conv2d, nullptr);
    EXPECT_NE(t->conv2d_backward_input, nullptr);
    EXPECT_NE(t->conv2d_backward_weight, nullptr);
    EXPECT_NE(t->random, nullptr);
    // The struct holds exactly these entries after its name: a new kind added to KernelTable must be added here.
    EXPECT_EQ(sizeof(KernelTable), sizeof(const char*) + 28 * sizeof(void (*)()));
  }
}

// Inputs that cover the special cases of the element math: signs, zero, large, tiny, NaN, inf. 103 elements so the
// vector loops have a remainder.
Tensor probe(ScalarType dt, bool positive) {
  std::vector<double> v;
  for (int i = 0; i < 96; ++i) v.push_back((i - 48) * 0.37 + 0.01);
  for (double s : {0.0, 1e-30, 88.5, -104.0, double(NAN), double(INFINITY), -double(INFINITY)}) v.push_back(s);
  Tensor t = tensor(v, TensorOptions().dtype(kFloat64)).to(dt);
  return positive ? t.abs() + 1e-3 : t;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.numel() == b.numel() && std::memcmp(a.data_ptr(), b.data_ptr(), size_t(a.numel()) * a.element_size()) == 0;
}

TEST(KernelTables, EveryUnaryOpMatchesTheBaselineBitForBit) {
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    for (int k = 0; k < int(UnaryOp::kCount); ++k) {
      const auto op = UnaryOp(k);
      for (ScalarType dt : {kFloat32, kFloat64}) {
        SCOPED_TRACE(std::string(t->name) + " " + backend::op_name(op) + " " + std::string(dtype_name(dt)));
        const bool positive = op == UnaryOp::Log || op == UnaryOp::Sqrt || op == UnaryOp::Rsqrt;
        Tensor x = probe(dt, positive);
        Tensor want = empty_like(x), got = empty_like(x);
        base.unary(op, want, x);
        t->unary(op, got, x);
        EXPECT_TRUE(same_bits(got, want));
      }
    }
  }
}

TEST(KernelTables, EveryBinaryOpMatchesTheBaselineBitForBit) {
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    for (int k = 0; k < int(BinaryOp::kCount); ++k) {
      const auto op = BinaryOp(k);
      for (ScalarType dt : {kFloat32, kFloat64}) {
        SCOPED_TRACE(std::string(t->name) + " " + backend::op_name(op) + " " + std::string(dtype_name(dt)));
        Tensor a = probe(dt, false), b = probe(dt, false) * -1.3 + 0.2;
        Tensor s = full({1}, 0.75, TensorOptions().dtype(dt)).expand(a.sizes());  // broadcast-scalar path
        for (const Tensor& rhs : {b, s}) {
          Tensor want = empty_like(a), got = empty_like(a);
          base.binary(op, want, a, rhs, 0.5);
          t->binary(op, got, a, rhs, 0.5);
          EXPECT_TRUE(same_bits(got, want));
        }
      }
    }
  }
}

// The naive max pooling the kernels are checked against: every window element in row-major order, the first one
// starting the maximum, a larger or NaN one taking over.
void naive_max_pool(const backend::Pool2dGeom& g, const float* x, float* out, int32_t* idx) {
  for (int64_t p = 0; p < g.planes; ++p)
    for (int64_t oh = 0; oh < g.OH; ++oh)
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        bool any = false;
        float best = -INFINITY;
        int32_t at = 0;
        for (int64_t i = 0; i < g.kh; ++i)
          for (int64_t j = 0; j < g.kw; ++j) {
            const int64_t h = oh * g.sh - g.ph + i * g.dh, w = ow * g.sw - g.pw + j * g.dw;
            if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
            const float v = x[p * g.H * g.W + h * g.W + w];
            if (!any || v > best || std::isnan(v)) best = v, at = int32_t(h * g.W + w);
            any = true;
          }
        out[(p * g.OH + oh) * g.OW + ow] = best;
        idx[(p * g.OH + oh) * g.OW + ow] = at;
      }
}

// Every table's max pooling (the unrolled 2x2 path and the general one) against the naive loops, on data with ties,
// NaNs and infinities, with and without indices, and its backward against scattering by the naive indices.
TEST(KernelTables, MaxPoolMatchesTheNaiveLoops) {
  struct Case {
    int64_t H, W, kh, kw, sh, sw, ph, pw, dh, dw;
  };
  const Case cases[] = {{26, 26, 2, 2, 2, 2, 0, 0, 1, 1}, {11, 11, 2, 2, 2, 2, 0, 0, 1, 1},
                        {16, 16, 2, 2, 2, 2, 0, 0, 1, 1}, {5, 35, 2, 2, 2, 2, 0, 0, 1, 1},
                        {9, 7, 3, 3, 2, 2, 1, 1, 1, 1},   {8, 8, 2, 3, 1, 2, 1, 0, 2, 1},
                        {7, 9, 3, 2, 3, 1, 0, 1, 1, 3},   {5, 5, 5, 5, 1, 1, 2, 2, 1, 1}};
  for (const Case& c : cases) {
    backend::Pool2dGeom g{6, c.H, c.W, 0, 0, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw};
    g.OH = (c.H + 2 * c.ph - c.dh * (c.kh - 1) - 1) / c.sh + 1;
    g.OW = (c.W + 2 * c.pw - c.dw * (c.kw - 1) - 1) / c.sw + 1;
    Tensor x = randint(-4, 5, {g.planes, c.H, c.W}).to(kFloat32);  // many ties
    float* px = x.data_ptr<float>();
    px[3] = NAN, px[4] = NAN, px[40] = INFINITY, px[c.H * c.W + 1] = -INFINITY;
    Tensor want = empty({g.planes, g.OH, g.OW}), want_i = empty({g.planes, g.OH, g.OW}, kInt32);
    naive_max_pool(g, px, want.data_ptr<float>(), want_i.data_ptr<int32_t>());
    Tensor gy = randn({g.planes, g.OH, g.OW});
    Tensor want_gx = zeros({g.planes, c.H * c.W});
    for (int64_t p = 0; p < g.planes; ++p)
      for (int64_t o = 0; o < g.OH * g.OW; ++o)
        want_gx.data_ptr<float>()[p * c.H * c.W + want_i.data_ptr<int32_t>()[p * g.OH * g.OW + o]] +=
            gy.data_ptr<float>()[p * g.OH * g.OW + o];
    for (const KernelTable* t : backend::registered_kernel_tables()) {
      SCOPED_TRACE(std::string(t->name) + " window " + std::to_string(c.kh) + "x" + std::to_string(c.kw) + " of " +
                   std::to_string(c.H) + "x" + std::to_string(c.W));
      Tensor got = empty_like(want), got_i = empty_like(want_i), bare = empty_like(want);
      t->max_pool2d(g, got, got_i, x);
      t->max_pool2d(g, bare, Tensor(), x);
      EXPECT_TRUE(same_bits(got, want));
      EXPECT_TRUE(same_bits(bare, want));
      EXPECT_TRUE(same_bits(got_i, want_i));
      Tensor gx = full({g.planes, c.H, c.W}, NAN);  // the kernel writes every element
      t->max_pool2d_backward(g, gx, gy, got_i);
      EXPECT_TRUE(same_bits(gx, want_gx));
      Tensor got64 = empty_like(want).to(kFloat64), got64_i = empty_like(want_i);
      t->max_pool2d(g, got64, got64_i, x.to(kFloat64));
      EXPECT_TRUE(same_bits(got64, want.to(kFloat64)));
      EXPECT_TRUE(same_bits(got64_i, want_i));
    }
  }
}

// The columns conv2d keeps for the weight gradient give the same bits as columns rebuilt from x, with groups,
// stride, padding and dilation, in every table; and every table's conv2d agrees with the baseline's.
TEST(KernelTables, ConvWeightGradientFromKeptColumnsEqualsRebuilt) {
  const backend::Conv2dGeom g{3, 4, 9, 8, 6, 2, 3, 2, 5, 8, 2, 1, 1, 1, 1, 2, 2};  // stride (2, 1), dilation (1, 2)
  ASSERT_EQ(g.OH, (g.H + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh + 1);
  ASSERT_EQ(g.OW, (g.W + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw + 1);
  Tensor x = randn({g.N, g.C, g.H, g.W}), w = randn({g.O, g.Cg, g.kh, g.kw}), b = randn({g.O});
  Tensor gy = randn({g.N, g.O, g.OH, g.OW});
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  Tensor want = empty({g.N, g.O, g.OH, g.OW});
  base.conv2d(g, want, x, w, b, Tensor());
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    SCOPED_TRACE(t->name);
    Tensor out = empty_like(want), cols = empty({g.columns_numel()});
    t->conv2d(g, out, x, w, b, cols);
    EXPECT_TRUE(allclose(out, want, 1e-5, 1e-5));  // GEMM kernels may differ between instruction sets
    Tensor kept = zeros({g.O, g.Cg, g.kh, g.kw}), rebuilt = zeros({g.O, g.Cg, g.kh, g.kw});
    t->conv2d_backward_weight(g, kept, gy, x, cols);
    t->conv2d_backward_weight(g, rebuilt, gy, x, Tensor());
    EXPECT_TRUE(same_bits(kept, rebuilt));
    EXPECT_GT(rebuilt.abs().sum().item<double>(), 0.0);
    // The input gradient is fully written (over NaN) and agrees with the baseline's.
    Tensor gx = full({g.N, g.C, g.H, g.W}, NAN), base_gx = full({g.N, g.C, g.H, g.W}, NAN);
    t->conv2d_backward_input(g, gx, gy, w);
    base.conv2d_backward_input(g, base_gx, gy, w);
    EXPECT_TRUE(allclose(gx, base_gx, 1e-5, 1e-5));
    EXPECT_GT(gx.abs().sum().item<double>(), 0.0);
  }
}

// Winograd F(2x2, 3x3) against im2col, in every table, float32 and float64: with and without bias, odd output sizes,
// padding 0 to 2, unequal paddings, one image. Stated tolerance: the largest difference is at most 1e-5 (float32;
// 1e-13 for float64) of the largest output magnitude. A forward that keeps columns for the weight gradient stays on
// im2col (same bits, and the same columns), and so does an ineligible layer (groups 2).
TEST(KernelTables, WinogradConvMatchesIm2col) {
  auto geom = [](int64_t N, int64_t C, int64_t H, int64_t W, int64_t O, int64_t ph, int64_t pw, int64_t groups) {
    backend::Conv2dGeom g{N, C, H, W, O, C / groups, 3, 3, H + 2 * ph - 2, W + 2 * pw - 2, 1, 1, ph, pw, 1, 1, groups};
    return g;
  };
  const std::vector<backend::Conv2dGeom> shapes{
      geom(6, 32, 13, 13, 64, 0, 0, 1),  // the Fashion-MNIST CNN's conv2: 11x11 outputs, odd tiles
      geom(3, 9, 7, 10, 12, 1, 0, 1),    // unequal paddings, 7x8 outputs
      geom(2, 8, 5, 6, 16, 2, 2, 1),     // padding 2
      geom(1, 16, 4, 4, 8, 1, 2, 1)};    // one image, no thread split
  auto rel_err = [](const Tensor& got, const Tensor& want) {
    return (got.to(kFloat64) - want.to(kFloat64)).abs().max().item<double>() /
           want.to(kFloat64).abs().max().item<double>();
  };
  for (const backend::Conv2dGeom& g : shapes)
    for (ScalarType dt : {kFloat32, kFloat64}) {
      SCOPED_TRACE(::testing::Message() << "N " << g.N << " C " << g.C << " " << g.H << "x" << g.W << " O " << g.O
                                        << " pad " << g.ph << "," << g.pw << " " << dt);
      ASSERT_TRUE(cpu::cap_default::winograd_applies(g));
      const double tol = dt == kFloat32 ? 1e-5 : 1e-13;
      Tensor x = randn({g.N, g.C, g.H, g.W}).to(dt), w = randn({g.O, g.Cg, 3, 3}).to(dt), b = randn({g.O}).to(dt);
      Tensor want = empty({g.N, g.O, g.OH, g.OW}).to(dt), want_nb = empty_like(want);
      Tensor want_cols = empty({g.columns_numel()}).to(dt);
      cpu::cap_default::conv2d_im2col(g, want, x, w, b, want_cols);
      cpu::cap_default::conv2d_im2col(g, want_nb, x, w, Tensor(), Tensor());
      for (const KernelTable* t : backend::registered_kernel_tables()) {
        SCOPED_TRACE(t->name);
        Tensor out = full_like(want, NAN), out_nb = full_like(want, NAN);  // every element written
        t->conv2d(g, out, x, w, b, Tensor());
        t->conv2d(g, out_nb, x, w, Tensor(), Tensor());
        EXPECT_LE(rel_err(out, want), tol);
        EXPECT_LE(rel_err(out_nb, want_nb), tol);
        EXPECT_FALSE(same_bits(out, want));  // the Winograd path ran
        Tensor kept = full_like(want, NAN), cols = full_like(want_cols, NAN);
        t->conv2d(g, kept, x, w, b, cols);
        if (t == &cpu::kernel_table(cpu::Capability::Default)) {
          EXPECT_TRUE(same_bits(kept, want));
          EXPECT_TRUE(same_bits(cols, want_cols));
        } else {
          EXPECT_LE(rel_err(kept, want), tol);  // GEMM kernels may differ between instruction sets
          EXPECT_TRUE(same_bits(cols, want_cols));
        }
      }
    }
  const backend::Conv2dGeom grouped = geom(2, 16, 6, 6, 16, 1, 1, 2);
  ASSERT_FALSE(cpu::cap_default::winograd_applies(grouped));
  Tensor x = randn({2, 16, 6, 6}), w = randn({16, 8, 3, 3}), want = empty({2, 16, 6, 6}), got = empty_like(want);
  cpu::cap_default::conv2d_im2col(grouped, want, x, w, Tensor(), Tensor());
  cpu::kernel_table(cpu::Capability::Default).conv2d(grouped, got, x, w, Tensor(), Tensor());
  EXPECT_TRUE(same_bits(got, want));
}

// Sum and product reductions: rows longer than one fold chunk and a block of columns, float32/float64/int64, every
// table bit-equal to the baseline and close to a plain double sum; a mean divides (0 / 0 = nan when empty).
TEST(KernelTables, ReduceSumAndProdMatchPlainLoops) {
  using backend::ReduceGeom;
  using backend::ReduceOp;
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  const ReduceGeom shapes[] = {{2, 40000, 1}, {3, 7, 300}, {1, 0, 1}};
  for (const ReduceGeom& g0 : shapes)
    for (ScalarType dt : {kFloat32, kFloat64, kInt64}) {
      Tensor in = dt == kInt64
                      ? randint(-3, 4, {std::max<int64_t>(g0.A * g0.R * g0.K, 1)}, TensorOptions().dtype(kInt64))
                      : randn({std::max<int64_t>(g0.A * g0.R * g0.K, 1)}).to(dt);
      std::vector<double> want(size_t(g0.A * g0.K), 0.0);
      Tensor in64 = in.to(kFloat64);
      const double* p = in64.data_ptr<double>();
      for (int64_t a = 0; a < g0.A; ++a)
        for (int64_t r = 0; r < g0.R; ++r)
          for (int64_t k = 0; k < g0.K; ++k) want[size_t(a * g0.K + k)] += p[(a * g0.R + r) * g0.K + k];
      for (bool mean : {false, true}) {
        if (mean && dt == kInt64) continue;
        const ReduceGeom g{g0.A, g0.R, g0.K, mean, double(g0.R)};
        Tensor ref = empty({g.A * g.K}, TensorOptions().dtype(dt));
        base.reduce(ReduceOp::Sum, g, ref, in);
        for (const KernelTable* t : backend::registered_kernel_tables()) {
          SCOPED_TRACE(std::string(t->name) + " A=" + std::to_string(g.A) + " R=" + std::to_string(g.R) +
                       " K=" + std::to_string(g.K) + " " + std::string(dtype_name(dt)) + (mean ? " mean" : " sum"));
          Tensor out = empty_like(ref);
          t->reduce(ReduceOp::Sum, g, out, in);
          EXPECT_TRUE(same_bits(out, ref));
          Tensor o64 = out.to(kFloat64);
          for (size_t i = 0; i < want.size(); ++i) {
            const double w = mean ? want[i] / double(g.R) : want[i];
            if (mean && g.R == 0) {
              EXPECT_TRUE(std::isnan(o64.data_ptr<double>()[i]));
            } else {
              EXPECT_NEAR(o64.data_ptr<double>()[i], w, 1e-3 * (1 + std::abs(w)));
            }
          }
        }
      }
    }
  // The statistics: every table gives the baseline's bits, on rows longer than a fold chunk.
  Tensor x = randn({2 * 40000}).to(kFloat64);
  for (backend::ReduceOp op :
       {backend::ReduceOp::Var, backend::ReduceOp::Std, backend::ReduceOp::Norm, backend::ReduceOp::LogSumExp})
    for (double p : {2.0, 3.0, double(INFINITY)}) {
      const ReduceGeom g{2, 40000, 1, false, 39999, p};
      Tensor ref = empty({2}, TensorOptions().dtype(kFloat64));
      base.reduce(op, g, ref, x);
      EXPECT_TRUE(std::isfinite(ref.data_ptr<double>()[0]));
      for (const KernelTable* t : backend::registered_kernel_tables()) {
        Tensor out = empty_like(ref);
        t->reduce(op, g, out, x);
        EXPECT_TRUE(same_bits(out, ref)) << t->name << " " << backend::op_name(op) << " p=" << p;
      }
    }
  // Products of small integers are exact.
  Tensor v = tensor(std::vector<double>{1, 2, 3, -1, 2, 5}, TensorOptions().dtype(kFloat64)).to(kInt64);
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    Tensor out = empty({2}, TensorOptions().dtype(kInt64));
    t->reduce(backend::ReduceOp::Prod, backend::ReduceGeom{2, 3, 1}, out, v);
    EXPECT_EQ(out.data_ptr<int64_t>()[0], 6);
    EXPECT_EQ(out.data_ptr<int64_t>()[1], -10);
  }
}

// max/min with indices and all/any: rows shorter and longer than a fold chunk (the chunks' bests are combined), ties
// (first index wins), NaN (wins, first NaN's index), float and int64; every table against plain loops.
TEST(KernelTables, ReduceBestAndAllAnyMatchPlainLoops) {
  for (int64_t R : {int64_t(9), int64_t(40000)})
    for (ScalarType dt : {kFloat32, kInt64}) {
      const int64_t A = 3;
      Tensor in = randint(-5, 6, {A * R}, TensorOptions().dtype(kInt64)).to(dt);                         // many ties
      if (dt == kFloat32) in.data_ptr<float>()[R + R / 2] = NAN, in.data_ptr<float>()[R + R - 1] = NAN;  // row 1
      Tensor in64 = in.to(kFloat64);
      const double* p = in64.data_ptr<double>();
      for (bool max : {true, false})
        for (const KernelTable* t : backend::registered_kernel_tables()) {
          SCOPED_TRACE(std::string(t->name) + (max ? " max R=" : " min R=") + std::to_string(R) + " " +
                       std::string(dtype_name(dt)));
          Tensor values = empty({A}, TensorOptions().dtype(dt)), indices = empty({A}, TensorOptions().dtype(kInt64));
          t->reduce_best(max, backend::ReduceGeom{A, R, 1}, values, indices, in);
          Tensor v64 = values.to(kFloat64);
          for (int64_t a = 0; a < A; ++a) {
            int64_t want = 0;
            for (int64_t r = 1; r < R; ++r) {
              const double v = p[a * R + r], b = p[a * R + want];
              if (std::isnan(b)) break;
              if (std::isnan(v) || (max ? v > b : v < b)) want = r;
            }
            EXPECT_EQ(indices.data_ptr<int64_t>()[a], want) << "row " << a;
            const double got = v64.data_ptr<double>()[a];
            if (std::isnan(p[a * R + want]))
              EXPECT_TRUE(std::isnan(got));
            else
              EXPECT_EQ(got, p[a * R + want]);
          }
          Tensor only = empty({A}, TensorOptions().dtype(kInt64));
          t->reduce_best(max, backend::ReduceGeom{A, R, 1}, Tensor(), only, in);
          EXPECT_TRUE(same_bits(only, indices));
        }
      for (const KernelTable* t : backend::registered_kernel_tables())
        for (bool all : {true, false}) {
          Tensor out = empty({A}, TensorOptions().dtype(kBool));
          // constant rows: all ones for all (true), all zeros for any (false)
          Tensor x = all ? ones({A * R}, TensorOptions().dtype(dt)) : zeros({A * R}, TensorOptions().dtype(dt));
          t->reduce_all_any(all, backend::ReduceGeom{A, R, 1}, out, in);
          for (int64_t a = 0; a < A; ++a) {
            bool want = all;
            for (int64_t r = 0; r < R; ++r) want = all ? (want && p[a * R + r] != 0) : (want || p[a * R + r] != 0);
            EXPECT_EQ(out.data_ptr<bool>()[a], want) << (all ? "all" : "any") << " row " << a;
          }
          t->reduce_all_any(all, backend::ReduceGeom{A, R, 1}, out, x);
          for (int64_t a = 0; a < A; ++a) EXPECT_EQ(out.data_ptr<bool>()[a], all) << "constant rows";
        }
    }
}

// gemm (transposed operands, a batch, beta) and dot (strided) against plain loops, every table.
TEST(KernelTables, GemmAndDotMatchPlainLoops) {
  const int64_t B = 2, M = 5, N = 7, K = 11;
  Tensor a = randn({B, K, M}, TensorOptions().dtype(kFloat64));  // used transposed: op(A) is (M, K)
  Tensor b = randn({B, K, N}, TensorOptions().dtype(kFloat64));
  Tensor c0 = randn({B, M, N}, TensorOptions().dtype(kFloat64));
  const double* pa = a.data_ptr<double>();
  const double* pb = b.data_ptr<double>();
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    SCOPED_TRACE(t->name);
    Tensor c = c0.clone();
    t->gemm(backend::GemmArgs{true, false, B, M, N, K, M, K * M, N, K * N, N, M * N}, 2.0, 0.5, c, a, b);
    for (int64_t z = 0; z < B; ++z)
      for (int64_t i = 0; i < M; ++i)
        for (int64_t j = 0; j < N; ++j) {
          double s = 0;
          for (int64_t k = 0; k < K; ++k) s += pa[z * K * M + k * M + i] * pb[z * K * N + k * N + j];
          const double want = 2.0 * s + 0.5 * c0.data_ptr<double>()[(z * M + i) * N + j];
          EXPECT_NEAR(c.data_ptr<double>()[(z * M + i) * N + j], want, 1e-12 * (1 + std::abs(want)));
        }
    Tensor out = empty({}, TensorOptions().dtype(kFloat64));
    Tensor col = a.select(0, 0).select(1, 2);  // K elements with stride M
    t->dot(out, col, col);
    double want = 0;
    for (int64_t k = 0; k < K; ++k) want += pa[k * M + 2] * pa[k * M + 2];
    EXPECT_NEAR(out.data_ptr<double>()[0], want, 1e-12 * want);
  }
}

// softmax and log_softmax: lines along the last dim and along a middle dim (blocks of neighbouring lines), every
// table bit-equal to the baseline and close to a plain double softmax; a NaN poisons only its own line.
TEST(KernelTables, SoftmaxMatchesPlainLoops) {
  const backend::SoftmaxGeom shapes[] = {{5, 10, 1}, {3, 7, 300}, {1, 1, 1}};
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  for (const backend::SoftmaxGeom& g : shapes)
    for (bool log : {false, true})
      for (ScalarType dt : {kFloat32, kFloat64}) {
        Tensor x = (randn({g.pre * g.len * g.post}) * 4).to(dt);
        if (dt == kFloat32) {  // a NaN in the first line only
          x.data_ptr<float>()[0] = NAN;
        } else {
          x.data_ptr<double>()[0] = NAN;
        }
        Tensor x64 = x.to(kFloat64);
        const double* p = x64.data_ptr<double>();
        std::vector<double> want(size_t(x.numel()));
        for (int64_t i = 0; i < g.pre; ++i)
          for (int64_t j = 0; j < g.post; ++j) {
            auto at = [&](int64_t k) { return size_t((i * g.len + k) * g.post + j); };
            double m = -INFINITY, s = 0;
            for (int64_t k = 0; k < g.len; ++k) m = std::isnan(p[at(k)]) || p[at(k)] > m ? p[at(k)] : m;
            for (int64_t k = 0; k < g.len; ++k) s += std::exp(p[at(k)] - m);
            for (int64_t k = 0; k < g.len; ++k)
              want[at(k)] = log ? p[at(k)] - m - std::log(s) : std::exp(p[at(k)] - m) / s;
          }
        Tensor ref = empty_like(x);
        base.softmax(log, g, ref, x);
        for (const KernelTable* t : backend::registered_kernel_tables()) {
          SCOPED_TRACE(std::string(t->name) + (log ? " log_softmax " : " softmax ") + std::to_string(g.pre) + "x" +
                       std::to_string(g.len) + "x" + std::to_string(g.post) + " " + std::string(dtype_name(dt)));
          Tensor out = empty_like(x);
          t->softmax(log, g, out, x);
          EXPECT_TRUE(same_bits(out, ref));
          Tensor o64 = out.to(kFloat64);
          for (size_t i = 0; i < want.size(); ++i) {
            const double got = o64.data_ptr<double>()[i];
            if (std::isnan(want[i])) {
              EXPECT_TRUE(std::isnan(got)) << i;
            } else {
              EXPECT_NEAR(got, want[i], 1e-5 * (1 + std::abs(want[i]))) << i;
            }
          }
        }
      }
}

// cross_entropy and its backward on every table: the same bits as the baseline, and the plain formulas in double
// (loss = log sum exp - x[t]; gradient = s (softmax - one_hot)); ignored lines give 0; a bad target is reported.
TEST(KernelTables, CrossEntropyMatchesPlainLoops) {
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  for (int64_t rows : {5, 4000}) {  // 4000 x 10 runs on the pool
    const int64_t classes = 10;
    const backend::CrossEntropyGeom g{rows, classes, -100};
    Tensor target = randint(0, classes, {rows}, TensorOptions().dtype(kInt64));
    target.data_ptr<int64_t>()[1] = -100;
    for (ScalarType dt : {kFloat32, kFloat64}) {
      Tensor x = (randn({rows, classes}) * 4).to(dt);
      Tensor grad = (randn({rows}) + 2).to(dt);
      Tensor x64 = x.to(kFloat64), g64 = grad.to(kFloat64);
      Tensor ref_loss = empty({rows}, TensorOptions().dtype(dt)),
             ref_stats = empty({rows, 2}, TensorOptions().dtype(kFloat64));
      ASSERT_EQ(base.cross_entropy(g, ref_loss, ref_stats, x, target), rows - 1);
      Tensor ref_grad = empty_like(x);
      base.cross_entropy_backward(g, 0.5, ref_grad, grad, x, ref_stats, target);
      for (const KernelTable* t : backend::registered_kernel_tables()) {
        SCOPED_TRACE(std::string(t->name) + " rows " + std::to_string(rows) + " " + std::string(dtype_name(dt)));
        Tensor loss = empty({rows}, TensorOptions().dtype(dt)),
               stats = empty({rows, 2}, TensorOptions().dtype(kFloat64));
        EXPECT_EQ(t->cross_entropy(g, loss, stats, x, target), rows - 1);
        Tensor gx = empty_like(x);
        t->cross_entropy_backward(g, 0.5, gx, grad, x, stats, target);
        EXPECT_TRUE(same_bits(loss, ref_loss));
        EXPECT_TRUE(same_bits(gx, ref_grad));
        const Tensor l64 = loss.to(kFloat64), gx64 = gx.to(kFloat64);
        for (int64_t r = 0; r < std::min<int64_t>(rows, 50); ++r) {
          const double* p = x64.data_ptr<double>() + r * classes;
          const int64_t tr = target.data_ptr<int64_t>()[r];
          double m = -INFINITY, s = 0;
          for (int64_t k = 0; k < classes; ++k) m = std::max(m, p[k]);
          for (int64_t k = 0; k < classes; ++k) s += std::exp(p[k] - m);
          const double lse = m + std::log(s);
          EXPECT_NEAR(l64.data_ptr<double>()[r], tr == -100 ? 0.0 : lse - p[tr], 1e-5 * (1 + lse)) << r;
          for (int64_t k = 0; k < classes; ++k) {
            const double want = tr == -100 ? 0.0 : 0.5 * g64.data_ptr<double>()[r] * (std::exp(p[k] - lse) - (k == tr));
            EXPECT_NEAR(gx64.data_ptr<double>()[r * classes + k], want, 1e-5) << r << " " << k;
          }
        }
      }
    }
    target.data_ptr<int64_t>()[3] = classes;  // out of range: reported as -1 - line
    Tensor loss = empty({rows}), stats = empty({rows, 2}, TensorOptions().dtype(kFloat64));
    EXPECT_EQ(base.cross_entropy(g, loss, stats, randn({rows, classes}), target), -1 - 3);
  }
}

// The capability the CPU backend runs is the one NABLA_CPU_CAPABILITY asks for (ctest runs the fixture tests under
// each one this machine has), capped at what the CPU can do.
TEST(KernelTables, CapabilityFollowsTheEnvironment) {
  const char* env = std::getenv("NABLA_CPU_CAPABILITY");
  const cpu::Capability c = cpu::capability();
  EXPECT_TRUE(cpu::capability_available(c));
  EXPECT_EQ(std::string(backend::kernels(kCPU).name), std::string("cpu-") + cpu::capability_name(c));
  if (env && cpu::capability_available(cpu::Capability(0))) {
    const std::string want = env;
    bool have = false;
    for (auto a : cpu::available_capabilities()) have = have || want == cpu::capability_name(a);
    if (have) {
      EXPECT_EQ(want, cpu::capability_name(c));
    }
  }
}

}  // namespace
}  // namespace nabla
