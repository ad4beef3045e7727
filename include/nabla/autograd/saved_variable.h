#pragma once
// Tensors a node keeps for its backward formula.
#include <cstdint>

#include "nabla/autograd/node.h"

namespace nabla::autograd {

/// A tensor kept for backward. Checks on unpack that it was not modified in place since it was saved.
/// Outputs of the recording op are saved with is_output=true: no reference cycle through grad_fn.
class SavedVariable {
 public:
  SavedVariable() = default;
  /// An output is usually saved before record() attaches it (in the closure's captures), when its output_nr
  /// is still 0: ops with several differentiable outputs that save output k > 0 must pass k explicitly.
  explicit SavedVariable(const Tensor& t, bool is_output = false);
  SavedVariable(const Tensor& t, bool is_output, uint32_t output_nr);
  /// The saved tensor (with its graph, so backward formulas stay differentiable). Throws nabla::Error naming
  /// the running node when the tensor was modified in place after it was saved.
  Tensor unpack() const;
  bool defined() const { return data_.defined(); }
  void reset() { data_ = Tensor(); }
  /// Moves the tensor out (for defer_release); leaves this empty.
  Tensor take() { return std::move(data_); }

 private:
  Tensor data_;            // inputs: the tensor itself; outputs: an alias without autograd meta
  bool is_output_ = false;
  uint32_t output_nr_ = 0;
  uint32_t saved_version_ = 0;
};

}  // namespace nabla::autograd
