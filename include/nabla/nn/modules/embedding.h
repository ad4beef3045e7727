#pragma once
// Embedding: a lookup table of num_embeddings rows of embedding_dim, indexed by integer tensors.
#include <cstdint>
#include <optional>
#include <string>

#include "nabla/nn/functional/norm.h"
#include "nabla/nn/module.h"

namespace nabla::nn {

/// EmbeddingOptions(num_embeddings, embedding_dim).padding_idx(0)
struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EmbeddingOptions& num_embeddings(int64_t v) { num_embeddings_ = v; return *this; }
  EmbeddingOptions& embedding_dim(int64_t v) { embedding_dim_ = v; return *this; }
  EmbeddingOptions& padding_idx(std::optional<int64_t> v) { padding_idx_ = v; return *this; }
  int64_t num_embeddings() const { return num_embeddings_; }
  int64_t embedding_dim() const { return embedding_dim_; }
  std::optional<int64_t> padding_idx() const { return padding_idx_; }

 private:
  int64_t num_embeddings_;
  int64_t embedding_dim_;
  std::optional<int64_t> padding_idx_;
};

/// weight (num_embeddings, embedding_dim) ~ N(0, 1), the padding_idx row zero and never updated by gradients.
class EmbeddingImpl : public Module {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(const EmbeddingOptions& options);
  void reset();
  void reset_parameters();
  /// indices (*) -> (*, embedding_dim)
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  EmbeddingOptions options;
  Tensor weight;
};
NABLA_MODULE(Embedding);

}  // namespace nabla::nn
