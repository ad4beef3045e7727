// softmax and log_softmax: values printed by PyTorch 1.13, stability, dims, dtype argument, errors, gradients;
// and the gradcheck runner for every reduce op-table row.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::f64;
using nabla::testing::Shape;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::tensor_list;

namespace {
void expect_close(const Tensor& got, const std::vector<double>& want, double tol = 1e-9) {
  nabla::testing::expect_close(got, want, tol);
}
Tensor ref_x() { return f64({{0.5, -1.25, 2.0}, {3.0, 0.25, -0.75}}); }
}  // namespace

TEST(ReduceSoftmax, AgainstPyTorch) {
  auto x = ref_x();
  expect_close(softmax(x, 1), {0.1768201821, 0.0307267403, 0.7924530776, 0.9195862244, 0.0587871805, 0.0216265951});
  expect_close(x.log_softmax(0),
               {-2.5788897343, -1.7014132780, -0.0619675890, -0.0788897343, -0.2014132780, -2.8119675890});
  expect_close(softmax(x, -1), values(softmax(x, 1)), 0);
  // Along dim 0 of the transpose equals along dim 1 of the original.
  expect_close(softmax(x.t(), 0).t(), values(softmax(x, 1)), 1e-15);
  EXPECT_EQ(softmax(x, 1).sizes().vec(), Shape({2, 3}));
}

TEST(ReduceSoftmax, StableAndEdgeCases) {
  auto big = f64({1000.0, 1001.0});
  const double e = std::exp(1.0);
  expect_close(softmax(big, 0), {1 / (1 + e), e / (1 + e)});
  expect_close(log_softmax(big, 0), {-std::log(1 + e), 1 - std::log(1 + e)});
  expect_close(log_softmax(f64({-1000.0, 0.0}), 0), {-1000.0, 0.0});  // no log(0) = -inf
  EXPECT_EQ(softmax(tensor(2.0), 0).item<double>(), 1.0);
  EXPECT_EQ(log_softmax(tensor(2.0), -1).item<double>(), 0.0);
  EXPECT_EQ(softmax(zeros({0, 3}), 1).sizes().vec(), Shape({0, 3}));
  // 3-D, middle dim: each (i, :, k) line sums to 1.
  auto y = softmax(rand64({2, 5, 3}).detach(), 1);
  auto s = sum(y, {1});
  expect_close(s, std::vector<double>(6, 1.0), 1e-12);
  // Large rows run in parallel and still sum to 1.
  auto z = softmax(zeros({64, 2048}), 1);
  EXPECT_NEAR(z.sum().item<double>(), 64.0, 1e-3);
  EXPECT_NEAR(values(z)[100], 1.0 / 2048, 1e-9);
}

TEST(ReduceSoftmax, DtypeArgumentAndErrors) {
  auto xi = tensor({1, 2});
  auto y = softmax(xi, 0, kFloat64);
  EXPECT_EQ(y.dtype(), kFloat64);
  expect_close(y, {0.2689414214, 0.7310585786});
  EXPECT_EQ(log_softmax(tensor({1.0, 2.0}), 0, kFloat64).dtype(), kFloat64);
  auto e = error_of([&] { softmax(xi, 0); });
  EXPECT_NE(e.find("softmax"), std::string::npos) << e;
  EXPECT_NE(e.find("dtype"), std::string::npos) << e;
  e = error_of([&] { log_softmax(xi, 0); });
  EXPECT_NE(e.find("log_softmax"), std::string::npos) << e;
  e = error_of([] { softmax(zeros({2, 3}), 2); });
  EXPECT_NE(e.find("softmax: dimension out of range"), std::string::npos) << e;
  e = error_of([] { log_softmax(zeros({2, 3}), -3); });
  EXPECT_NE(e.find("log_softmax: dimension out of range"), std::string::npos) << e;
}

TEST(ReduceSoftmax, GradientsAgainstPyTorch) {
  auto w = f64({1.0, 2.0, 3.0});
  auto x = ref_x().requires_grad_();
  auto y = softmax(x, 1);
  EXPECT_EQ(y.grad_fn()->name(), "SoftmaxBackward0");
  (y * w).sum().backward();
  expect_close(x.grad(), {-0.2856765028, -0.0189163921, 0.3045928949, -0.0938349193, 0.0527885148, 0.0410464045});
  auto x2 = ref_x().requires_grad_();
  auto l = log_softmax(x2, 1);
  EXPECT_EQ(l.grad_fn()->name(), "LogSoftmaxBackward0");
  l.backward(f64({{1.0, 0.0, 0.0}, {1.0, 0.0, 0.0}}));
  expect_close(x2.grad(), {0.8231798179, -0.0307267403, -0.7924530776, 0.0804137756, -0.0587871805, -0.0216265951});
}

// ---------------------------------------------------------------- gradcheck registry
NABLA_GRADCHECK_CASE(Softmax, "dim 1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{softmax(x[0], 1)}; });
NABLA_GRADCHECK_CASE(Softmax, "dim 0 non-contiguous 3-D", [] { return tensor_list{rand64_noncontiguous({3, 4, 2})}; },
                     [](const tensor_list& x) { return tensor_list{softmax(x[0], 0)}; });
NABLA_GRADCHECK_CASE(LogSoftmax, "dim -1", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{log_softmax(x[0], -1)}; });
NABLA_GRADCHECK_CASE(LogSoftmax, "dim 1 non-contiguous 3-D", [] { return tensor_list{rand64_noncontiguous({3, 4, 2})}; },
                     [](const tensor_list& x) { return tensor_list{log_softmax(x[0], 1)}; });

// Runs the registered cases of every reduce op-table row, first and second order.
TEST(ReduceGradcheck, AllReduceRows) {
  using ops::OpId;
  const std::set<OpId> mine = {OpId::Sum,    OpId::SumDim, OpId::Mean,   OpId::MeanDim,   OpId::Prod,
                               OpId::ProdDim, OpId::Max,   OpId::MaxDim, OpId::Min,       OpId::MinDim,
                               OpId::Var,    OpId::Std,    OpId::Norm,   OpId::LogSumExp, OpId::Softmax,
                               OpId::LogSoftmax};
  std::set<OpId> seen;
  int checked = 0;
  for (const auto& c : nabla::testing::gradcheck_cases()) {
    if (!mine.count(c.op)) continue;
    seen.insert(c.op);
    ++checked;
    const std::string label = std::string(ops::op_info(c.op).backward_name) + " " + c.label;
    auto in = c.make_inputs();
    try {
      EXPECT_TRUE(autograd::gradcheck(c.fn, in)) << label;
      if (c.second_order) {
        EXPECT_TRUE(autograd::gradgradcheck(c.fn, in)) << label;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << label << ": " << e.what();
    }
  }
  EXPECT_EQ(seen.size(), mine.size()) << "a reduce op-table row has no gradcheck case";
  EXPECT_GE(checked, 2 * int(mine.size())) << "each reduce row has a contiguous and a non-contiguous case";
}
