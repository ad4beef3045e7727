// LibTorch's Tensor habits: Python-style index / index_put_ with Slice, None, Ellipsis, integers and tensors
// (values as NumPy / PyTorch give them, worked out by hand below), accessor<T, N>(), item().toFloat() and toType.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

using namespace indexing;  // NOLINT: as LibTorch code does with torch::indexing
using testing::expect_error;
using testing::values;

Tensor grid() { return arange(0, 12, 1, kFloat32).reshape({3, 4}); }  // [[0 1 2 3] [4 5 6 7] [8 9 10 11]]

TEST(TensorIndex, BasicIndicesAreViews) {
  const Tensor x = grid();
  EXPECT_EQ(values(x.index({Slice(), 0})), std::vector<double>({0, 4, 8}));                     // x[:, 0]
  EXPECT_EQ(values(x.index({1})), std::vector<double>({4, 5, 6, 7}));                           // x[1]
  EXPECT_EQ(values(x.index({-1, Slice(1, None, 2)})), std::vector<double>({9, 11}));            // x[-1, 1::2]
  EXPECT_EQ(x.index({None, Slice(), None}).sizes().vec(), std::vector<int64_t>({1, 3, 1, 4}));  // x[None, :, None]
  EXPECT_EQ(values(x.index({"...", 2})), std::vector<double>({2, 6, 10}));                      // x[..., 2]
  EXPECT_EQ(values(x.index({Ellipsis, Slice(2)})), std::vector<double>({2, 3, 6, 7, 10, 11}));
  EXPECT_EQ(x.index({Slice(None, 2), Ellipsis, None}).sizes().vec(), std::vector<int64_t>({2, 4, 1}));
  EXPECT_EQ(x.index({true}).sizes().vec(), std::vector<int64_t>({1, 3, 4}));
  EXPECT_EQ(x.index({1, 2}).dim(), 0);
  EXPECT_EQ(x.index({1, 2}).item().toFloat(), 6.0f);
  EXPECT_TRUE(x.index({Slice(), 1}).is_alias_of(x));  // a view, as in PyTorch
}

TEST(TensorIndex, TensorIndicesGather) {
  const Tensor x = grid();
  EXPECT_EQ(values(x.index({tensor({2, 0})})), std::vector<double>({8, 9, 10, 11, 0, 1, 2, 3}));  // x[[2, 0]]
  const Tensor cols = x.index({Slice(), tensor({{3, 0}, {1, 1}})});                               // x[:, [[3,0],[1,1]]]
  EXPECT_EQ(cols.sizes().vec(), std::vector<int64_t>({3, 2, 2}));
  EXPECT_EQ(values(cols.select(0, 1)), std::vector<double>({7, 4, 5, 5}));
  EXPECT_EQ(values(x.index({x > 6.5})), std::vector<double>({7, 8, 9, 10, 11}));  // x[x > 6.5]
  EXPECT_EQ(values(x.index({tensor({true, false, true})})), std::vector<double>({0, 1, 2, 3, 8, 9, 10, 11}));
  expect_error([&] { (void)x.index({0, 0, 0}); }, {"index", "too many indices", "dimension 2"});
  expect_error([&] { (void)x.index({5}); }, {"index", "index 5 is out of bounds", "size 3"});
  expect_error([&] { (void)x.index({"..", 0}); }, {"TensorIndex", "\"...\""});
  expect_error([&] { (void)x.index({Ellipsis, Ellipsis}); }, {"single ellipsis"});
  expect_error([&] { (void)x.index({tensor({true, false})}); }, {"mask's shape", "[2]"});
}

