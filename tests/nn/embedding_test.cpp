// Embedding: lookup, padding_idx (zero row, zero gradient), init, errors, gradcheck.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla::testing {
namespace {

namespace F = nn::functional;

TEST(Embedding, LookupShapesAndStateDict) {
  manual_seed(1);
  nn::Embedding emb(10, 4);
  EXPECT_EQ(emb->named_parameters().keys(), std::vector<std::string>{"weight"});
  EXPECT_EQ(emb->weight.sizes().vec(), (Shape{10, 4}));
  Tensor idx = tensor({{1, 3, 3}, {9, 0, 1}}, TensorOptions().dtype(kInt64));
  Tensor y = emb(idx);
  EXPECT_EQ(y.sizes().vec(), (Shape{2, 3, 4}));
  expect_close(y[1][0], values(emb->weight[9]), 0);
}

TEST(Embedding, InitIsStandardNormal) {
  manual_seed(2);
  nn::Embedding emb(200, 100);
  const double m = emb->weight.mean().item<double>(), s = emb->weight.std().item<double>();
  EXPECT_NEAR(m, 0.0, 0.02);
  EXPECT_NEAR(s, 1.0, 0.02);
}

TEST(Embedding, PaddingIdxRowIsZeroAndGetsNoGradient) {
  manual_seed(3);
  nn::Embedding emb(nn::EmbeddingOptions(5, 3).padding_idx(-1));  // -1 is row 4
  EXPECT_EQ(*emb->options.padding_idx(), 4);
  expect_close(emb->weight[4], {0, 0, 0});
  Tensor idx = tensor({4, 1, 4, 2}, TensorOptions().dtype(kInt64));
  Tensor y = emb(idx);
  weighted(y).backward();
  Tensor g = emb->weight.grad();
  expect_close(g[4], {0, 0, 0});
  expect_close(g[1], {4, 5, 6});
  expect_close(g[0], {0, 0, 0});
  // The padding row's value is still looked up as it is (PyTorch returns weight[padding_idx]).
  {
    NoGradGuard ng;
    emb->weight[4].fill_(7.0);
  }
  expect_close(emb(tensor({4}, TensorOptions().dtype(kInt64))), {7, 7, 7}, 1e-6);
}

TEST(Embedding, Errors) {
  nn::Embedding emb(5, 2);
  std::string e = error_of([&] { emb(tensor({0, 5}, TensorOptions().dtype(kInt64))); });
  EXPECT_NE(e.find("embedding: index 5 is out of range for 5 embeddings"), std::string::npos) << e;
  e = error_of([&] { emb(tensor({-1}, TensorOptions().dtype(kInt64))); });
  EXPECT_NE(e.find("embedding: index -1"), std::string::npos) << e;
  e = error_of([&] { emb(tensor({0.0, 1.0})); });
  EXPECT_NE(e.find("embedding: expected integer indices"), std::string::npos) << e;
  e = error_of([] { nn::Embedding(nn::EmbeddingOptions(5, 2).padding_idx(5)); });
  EXPECT_NE(e.find("padding_idx 5"), std::string::npos) << e;
}

TEST(Embedding, Gradcheck) {
  manual_seed(4);
  Tensor w = randn({6, 3}, TensorOptions().dtype(kFloat64)).requires_grad_(true);
  Tensor idx = tensor({{0, 2, 2}, {5, 1, 0}}, TensorOptions().dtype(kInt64));
  EXPECT_TRUE(autograd::gradcheck(
      [&](const autograd::tensor_list& in) {
        return autograd::tensor_list{F::embedding(idx, in[0])};  // padding_idx's zero gradient is not a derivative
      },
      {w}));
}

}  // namespace
}  // namespace nabla::testing
