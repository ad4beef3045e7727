// mm, bmm, addmm, dot, matmul and the GEMM backend: values against gemm_naive and hand-computed results,
// strided inputs, batch broadcasting, errors, gradients (first and second order).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "backend/cpu/gemm.h"
#include "core/make.h"
#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::tensor_list;

namespace {

std::mt19937& rng() {
  static std::mt19937 g(1234);
  return g;
}

Tensor random_tensor(std::vector<int64_t> shape, ScalarType dtype = kFloat32) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(rng());
  return tensor(v).reshape(shape).to(dtype);
}


// Reference (M, N) = a (M, K) @ b (K, N) via gemm_naive on contiguous double copies.
std::vector<double> ref_mm(const Tensor& a, const Tensor& b) {
  auto va = values(a), vb = values(b);
  const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  std::vector<double> c(size_t(M * N), 0.0);
  cpu::gemm_naive<double>(false, false, M, N, K, 1.0, va.data(), K, vb.data(), N, 0.0, c.data(), N);
  return c;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at flat index " << i;
}


}  // namespace

// ---------------------------------------------------------------- gemm backend

TEST(Gemm, NaiveHandValuesAllTransposes) {
  // A (2, 3), B (3, 2); At / Bt hold the same matrices stored transposed.
  const double A[] = {1, 2, 3, 4, 5, 6}, At[] = {1, 4, 2, 5, 3, 6};
  const double B[] = {7, 8, 9, 10, 11, 12}, Bt[] = {7, 9, 11, 8, 10, 12};
  const double want[] = {58, 64, 139, 154};
  for (int ta = 0; ta < 2; ++ta) {
    for (int tb = 0; tb < 2; ++tb) {
      double C[4];
      cpu::gemm_naive<double>(ta, tb, 2, 2, 3, 1.0, ta ? At : A, ta ? 2 : 3, tb ? Bt : B, tb ? 3 : 2, 0.0, C, 2);
      for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(C[i], want[i]) << "ta " << ta << " tb " << tb;
      double C2[4] = {1, 1, 1, 1};
      cpu::gemm<double>(ta, tb, 2, 2, 3, 2.0, ta ? At : A, ta ? 2 : 3, tb ? Bt : B, tb ? 3 : 2, -1.0, C2, 2);
      for (int i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(C2[i], 2 * want[i] - 1) << "ta " << ta << " tb " << tb;
    }
  }
}

TEST(Gemm, BetaZeroIgnoresNaNInC) {
  const float A[] = {1, 2}, B[] = {3, 4};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  float C[1] = {nan}, D[1] = {nan};
  cpu::gemm<float>(false, false, 1, 1, 2, 1.0f, A, 2, B, 1, 0.0f, C, 1);
  cpu::gemm_naive<float>(false, false, 1, 1, 2, 1.0f, A, 2, B, 1, 0.0f, D, 1);
  EXPECT_FLOAT_EQ(C[0], 11.0f);
  EXPECT_FLOAT_EQ(D[0], 11.0f);
}

TEST(Gemm, FastMatchesNaiveOnRandomSizesWithPadding) {
  std::uniform_int_distribution<int64_t> dim(1, 70);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int trial = 0; trial < 24; ++trial) {
    const int64_t M = dim(rng()), N = dim(rng()), K = dim(rng());
    const bool ta = trial & 1, tb = trial & 2;
    const int64_t lda = (ta ? M : K) + trial % 3, ldb = (tb ? K : N) + trial % 2, ldc = N + 1;
    std::vector<float> A(size_t((ta ? K : M) * lda)), B(size_t((tb ? N : K) * ldb)), C(size_t(M * ldc)), D;
    for (auto& x : A) x = u(rng());
    for (auto& x : B) x = u(rng());
    for (auto& x : C) x = u(rng());
    D = C;
    cpu::gemm<float>(ta, tb, M, N, K, 0.5f, A.data(), lda, B.data(), ldb, 2.0f, C.data(), ldc);
    cpu::gemm_naive<float>(ta, tb, M, N, K, 0.5f, A.data(), lda, B.data(), ldb, 2.0f, D.data(), ldc);
    for (size_t i = 0; i < C.size(); ++i) ASSERT_NEAR(C[i], D[i], 1e-4) << "M " << M << " N " << N << " K " << K;
  }
}