// Several tensor indices (PyTorch's advanced indexing), values and shapes from PyTorch 1.13 for
// x = arange(120).reshape(2, 3, 4, 5): broadcast together; in place when next to each other, else in front.
TEST(TensorIndex, SeveralTensorIndicesBroadcastTogether) {
  const Tensor x = arange(0, 120, 1, kFloat32).reshape({2, 3, 4, 5});
  const Tensor i = tensor({0, 1}), j = tensor({{2}, {0}});
  const Tensor adjacent = x.index({Slice(), i, j});  // x[:, i, j]: (2, 2, 2, 5)
  EXPECT_EQ(adjacent.sizes().vec(), std::vector<int64_t>({2, 2, 2, 5}));
  EXPECT_EQ(values(adjacent.select(0, 1).select(0, 1).select(0, 0)), std::vector<double>({60, 61, 62, 63, 64}));
  EXPECT_EQ(adjacent.sum().item<double>(), 1880.0);
  const Tensor apart = x.index({i, Slice(), j});  // x[i, :, j]: B = (2, 2) in front, then (3, 5)
  EXPECT_EQ(apart.sizes().vec(), std::vector<int64_t>({2, 2, 3, 5}));
  EXPECT_EQ(values(apart.select(0, 1).select(0, 0).select(0, 2)), std::vector<double>({40, 41, 42, 43, 44}));
  EXPECT_EQ(apart.sum().item<double>(), 3420.0);
  EXPECT_EQ(x.index({i, Slice(), Slice(), tensor({1, 4})}).sizes().vec(), std::vector<int64_t>({2, 3, 4}));
  // A bool mask counts as one index per dim it covers: x[0, m] with m (3, 4) holding 5 trues.
  const Tensor m =
      tensor({true, false, true, false, false, true, false, false, true, true, false, false}).reshape({3, 4});
  EXPECT_EQ(x.index({Slice(), m}).sizes().vec(), std::vector<int64_t>({2, 5, 5}));
  EXPECT_EQ(values(x.index({0, m}).select(1, 0)), std::vector<double>({0, 10, 25, 40, 45}));
  // Negative indices wrap; the gradient of a gather with repeats adds up (as PyTorch's).
  Tensor w = arange(0, 12, 1, kFloat32).reshape({3, 4}).requires_grad_();
  Tensor picked = w.index({tensor({0, -1, 0}), tensor({1, 3, 1})});
  EXPECT_EQ(values(picked), std::vector<double>({1, 11, 1}));
  picked.sum().backward();
  EXPECT_EQ(values(w.grad()), std::vector<double>({0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  expect_error([&] { (void)x.index({i, tensor({0, 1, 2})}); }, {"index", "[2]", "[3]"});
  expect_error(
      [&] {
        (void)x.index({i, tensor({0, 3})});
      },
      {"index", "index 3 is out of bounds", "dimension 1", "size 3"});
  expect_error([&] { (void)x.index({i, tensor({0.5f})}); }, {"index", "int64, int32 or bool", "Float"});
}

TEST(TensorIndex, IndexPutWithSeveralTensorIndices) {
  // y[:, [0, 2], [1, 3]] = [7, 8] (PyTorch: nonzero at (0,0,1) (0,2,3) (1,0,1) (1,2,3), values 7 8 7 8)
  Tensor y = zeros({2, 3, 4});
  y.index_put_({Slice(), tensor({0, 2}), tensor({1, 3})}, tensor({7.0f, 8.0f}));
  EXPECT_EQ(values(y.select(0, 0)), std::vector<double>({0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8}));
  EXPECT_EQ(values(y.select(0, 1)), std::vector<double>({0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8}));
  // Indices apart: the value has B's dims first. z[[0, 1], :, [2, 0]] = [[1, 2, 3], [4, 5, 6]]
  Tensor z = zeros({2, 3, 4});
  z.index_put_({tensor({0, 1}), Slice(), tensor({2, 0})}, tensor({{1.0f, 2.0f, 3.0f}, {4.0f, 5.0f, 6.0f}}));
  EXPECT_EQ(values(z.select(2, 2).select(0, 0)), std::vector<double>({1, 2, 3}));
  EXPECT_EQ(values(z.select(2, 0).select(0, 1)), std::vector<double>({4, 5, 6}));
  EXPECT_EQ(z.sum().item<double>(), 21.0);
  z.index_put_({tensor({1}), Slice(), tensor({-4})}, 0);  // a scalar, and a negative index
  EXPECT_EQ(z.sum().item<double>(), 6.0);
  expect_error(
      [&] {
        z.index_put_({tensor({0}), Slice(), tensor({4})}, 0);
      },
      {"index_put_", "index 4", "out of bounds"});
}

// One index tensor of several dims: its shape takes the indexed dim's place (values from PyTorch 1.13).
TEST(TensorIndex, IndexPutWithOneIndexOfSeveralDims) {
  // x[[[0, 2], [1, 0]]] = arange(16).reshape(2, 2, 4): row 0 is written twice, the last write (12..15) stays.
  Tensor x = zeros({3, 4});
  x.index_put_({tensor({{0, 2}, {1, 0}})}, arange(16, TensorOptions().dtype(kFloat32)).reshape({2, 2, 4}));
  EXPECT_EQ(values(x), std::vector<double>({12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7}));
  // y[:, [[3, -1], [1, 0]]] = arange(12).reshape(3, 2, 2)
  Tensor y = zeros({3, 4});
  y.index_put_({Slice(), tensor({{3, -1}, {1, 0}})}, arange(12, TensorOptions().dtype(kFloat32)).reshape({3, 2, 2}));
  EXPECT_EQ(values(y), std::vector<double>({3, 2, 0, 1, 7, 6, 0, 5, 11, 10, 0, 9}));
  // z[[[1], [0]]] = 5
  Tensor z = zeros({2, 3});
  z.index_put_({tensor({{1}, {0}})}, 5.0);
  EXPECT_EQ(z.sum().item<double>(), 30.0);
  expect_error([&] { z.index_put_({tensor({{0, 2}})}, 1.0); }, {"index_put_", "index 2", "out of bounds"});
}

TEST(TensorIndex, IndexPutWrites) {
  Tensor x = grid();
  x.index_put_({Slice(), 0}, -1);  // x[:, 0] = -1
  EXPECT_EQ(values(x.select(1, 0)), std::vector<double>({-1, -1, -1}));
  x.index_put_({1}, tensor({10.0f, 20.0f, 30.0f, 40.0f}));  // x[1] = [...]
  EXPECT_EQ(values(x.select(0, 1)), std::vector<double>({10, 20, 30, 40}));
  x.index_put_({x > 25}, 0);  // x[x > 25] = 0
  EXPECT_EQ(values(x.select(0, 1)), std::vector<double>({10, 20, 0, 0}));
  Tensor y = grid();
  y.index_put_({tensor({2, 0}), Slice(1, 3)}, tensor({{7.0f, 7.0f}, {5.0f, 5.0f}}));  // y[[2, 0], 1:3] = ...
  EXPECT_EQ(values(y.select(0, 2)), std::vector<double>({8, 7, 7, 11}));
  EXPECT_EQ(values(y.select(0, 0)), std::vector<double>({0, 5, 5, 3}));
  expect_error([&] { y.index_put_({tensor({true, false})}, 0); }, {"index_put_", "mask's shape", "[2]", "dimension 0"});
  Tensor w = ones({3}, TensorOptions().requires_grad(true));
  expect_error([&] { w.index_put_({0}, 2); }, {"in-place", "view"});  // a view of a leaf that requires grad
}

TEST(TensorIndex, CopyOfConstantsIntoGraphTensors) {
  // y = 2x, then y = c in place: y still requires grad and x gets zero gradient (PyTorch's CopyBackwards), never the
  // gradient of the overwritten 2x.
  Tensor x = tensor({1.0, 2.0}, TensorOptions().requires_grad(true));
  Tensor y = x * 2.0;
  y.copy_(tensor({5.0, 6.0}));
  EXPECT_TRUE(y.requires_grad());
  (y * 3.0).sum().backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({0, 0}));
  EXPECT_EQ(values(y.detach()), std::vector<double>({5, 6}));
  // A leaf that requires grad cannot be overwritten outside NoGradGuard.
  Tensor w = ones({2}, TensorOptions().requires_grad(true));
  expect_error([&] { w.copy_(zeros({2})); }, {"copy_", "leaf Variable"});
  {
    NoGradGuard no_grad;
    w.copy_(zeros({2}));
  }
  EXPECT_EQ(values(w.detach()), std::vector<double>({0, 0}));
}

TEST(TensorIndex, IndexIsDifferentiable) {
  Tensor x = grid().requires_grad_(true);
  (x.index({Slice(), 1}) * 2).sum().backward();
  EXPECT_EQ(values(x.grad()), std::vector<double>({0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0}));
  Tensor z = grid().requires_grad_(true);
  z.index({tensor({0, 0, 2})}).sum().backward();  // duplicates accumulate
  EXPECT_EQ(values(z.grad()), std::vector<double>({2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1}));
}

TEST(TensorAccessorTest, ReadsAndWritesThroughStrides) {
  Tensor x = grid();
  auto a = x.accessor<float, 2>();
  EXPECT_EQ(a.size(0), 3);
  EXPECT_EQ(a[2][1], 9.0f);
  a[0][3] = 42.0f;
  EXPECT_EQ(x.index({0, 3}).item<float>(), 42.0f);
  Tensor t = x.t();  // strided
  auto b = t.accessor<float, 2>();
  EXPECT_EQ(b[1][2], 9.0f);
  expect_error([&] { (void)x.accessor<double, 2>(); }, {"data_ptr", "Float"});
  expect_error([&] { (void)x.accessor<float, 3>(); }, {"accessor", "expected 3 dims", "has 2"});
}

TEST(ScalarConversions, LibTorchNames) {
  const Scalar f = tensor({2.75}).item();
  EXPECT_EQ(f.toFloat(), 2.75f);
  EXPECT_EQ(f.toDouble(), 2.75);
  EXPECT_EQ(f.toInt(), 2);
  EXPECT_EQ(f.toLong(), 2);
  EXPECT_TRUE(f.toBool());
  EXPECT_TRUE(f.isFloatingPoint());
  const Scalar i = tensor({int64_t(7)}).item();
  EXPECT_TRUE(i.isIntegral(false));
  EXPECT_EQ(i.toLong(), 7);
  EXPECT_TRUE(Scalar(true).isIntegral(true));
  EXPECT_FALSE(Scalar(true).isIntegral(false));
  EXPECT_EQ(grid().toType(kFloat64).dtype(), kFloat64);
  const Tensor z = zeros({2}, grid().options());  // options()-based factories
  EXPECT_EQ(z.dtype(), kFloat32);
}

}  // namespace
}  // namespace nabla
