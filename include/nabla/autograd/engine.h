#pragma once
#include <optional>

#include "nabla/autograd/node.h"

namespace nabla::autograd {

/// Accumulates d(sum of outputs * grad_outputs)/d(leaf) into every reachable leaf's .grad().
void backward(const tensor_list& tensors, const tensor_list& grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
              const tensor_list& inputs = {});

/// Returns d(outputs)/d(inputs) without touching .grad(). retain_graph defaults to create_graph.
tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs = {},
                 std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                 bool allow_unused = false);

namespace detail {
/// backward({tensor}, {grad_tensor}, retain_graph, create_graph) without building lists (Tensor::backward's path).
void backward_one(const Tensor& tensor, const Tensor& grad_tensor, std::optional<bool> retain_graph, bool create_graph);
}  // namespace detail

}  // namespace nabla::autograd