TEST(Gemm, NaiveThreadedPathMatchesFast) {
  // 256 * 160 * 128 multiply-adds: above the reference kernel's threading threshold.
  const int64_t M = 256, N = 160, K = 128;
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> A(size_t(M * K)), B(size_t(K * N)), C(size_t(M * N)), D(size_t(M * N));
  for (auto& x : A) x = u(rng());
  for (auto& x : B) x = u(rng());
  for (int tb = 0; tb < 2; ++tb) {
    // tb: the same buffer read as B stored (N, K), i.e. a different product.
    cpu::gemm<double>(false, tb, M, N, K, 1.0, A.data(), K, B.data(), tb ? K : N, 0.0, C.data(), N);
    cpu::gemm_naive<double>(false, tb, M, N, K, 1.0, A.data(), K, B.data(), tb ? K : N, 0.0, D.data(), N);
    for (size_t i = 0; i < C.size(); ++i) ASSERT_NEAR(C[i], D[i], 1e-10) << "tb " << tb << " at " << i;
  }
  // Spot check one element against a plain loop.
  double want = 0;
  for (int64_t p = 0; p < K; ++p) want += A[size_t(5 * K + p)] * B[size_t(7 * K + p)];
  EXPECT_NEAR(D[size_t(5 * N + 7)], want, 1e-12);
}

TEST(Gemm, IntegerAndEmptyK) {
  const int64_t A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8};
  int64_t C[4];
  cpu::gemm<int64_t>(false, false, 2, 2, 2, 1, A, 2, B, 2, 0, C, 2);
  EXPECT_EQ(std::vector<int64_t>(C, C + 4), (std::vector<int64_t>{19, 22, 43, 50}));
  double E[2] = {3, 4};
  cpu::gemm<double>(false, false, 1, 2, 0, 1.0, nullptr, 1, nullptr, 2, 0.5, E, 2);  // K = 0: C = beta * C
  EXPECT_DOUBLE_EQ(E[0], 1.5);
  EXPECT_DOUBLE_EQ(E[1], 2.0);
  const double x[] = {1, 2, 3, 4, 5, 6}, y[] = {4, 5, 6};
  EXPECT_DOUBLE_EQ(cpu::dot<double>(3, x, 1, y, 1), 32.0);
  EXPECT_DOUBLE_EQ(cpu::dot<double>(3, x, 2, y, 1), 1 * 4 + 3 * 5 + 5 * 6);
}

// ---------------------------------------------------------------- mm

