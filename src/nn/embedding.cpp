// Embedding module over nn::functional::embedding.
#include <sstream>

#include "nabla/autograd/grad_mode.h"
#include "nabla/nn/init.h"
#include "nabla/nn/modules/embedding.h"
#include "nabla/ops/factory.h"

namespace nabla::nn {

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions& options_) : options(options_) { reset(); }

void EmbeddingImpl::reset() {
  const int64_t num = options.num_embeddings(), dim = options.embedding_dim();
  NABLA_CHECK(num >= 0 && dim >= 0, "Embedding: num_embeddings and embedding_dim must be non-negative, got ", num,
              " and ", dim);
  if (auto p = options.padding_idx()) {
    NABLA_CHECK(*p >= -num && *p < num, "Embedding: padding_idx ", *p, " must be within num_embeddings (", num, ")");
    if (*p < 0) options.padding_idx(*p + num);
  }
  weight = register_parameter("weight", empty({num, dim}));
  reset_parameters();
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (auto p = options.padding_idx()) {
    NoGradGuard no_grad;
    weight.select(0, *p).fill_(0);
  }
}

Tensor EmbeddingImpl::forward(const Tensor& input) {
  return functional::embedding(input, weight, functional::EmbeddingFuncOptions().padding_idx(options.padding_idx()));
}

std::string EmbeddingImpl::extra_repr() const {
  std::ostringstream os;
  os << options.num_embeddings() << ", " << options.embedding_dim();  // PyTorch: "Embedding(10, 3, padding_idx=0)"
  if (options.padding_idx()) os << ", padding_idx=" << *options.padding_idx();
  return os.str();
}

}  // namespace nabla::nn
