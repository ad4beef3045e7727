// Views: flatten, squeeze, unsqueeze, transpose, t, permute, narrow, slice, select (plus gradcheck cases for
// view, expand, clone and to). Checks shapes and values, that views share memory with their base (write through
// one, read the other), hand-computed gradients, second derivatives, and errors naming the op.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"
#include "ops/gradcheck_registry.h"
#include "ops/shape_common.h"

using namespace nabla;
using nabla::testing::values;
using nabla::testing::error_of;
using nabla::testing::Shape;
using nabla::testing::iota;
using nabla::testing::leaf;
using nabla::testing::weighted;
using nabla::testing::copied;
using nabla::testing::rand64;
using nabla::testing::rand64_noncontiguous;
using nabla::testing::tensor_list;

// ---- gradcheck cases (first and second order) ----
NABLA_GRADCHECK_CASE(View, "view", [] { return tensor_list{rand64({2, 3, 4})}; },
                     [](const tensor_list& x) { return copied({x[0].view({6, 4})}); });
NABLA_GRADCHECK_CASE(View, "reshape noncontiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return copied({x[0].reshape({-1})}); });
NABLA_GRADCHECK_CASE(Expand, "expand", [] { return tensor_list{rand64({3, 1})}; },
                     [](const tensor_list& x) { return copied({x[0].expand({2, 3, 4})}); });
NABLA_GRADCHECK_CASE(Clone, "clone noncontiguous", [] { return tensor_list{rand64_noncontiguous({3, 4})}; },
                     [](const tensor_list& x) { return tensor_list{x[0].clone()}; });
NABLA_GRADCHECK_CASE(ToDtype, "copy to the same dtype", [] { return tensor_list{rand64({3, 2})}; },
                     [](const tensor_list& x) { return tensor_list{x[0].to(kFloat64, /*copy=*/true)}; });
NABLA_GRADCHECK_CASE(Squeeze, "all", [] { return tensor_list{rand64({3, 1, 2, 1})}; },
                     [](const tensor_list& x) { return copied({x[0].squeeze()}); });
NABLA_GRADCHECK_CASE(SqueezeDim, "dim", [] { return tensor_list{rand64({3, 1, 2})}; },
                     [](const tensor_list& x) { return copied({x[0].squeeze(1), x[0].squeeze(0)}); });
NABLA_GRADCHECK_CASE(Unsqueeze, "negative dim", [] { return tensor_list{rand64_noncontiguous({3, 2})}; },
                     [](const tensor_list& x) { return copied({x[0].unsqueeze(-1), x[0].unsqueeze(1)}); });
NABLA_GRADCHECK_CASE(Transpose, "3d", [] { return tensor_list{rand64({2, 3, 4})}; },
                     [](const tensor_list& x) { return copied({x[0].transpose(0, -1)}); });
NABLA_GRADCHECK_CASE(T, "2d", [] { return tensor_list{rand64_noncontiguous({3, 2})}; },
                     [](const tensor_list& x) { return copied({x[0].t()}); });
NABLA_GRADCHECK_CASE(Permute, "3d", [] { return tensor_list{rand64({2, 3, 4})}; },
                     [](const tensor_list& x) { return copied({x[0].permute({2, 0, 1})}); });
NABLA_GRADCHECK_CASE(Slice, "step 2, negative start", [] { return tensor_list{rand64({4, 7})}; },
                     [](const tensor_list& x) { return copied({x[0].slice(1, -6, 100, 2)}); });
NABLA_GRADCHECK_CASE(Slice, "narrow noncontiguous", [] { return tensor_list{rand64_noncontiguous({5, 3})}; },
                     [](const tensor_list& x) { return copied({x[0].narrow(0, 1, 3)}); });
NABLA_GRADCHECK_CASE(Select, "negative index", [] { return tensor_list{rand64({3, 4})}; },
                     [](const tensor_list& x) { return copied({x[0].select(1, -1), x[0][0]}); });
NABLA_GRADCHECK_CASE(ViewScatter, "slice backward", [] { return tensor_list{rand64({2, 3})}; },
                     [](const tensor_list& x) {
                       return tensor_list{nabla::ops::view_scatter(
                           x[0], {5, 3}, [](const Tensor& t) { return t.slice(0, 1, 5, 2); })};
                     });

// ---- flatten ----
TEST(ShapeViews, FlattenShapesValuesAndErrors) {
  Tensor x = iota({2, 3, 4});
  EXPECT_EQ(x.flatten().sizes().vec(), Shape({24}));
  EXPECT_EQ(x.flatten(1).sizes().vec(), Shape({2, 12}));
  EXPECT_EQ(x.flatten(0, 1).sizes().vec(), Shape({6, 4}));
  EXPECT_EQ(x.flatten(-2, -1).sizes().vec(), Shape({2, 12}));
  EXPECT_EQ(x.flatten(1, 1).sizes().vec(), Shape({2, 3, 4}));
  EXPECT_EQ(values(x.flatten())[23], 23.0);
  EXPECT_EQ(tensor(5.0).flatten().sizes().vec(), Shape({1}));
  Tensor f = x.flatten();
  f[5].fill_(100.0);  // writes through to x
  EXPECT_EQ(x[0][1][1].item<double>(), 100.0);
  EXPECT_NE(error_of([&] { x.flatten(2, 0); }).find("flatten"), std::string::npos);
  EXPECT_NE(error_of([&] { x.flatten(0, 3); }).find("flatten"), std::string::npos);
}

TEST(ShapeViews, FlattenOfNonContiguousCopiesAndIsDifferentiable) {
  Tensor x = leaf({3, 4});
  Tensor f = x.t().flatten();  // not viewable: a copy
  EXPECT_EQ(values(f), std::vector<double>({0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  weighted(f).backward();
  // f[k] = x.t()[k/3][k%3] = x[k%3][k/3] gets weight k+1
  EXPECT_EQ(values(x.grad()), std::vector<double>({1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12}));
}

// ---- squeeze / unsqueeze ----
TEST(ShapeViews, SqueezeUnsqueezeShapesAndSharing) {
  Tensor x = iota({3, 1, 2, 1});
  EXPECT_EQ(x.squeeze().sizes().vec(), Shape({3, 2}));
  EXPECT_EQ(x.squeeze(1).sizes().vec(), Shape({3, 2, 1}));
  EXPECT_EQ(x.squeeze(-1).sizes().vec(), Shape({3, 1, 2}));
  EXPECT_EQ(x.squeeze(0).sizes().vec(), Shape({3, 1, 2, 1}));  // size 3: unchanged, as PyTorch
  EXPECT_EQ(tensor(1.0).squeeze().dim(), 0);
  EXPECT_EQ(tensor(1.0).squeeze(0).dim(), 0);
  Tensor s = x.squeeze();
  EXPECT_TRUE(s.is_alias_of(x));
  s[2][1].fill_(-7.0);
  EXPECT_EQ(x[2][0][1][0].item<double>(), -7.0);

  Tensor y = iota({2, 3});
  EXPECT_EQ(y.unsqueeze(0).sizes().vec(), Shape({1, 2, 3}));
  EXPECT_EQ(y.unsqueeze(2).sizes().vec(), Shape({2, 3, 1}));
  EXPECT_EQ(y.unsqueeze(-1).sizes().vec(), Shape({2, 3, 1}));
  EXPECT_EQ(y.unsqueeze(-3).sizes().vec(), Shape({1, 2, 3}));
  EXPECT_EQ(tensor(2.0).unsqueeze(0).sizes().vec(), Shape({1}));
  Tensor u = y.unsqueeze(1);
  u[1][0][2].fill_(42.0);
  EXPECT_EQ(y[1][2].item<double>(), 42.0);
  EXPECT_NE(error_of([&] { y.unsqueeze(3); }).find("unsqueeze"), std::string::npos);
  EXPECT_NE(error_of([&] { y.squeeze(2); }).find("squeeze"), std::string::npos);
}

TEST(ShapeViews, SqueezeUnsqueezeGradients) {
  Tensor x = leaf({2, 1, 3});
  weighted(x.squeeze()).backward();
  EXPECT_EQ(x.grad().sizes().vec(), Shape({2, 1, 3}));
  EXPECT_EQ(values(x.grad()), std::vector<double>({1, 2, 3, 4, 5, 6}));
  Tensor y = leaf({2, 3});
  Tensor u = y.unsqueeze(1);
  EXPECT_EQ(u.grad_fn()->name(), "UnsqueezeBackward0");
  weighted(u).backward();
  EXPECT_EQ(y.grad().sizes().vec(), Shape({2, 3}));
  EXPECT_EQ(values(y.grad()), std::vector<double>({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(y.squeeze(0).grad_fn()->name(), "SqueezeBackward1");
  EXPECT_EQ(x.squeeze().grad_fn()->name(), "SqueezeBackward0");
}

// ---- transpose / t / permute ----
TEST(ShapeViews, TransposeTAndPermute) {
  Tensor x = iota({2, 3, 4});
  Tensor tr = x.transpose(0, 2);
  EXPECT_EQ(tr.sizes().vec(), Shape({4, 3, 2}));
  EXPECT_EQ(tr.strides().vec(), Shape({1, 4, 12}));
  EXPECT_FALSE(tr.is_contiguous());
  EXPECT_EQ(tr[3][2][1].item<double>(), 23.0);
  EXPECT_EQ(x.transpose(-1, 1).sizes().vec(), Shape({2, 4, 3}));
  tr[1][0][1].fill_(-1.0);
  EXPECT_EQ(x[1][0][1].item<double>(), -1.0);

  Tensor m = iota({2, 3});
  EXPECT_EQ(m.t().sizes().vec(), Shape({3, 2}));
  EXPECT_EQ(values(m.t().contiguous()), std::vector<double>({0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(iota({4}).t().sizes().vec(), Shape({4}));
  EXPECT_EQ(tensor(1.0).t().dim(), 0);
  std::string e = error_of([&] { x.t(); });
  EXPECT_NE(e.find("t: expects a tensor with <= 2 dimensions"), std::string::npos) << e;

  Tensor p = x.permute({2, 0, 1});
  EXPECT_EQ(p.sizes().vec(), Shape({4, 2, 3}));
  EXPECT_EQ(p.strides().vec(), Shape({1, 12, 4}));
  EXPECT_EQ(p[3][1][2].item<double>(), x[1][2][3].item<double>());
  EXPECT_EQ(x.permute({-1, 0, 1}).sizes().vec(), Shape({4, 2, 3}));
  EXPECT_NE(error_of([&] { x.permute({0, 1}); }).find("permute"), std::string::npos);
  EXPECT_NE(error_of([&] { x.permute({0, 1, 1}); }).find("permute: repeated dim"), std::string::npos);
  EXPECT_NE(error_of([&] { x.transpose(0, 3); }).find("transpose"), std::string::npos);
}

TEST(ShapeViews, TransposePermuteGradients) {
  Tensor x = leaf({2, 3});
  Tensor y = x.t();
  EXPECT_EQ(y.grad_fn()->name(), "TBackward0");
  weighted(y).backward();  // y (3,2): y[i][j] = x[j][i] with weight 2i+j+1
  EXPECT_EQ(values(x.grad()), std::vector<double>({1, 3, 5, 2, 4, 6}));
  Tensor z = leaf({2, 3, 4});
  Tensor p = z.permute({1, 2, 0});
  EXPECT_EQ(p.grad_fn()->name(), "PermuteBackward0");
  weighted(p).backward();
  // p[i][j][k] = z[k][i][j] with weight (i*4 + j)*2 + k + 1
  EXPECT_EQ(z.grad()[1][2][3].item<double>(), (2 * 4 + 3) * 2 + 1 + 1);
  EXPECT_EQ(z.grad()[0][1][0].item<double>(), (1 * 4 + 0) * 2 + 0 + 1);
  EXPECT_EQ(z.transpose(0, 1).grad_fn()->name(), "TransposeBackward0");
}

// ---- slice / narrow / select ----
TEST(ShapeViews, SliceClampsNegativeAndSteps) {
  Tensor x = iota({10});
  EXPECT_EQ(values(x.slice(0, 2, 5)), std::vector<double>({2, 3, 4}));
  EXPECT_EQ(values(x.slice(0, -3)), std::vector<double>({7, 8, 9}));
  EXPECT_EQ(values(x.slice(0, std::nullopt, -7)), std::vector<double>({0, 1, 2}));
  EXPECT_EQ(values(x.slice(0, 1, 100, 3)), std::vector<double>({1, 4, 7}));
  EXPECT_EQ(values(x.slice(0, -100, 2)), std::vector<double>({0, 1}));
  EXPECT_EQ(x.slice(0, 8, 3).numel(), 0);
  EXPECT_EQ(x.slice(0, 20, 30).numel(), 0);
  Tensor m = iota({3, 4});
  Tensor s = m.slice(1, 1, 4, 2);  // columns 1 and 3
  EXPECT_EQ(s.sizes().vec(), Shape({3, 2}));
  EXPECT_EQ(s.strides().vec(), Shape({4, 2}));
  EXPECT_EQ(values(s), std::vector<double>({1, 3, 5, 7, 9, 11}));
  s.fill_(0.0);
  EXPECT_EQ(values(m), std::vector<double>({0, 0, 2, 0, 4, 0, 6, 0, 8, 0, 10, 0}));
  EXPECT_NE(error_of([&] { x.slice(0, 0, 5, 0); }).find("slice: step must be positive"), std::string::npos);
  EXPECT_NE(error_of([&] { x.slice(0, 0, 5, -1); }).find("slice"), std::string::npos);
  EXPECT_NE(error_of([&] { tensor(1.0).slice(0, 0, 1); }).find("slice"), std::string::npos);
}

TEST(ShapeViews, NarrowAndSelect) {
  Tensor m = iota({3, 4});
  EXPECT_EQ(values(m.narrow(1, 1, 2)), std::vector<double>({1, 2, 5, 6, 9, 10}));
  EXPECT_EQ(values(m.narrow(0, -1, 1)), std::vector<double>({8, 9, 10, 11}));
  EXPECT_EQ(m.narrow(0, 3, 0).numel(), 0);
  EXPECT_NE(error_of([&] { m.narrow(0, 2, 2); }).find("narrow"), std::string::npos);
  EXPECT_NE(error_of([&] { m.narrow(0, 4, 1); }).find("narrow"), std::string::npos);

  EXPECT_EQ(values(m.select(0, 1)), std::vector<double>({4, 5, 6, 7}));
  EXPECT_EQ(values(m.select(1, -1)), std::vector<double>({3, 7, 11}));
  EXPECT_EQ(m.select(0, -3).sizes().vec(), Shape({4}));
  Tensor row = m[2];
  row.fill_(5.0);
  EXPECT_EQ(m[2][3].item<double>(), 5.0);
  EXPECT_EQ(m.select(1, 2).storage_offset(), 2);
  std::string e = error_of([&] { m.select(0, 3); });
  EXPECT_NE(e.find("select: index 3 out of range"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { m.select(1, -5); }).find("select"), std::string::npos);
  EXPECT_NE(error_of([&] { tensor(1.0).select(0, 0); }).find("select"), std::string::npos);
  EXPECT_NE(error_of([&] { m.select(2, 0); }).find("select"), std::string::npos);
}

TEST(ShapeViews, SliceSelectGradients) {
  Tensor x = leaf({2, 5});
  Tensor s = x.slice(1, 1, std::nullopt, 2);  // columns 1, 3
  EXPECT_EQ(s.grad_fn()->name(), "SliceBackward0");
  weighted(s).backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({0, 1, 0, 2, 0, 0, 3, 0, 4, 0}));

  Tensor y = leaf({3, 2});
  Tensor r = y.select(0, -1) * 3.0 + y[0];
  EXPECT_EQ(y.select(0, 1).grad_fn()->name(), "SelectBackward0");
  r.sum().backward();
  EXPECT_EQ(values(y.grad()), std::vector<double>({1, 1, 0, 0, 3, 3}));
}

TEST(ShapeViews, SecondDerivativeThroughSelect) {
  Tensor x = tensor({1.0, 2.0, 3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  Tensor y = (x.select(0, 1) * x.select(0, 1) * x.select(0, 1));  // x1^3
  Tensor g = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];
  EXPECT_EQ(values(g), std::vector<double>({0, 12, 0}));  // 3 x1^2
  Tensor gg = autograd::grad({g.sum()}, {x})[0];
  EXPECT_EQ(values(gg), std::vector<double>({0, 12, 0}));  // 6 x1
}

TEST(ShapeViews, InPlaceOnViewOfGraphTensorIsRefused) {
  Tensor x = leaf({2, 3});
  Tensor y = x * 2.0;
  Tensor v = y.select(0, 0);
  EXPECT_THROW(v.mul_(2.0), nabla::Error);
}

TEST(ShapeViews, ViewsOfNonGradTensorsRecordNothing) {
  Tensor x = iota({2, 3});
  EXPECT_FALSE(x.t().requires_grad());
  EXPECT_EQ(x.t().grad_fn(), nullptr);
  NoGradGuard g;
  Tensor y = leaf({2, 3});
  EXPECT_FALSE(y.select(0, 0).requires_grad());
}

// Runs the gradcheck cases of the shape table's rows (registered in the shape_*_test.cpp files), first and
// second order, so a wrong backward fails here with the op's name even before the table-wide test runs.
TEST(ShapeGradcheck, EveryShapeRowHasPassingCases) {
  const std::vector<ops::OpId> rows = {
#define NABLA_SHAPE_ROW(id, fwd, bwd) ops::OpId::id,
      NABLA_OPS_SHAPE(NABLA_SHAPE_ROW)
#undef NABLA_SHAPE_ROW
  };
  for (ops::OpId op : rows) {
    int n = 0;
    for (const auto& c : nabla::testing::gradcheck_cases()) {
      if (c.op != op) continue;
      ++n;
      SCOPED_TRACE(std::string(ops::op_info(op).forward_name) + " / " + c.label);
      tensor_list in = c.make_inputs();
      EXPECT_EQ(error_of([&] { EXPECT_TRUE(autograd::gradcheck(c.fn, in)); }), "<no nabla::Error thrown>");
      if (c.second_order) {
        EXPECT_EQ(error_of([&] { EXPECT_TRUE(autograd::gradgradcheck(c.fn, in)); }), "<no nabla::Error thrown>");
      }
    }
    EXPECT_GT(n, 0) << "no gradcheck case for " << ops::op_info(op).forward_name;
  }
}