TEST(Mm, HandValues) {
  auto a = tensor({{1.0, 2.0}, {3.0, 4.0}});
  auto b = tensor({{5.0, 6.0}, {7.0, 8.0}});
  auto c = mm(a, b);
  EXPECT_EQ(c.sizes().vec(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(c.dtype(), kFloat32);
  expect_close(values(c), {19, 22, 43, 50}, 0);
  auto ci = mm(tensor({{1, 2}, {3, 4}}), tensor({{5, 6}, {7, 8}}));  // int64
  EXPECT_EQ(ci.dtype(), kInt64);
  EXPECT_EQ(ci.data_ptr<int64_t>()[3], 50);
  expect_close(values(a.mm(b)), {19, 22, 43, 50}, 0);
}

TEST(Mm, RandomSizesMatchNaive) {
  std::uniform_int_distribution<int64_t> dim(1, 40);
  for (int trial = 0; trial < 10; ++trial) {
    const int64_t n = dim(rng()), k = dim(rng()), m = dim(rng());
    for (ScalarType dt : {kFloat32, kFloat64}) {
      auto a = random_tensor({n, k}, dt), b = random_tensor({k, m}, dt);
      auto c = mm(a, b);
      EXPECT_EQ(c.dtype(), dt);
      EXPECT_EQ(c.sizes().vec(), (std::vector<int64_t>{n, m}));
      expect_close(values(c), ref_mm(a, b), dt == kFloat32 ? 1e-4 : 1e-12);
    }
  }
}

TEST(Mm, StridedOperands) {
  // Transposed views (unit stride in dim 0), a view with no unit stride and an expanded (stride 0) operand.
  auto base_a = random_tensor({7, 5}), base_b = random_tensor({9, 7});
  Tensor at = detail::make_alias(base_a, {5, 7}, {1, 5}, 0);  // (5, 7) = base_a^T
  Tensor bt = detail::make_alias(base_b, {7, 9}, {1, 7}, 0);  // (7, 9) = base_b^T
  EXPECT_FALSE(at.is_contiguous());
  expect_close(values(mm(at, bt)), ref_mm(at, bt), 1e-4);
  Tensor big = random_tensor({6, 8});
  Tensor every_other = detail::make_alias(big, {3, 4}, {16, 2}, 1);  // rows 0,2,4 / cols 1,3,5,7
  Tensor b = random_tensor({4, 3});
  expect_close(values(mm(every_other, b)), ref_mm(every_other, b), 1e-5);
  Tensor row = random_tensor({1, 4});
  Tensor expanded = detail::make_alias(row, {5, 4}, {0, 1}, 0);
  expect_close(values(mm(expanded, b)), ref_mm(expanded, b), 1e-5);
  Tensor offset_view = detail::make_alias(big, {2, 4}, {8, 1}, 9);  // starts at element 9
  expect_close(values(mm(offset_view, b)), ref_mm(offset_view, b), 1e-5);
}

TEST(Mm, EmptyDims) {
  auto c = mm(zeros({3, 0}), zeros({0, 2}));
  EXPECT_EQ(c.sizes().vec(), (std::vector<int64_t>{3, 2}));
  expect_close(values(c), std::vector<double>(6, 0.0), 0);
  EXPECT_EQ(mm(zeros({0, 4}), zeros({4, 2})).numel(), 0);
}

TEST(Mm, Errors) {
  auto msg = error_of([] { mm(zeros({2, 3}), zeros({4, 5})); });
  EXPECT_NE(msg.find("mm: cannot multiply [2, 3] by [4, 5] (3 != 4)"), std::string::npos) << msg;
  msg = error_of([] { mm(zeros({2, 3}), zeros({3, 5}, kFloat64)); });
  EXPECT_NE(msg.find("mm: expected both operands to have the same dtype"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Float"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Double"), std::string::npos) << msg;
  msg = error_of([] { mm(zeros({2, 3, 4}), zeros({4, 5})); });
  EXPECT_NE(msg.find("mm: expected 2-D matrices"), std::string::npos) << msg;
  msg = error_of([] { mm(zeros({2, 2}, kBool), zeros({2, 2}, kBool)); });
  EXPECT_NE(msg.find("mm: not implemented for dtype Bool"), std::string::npos) << msg;
  msg = error_of([] { mm(Tensor(), zeros({2, 2})); });
  EXPECT_NE(msg.find("mm: "), std::string::npos) << msg;
}

TEST(Mm, BackwardValues) {
  // loss = sum(A @ B): dA = 1 @ B^T (row sums of B), dB = A^T @ 1 (column sums of A, repeated).
  auto a = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto b = tensor({{1.0, -1.0}, {2.0, 0.5}, {0.0, 3.0}}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto y = mm(a, b);
  EXPECT_EQ(y.grad_fn()->name(), "MmBackward0");
  y.sum().backward();
  expect_close(values(a.grad()), {0, 2.5, 3, 0, 2.5, 3}, 1e-12);
  expect_close(values(b.grad()), {5, 5, 7, 7, 9, 9}, 1e-12);
}

TEST(Mm, OnlyOneInputRequiresGrad) {
  auto a = rand64({3, 4});
  auto b = random_tensor({4, 2}, kFloat64);
  mm(a, b).sum().backward();
  ASSERT_TRUE(a.grad().defined());
  EXPECT_FALSE(b.grad().defined());
  // dA[i][k] = sum_j B[k][j]
  auto vb = values(b);
  auto ga = values(a.grad());
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(ga[size_t(i * 4 + k)], vb[size_t(k * 2)] + vb[size_t(k * 2 + 1)], 1e-12);
}

TEST(Mm, SecondDerivative) {
  // f(x) = sum(x @ x) for x (2, 2): df/dx = 1 @ x^T + x^T @ 1; d/dx sum(df/dx) = 2 * (1 @ 1) = 4 everywhere.
  auto x = tensor({{1.0, 2.0}, {3.0, 4.0}}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto g = autograd::grad({mm(x, x).sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  // df/dx[i][k] = sum_j x[k][j] + sum_j x[j][i]
  expect_close(values(g), {3 + 4, 7 + 4, 3 + 6, 7 + 6}, 1e-12);
  auto gg = autograd::grad({g.sum()}, {x})[0];
  expect_close(values(gg), {4, 4, 4, 4}, 1e-12);
}

// ---------------------------------------------------------------- bmm / addmm / dot

TEST(Bmm, MatchesPerBatchMm) {
  auto a = random_tensor({3, 4, 5}, kFloat64), b = random_tensor({3, 5, 2}, kFloat64);
  auto c = bmm(a, b);
  EXPECT_EQ(c.sizes().vec(), (std::vector<int64_t>{3, 4, 2}));
  auto vc = values(c);
  for (int64_t i = 0; i < 3; ++i) {
    Tensor ai = detail::make_alias(a, {4, 5}, {5, 1}, i * 20), bi = detail::make_alias(b, {5, 2}, {2, 1}, i * 10);
    auto want = ref_mm(ai, bi);
    for (size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(vc[size_t(i * 8) + j], want[j], 1e-12);
  }
  // Transposed batch entries and a shared (stride 0) batch operand.
  Tensor base = random_tensor({3, 5, 4}, kFloat64);
  Tensor at = detail::make_alias(base, {3, 4, 5}, {20, 1, 4}, 0);
  Tensor b_shared = detail::make_alias(b, {3, 5, 2}, {0, 2, 1}, 0);  // b[0] three times
  auto c2 = values(bmm(at, b_shared));
  for (int64_t i = 0; i < 3; ++i) {
    Tensor ai = detail::make_alias(base, {4, 5}, {1, 4}, i * 20), b0 = detail::make_alias(b, {5, 2}, {2, 1}, 0);
    auto want = ref_mm(ai, b0);
    for (size_t j = 0; j < want.size(); ++j) EXPECT_NEAR(c2[size_t(i * 8) + j], want[j], 1e-12);
  }
}

TEST(Bmm, ErrorsAndBackward) {
  auto msg = error_of([] { bmm(zeros({2, 3, 4}), zeros({3, 4, 5})); });
  EXPECT_NE(msg.find("bmm: batch sizes differ"), std::string::npos) << msg;
  msg = error_of([] { bmm(zeros({2, 3, 4}), zeros({2, 5, 5})); });
  EXPECT_NE(msg.find("bmm: cannot multiply [2, 3, 4] by [2, 5, 5] (4 != 5)"), std::string::npos) << msg;
  msg = error_of([] { bmm(zeros({3, 4}), zeros({4, 5})); });
  EXPECT_NE(msg.find("bmm: expected 3-D"), std::string::npos) << msg;
  auto a = rand64({2, 3, 4}), b = rand64({2, 4, 2});
  auto y = bmm(a, b);
  EXPECT_EQ(y.grad_fn()->name(), "BmmBackward0");
  y.sum().backward();
  // dA[n][i][k] = sum_j B[n][k][j]
  auto vb = values(b), ga = values(a.grad());
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 4; ++k)
        EXPECT_NEAR(ga[size_t(n * 12 + i * 4 + k)], vb[size_t(n * 8 + k * 2)] + vb[size_t(n * 8 + k * 2 + 1)], 1e-12);
}

TEST(Addmm, HandValuesBroadcastBiasAndScalars) {
  auto bias = tensor({10.0, 20.0});
  auto m1 = tensor({{1.0, 2.0}, {3.0, 4.0}});
  auto m2 = tensor({{5.0, 6.0}, {7.0, 8.0}});
  expect_close(values(addmm(bias, m1, m2)), {29, 42, 53, 70}, 0);
  expect_close(values(addmm(bias, m1, m2, 0.5, 2.0)), {43, 54, 91, 110}, 0);
  expect_close(values(bias.reshape({1, 2}).addmm(m1, m2)), {29, 42, 53, 70}, 0);
  // beta = 0 ignores self, NaNs included.
  auto nan_self = full({2, 2}, std::numeric_limits<double>::quiet_NaN());
  expect_close(values(addmm(nan_self, m1, m2, 0.0, 1.0)), {19, 22, 43, 50}, 0);
  auto msg = error_of([&] { addmm(zeros({3}), m1, m2); });
  EXPECT_NE(msg.find("addmm"), std::string::npos) << msg;
  msg = error_of([&] { addmm(zeros({2}, kFloat64), m1, m2); });
  EXPECT_NE(msg.find("addmm: expected self and the matrices to have the same dtype"), std::string::npos) << msg;
}

TEST(Addmm, BackwardValues) {
  auto opt = TensorOptions().dtype(kFloat64).requires_grad(true);
  auto bias = tensor({1.0, 2.0}, opt);
  auto m1 = tensor({{1.0, 2.0}, {3.0, 4.0}}, opt);
  auto m2 = tensor({{5.0, 6.0}, {7.0, 8.0}}, opt);
  auto y = addmm(bias, m1, m2, 3.0, 2.0);
  EXPECT_EQ(y.grad_fn()->name(), "AddmmBackward0");
  y.sum().backward();
  expect_close(values(bias.grad()), {6, 6}, 1e-12);          // beta * rows
  expect_close(values(m1.grad()), {22, 30, 22, 30}, 1e-12);  // alpha * row sums of m2
  expect_close(values(m2.grad()), {8, 8, 12, 12}, 1e-12);    // alpha * column sums of m1
}

TEST(Dot, ValuesErrorsBackward) {
  auto opt = TensorOptions().dtype(kFloat64).requires_grad(true);
  auto a = tensor({1.0, 2.0, 3.0}, opt), b = tensor({4.0, -5.0, 6.0}, opt);
  auto y = dot(a, b);
  EXPECT_EQ(y.dim(), 0);
  EXPECT_DOUBLE_EQ(y.item<double>(), 12.0);
  EXPECT_EQ(y.grad_fn()->name(), "DotBackward0");
  y.backward();
  expect_close(values(a.grad()), {4, -5, 6}, 0);
  expect_close(values(b.grad()), {1, 2, 3}, 0);
  EXPECT_EQ(dot(tensor({1, 2}), tensor({3, 4})).item<int64_t>(), 11);
  Tensor base = tensor({1.0f, 9.0f, 2.0f, 9.0f, 3.0f});
  EXPECT_FLOAT_EQ(dot(detail::make_alias(base, {3}, {2}, 0), tensor({1.0f, 1.0f, 1.0f})).item<float>(), 6.0f);
  auto msg = error_of([] { dot(zeros({3}), zeros({4})); });
  EXPECT_NE(msg.find("dot: inconsistent tensor size"), std::string::npos) << msg;
  msg = error_of([] { dot(zeros({3}), zeros({3}, kFloat64)); });
  EXPECT_NE(msg.find("dot: expected both operands to have the same dtype"), std::string::npos) << msg;
  msg = error_of([] { dot(zeros({3, 1}), zeros({3})); });
  EXPECT_NE(msg.find("dot: 1D tensors expected, but got 2D and 1D"), std::string::npos) << msg;
}

// ---------------------------------------------------------------- matmul

TEST(Matmul, VectorAndMatrixCases) {
  auto m = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});  // (2, 3)
  auto v3 = tensor({1.0, 0.0, -1.0}), v2 = tensor({1.0, 2.0});
  auto d = matmul(v3, tensor({2.0, 3.0, 4.0}));
  EXPECT_EQ(d.dim(), 0);
  EXPECT_FLOAT_EQ(d.item<float>(), -2.0f);
  auto mv = matmul(m, v3);
  EXPECT_EQ(mv.sizes().vec(), (std::vector<int64_t>{2}));
  expect_close(values(mv), {-2, -2}, 0);
  auto vm = v2.matmul(m);
  EXPECT_EQ(vm.sizes().vec(), (std::vector<int64_t>{3}));
  expect_close(values(vm), {9, 12, 15}, 0);
  expect_close(values(matmul(m, tensor({{1.0}, {1.0}, {1.0}}))), {6, 15}, 0);
}

TEST(Matmul, BatchedBroadcastMatchesPerBatchNaive) {
  // (2, 1, 3, 4) @ (5, 4, 2) -> (2, 5, 3, 2): a broadcasts over dim 1, b over dim 0.
  auto a = random_tensor({2, 1, 3, 4}, kFloat64), b = random_tensor({5, 4, 2}, kFloat64);
  auto c = matmul(a, b);
  ASSERT_EQ(c.sizes().vec(), (std::vector<int64_t>{2, 5, 3, 2}));
  auto vc = values(c);
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 5; ++j) {
      auto want = ref_mm(detail::make_alias(a, {3, 4}, {4, 1}, i * 12), detail::make_alias(b, {4, 2}, {2, 1}, j * 8));
      for (size_t e = 0; e < 6; ++e) EXPECT_NEAR(vc[size_t((i * 5 + j) * 6) + e], want[e], 1e-12);
    }
  }
}

TEST(Matmul, BatchedWithVectorsAndFolding) {
  auto a = random_tensor({2, 3, 4}, kFloat64);
  auto v = random_tensor({4}, kFloat64);
  auto av = matmul(a, v);  // (2, 3)
  ASSERT_EQ(av.sizes().vec(), (std::vector<int64_t>{2, 3}));
  auto w = random_tensor({4, 5}, kFloat64);
  auto aw = matmul(a, w);  // folded into one (6, 4) @ (4, 5)
  ASSERT_EQ(aw.sizes().vec(), (std::vector<int64_t>{2, 3, 5}));
  auto u = random_tensor({3}, kFloat64);
  auto ua = matmul(u, a);  // (2, 4)
  ASSERT_EQ(ua.sizes().vec(), (std::vector<int64_t>{2, 4}));
  auto wa = matmul(random_tensor({3, 2}, kFloat64), random_tensor({4, 2, 5}, kFloat64));
  ASSERT_EQ(wa.sizes().vec(), (std::vector<int64_t>{4, 3, 5}));
  auto va = values(a), vv = values(v), vw = values(w), vu = values(u);
  auto vav = values(av), vaw = values(aw), vua = values(ua);
  for (int n = 0; n < 2; ++n) {
    for (int i = 0; i < 3; ++i) {
      double s = 0;
      for (int k = 0; k < 4; ++k) s += va[size_t(n * 12 + i * 4 + k)] * vv[size_t(k)];
      EXPECT_NEAR(vav[size_t(n * 3 + i)], s, 1e-12);
      for (int j = 0; j < 5; ++j) {
        double t = 0;
        for (int k = 0; k < 4; ++k) t += va[size_t(n * 12 + i * 4 + k)] * vw[size_t(k * 5 + j)];
        EXPECT_NEAR(vaw[size_t(n * 15 + i * 5 + j)], t, 1e-12);
      }
    }
    for (int k = 0; k < 4; ++k) {
      double s = 0;
      for (int i = 0; i < 3; ++i) s += vu[size_t(i)] * va[size_t(n * 12 + i * 4 + k)];
      EXPECT_NEAR(vua[size_t(n * 4 + k)], s, 1e-12);
    }
  }
}

TEST(Matmul, Errors) {
  auto msg = error_of([] { matmul(zeros({64, 784}), zeros({256, 128})); });
  EXPECT_EQ(msg, "matmul: cannot multiply [64, 784] by [256, 128] (784 != 256)");
  msg = error_of([] { matmul(zeros({3}), zeros({4})); });
  EXPECT_NE(msg.find("matmul: cannot multiply [3] by [4] (3 != 4)"), std::string::npos) << msg;
  msg = error_of([] { matmul(zeros({2, 3, 4}), zeros({3, 4, 5})); });
  EXPECT_NE(msg.find("matmul: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("broadcast"), std::string::npos) << msg;
  msg = error_of([] { matmul(zeros({2, 2}), zeros({2, 2}, kFloat64)); });
  EXPECT_NE(msg.find("matmul: expected both operands to have the same dtype, but got Float and Double"),
            std::string::npos)
      << msg;
  msg = error_of([] { matmul(tensor(1.0), zeros({2, 2})); });
  EXPECT_NE(msg.find("matmul: both arguments need to be at least 1-D"), std::string::npos) << msg;
}

TEST(Matmul, BroadcastBackwardSumsOverBatch) {
  // a (1, 2, 3) is shared by 4 batches of b (4, 3, 2): dA = sum over batches of 1 @ b^T.
  auto a = rand64({1, 2, 3}), b = rand64({4, 3, 2});
  matmul(a, b).sum().backward();
  ASSERT_EQ(a.grad().sizes().vec(), (std::vector<int64_t>{1, 2, 3}));
  ASSERT_EQ(b.grad().sizes().vec(), (std::vector<int64_t>{4, 3, 2}));
  auto vb = values(b), ga = values(a.grad()), va = values(a), gb = values(b.grad());
  for (int i = 0; i < 2; ++i) {
    for (int k = 0; k < 3; ++k) {
      double s = 0;
      for (int n = 0; n < 4; ++n) s += vb[size_t(n * 6 + k * 2)] + vb[size_t(n * 6 + k * 2 + 1)];
      EXPECT_NEAR(ga[size_t(i * 3 + k)], s, 1e-12);
    }
  }
  // dB[n][k][j] = sum_i A[i][k]
  for (int n = 0; n < 4; ++n)
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 2; ++j) EXPECT_NEAR(gb[size_t(n * 6 + k * 2 + j)], va[size_t(k)] + va[size_t(3 + k)], 1e-12);
}

TEST(Matmul, GradcheckAllShapes) {
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {{{3}, {3}},
                                                                                     {{2, 3}, {3}},
                                                                                     {{3}, {3, 2}},
                                                                                     {{2, 3}, {3, 4}},
                                                                                     {{2, 2, 3}, {3, 2}},
                                                                                     {{3}, {2, 3, 2}},
                                                                                     {{2, 1, 2, 3}, {3, 3, 2}},
                                                                                     {{2, 2, 3}, {3}}};
  for (const auto& [sa, sb] : shapes) {
    tensor_list in{rand64(sa), rand64(sb)};
    auto f = [](const tensor_list& x) { return tensor_list{matmul(x[0], x[1])}; };
    EXPECT_TRUE(autograd::gradcheck(f, in))
        << "shapes " << ::testing::PrintToString(sa) << " @ " << ::testing::PrintToString(sb);
    EXPECT_TRUE(autograd::gradgradcheck(f, in));
  }
}

// ---------------------------------------------------------------- gradcheck registry (op table rows)

NABLA_GRADCHECK_CASE(
    Mm, "contiguous",
    [] {
      return tensor_list{rand64({3, 4}), rand64({4, 2})};
    },
    [](const tensor_list& x) { return tensor_list{mm(x[0], x[1])}; });
NABLA_GRADCHECK_CASE(
    Mm, "transposed inputs",
    [] {
      return tensor_list{rand64_noncontiguous({3, 4}), rand64_noncontiguous({4, 2})};
    },
    [](const tensor_list& x) { return tensor_list{mm(x[0], x[1])}; });
NABLA_GRADCHECK_CASE(
    Bmm, "batched",
    [] {
      return tensor_list{rand64({2, 3, 4}), rand64({2, 4, 2})};
    },
    [](const tensor_list& x) { return tensor_list{bmm(x[0], x[1])}; });
NABLA_GRADCHECK_CASE(
    Addmm, "bias broadcast, beta and alpha",
    [] {
      return tensor_list{rand64({2}), rand64({3, 4}), rand64_noncontiguous({4, 2})};
    },
    [](const tensor_list& x) { return tensor_list{addmm(x[0], x[1], x[2], 0.5, -2.0)}; });
NABLA_GRADCHECK_CASE(
    Addmm, "full self",
    [] {
      return tensor_list{rand64({3, 2}), rand64({3, 4}), rand64({4, 2})};
    },
    [](const tensor_list& x) { return tensor_list{addmm(x[0], x[1], x[2])}; });
NABLA_GRADCHECK_CASE(
    Dot, "vectors",
    [] {
      return tensor_list{rand64({5}), rand64({5})};
    },
    [](const tensor_list& x) { return tensor_list{dot(x[0], x[1])}; });

TEST(LinalgGradcheck, RegisteredCasesPass) {
  int ran = 0;
  for (const auto& c : nabla::testing::gradcheck_cases()) {
    if (c.op != ops::OpId::Mm && c.op != ops::OpId::Bmm && c.op != ops::OpId::Addmm && c.op != ops::OpId::Dot) continue;
    auto in = c.make_inputs();
    EXPECT_TRUE(autograd::gradcheck(c.fn, in)) << c.label;
    if (c.second_order) {
      EXPECT_TRUE(autograd::gradgradcheck(c.fn, in)) << c.label;
    }
    ++ran;
  }
  EXPECT_EQ(ran, 6);
}
