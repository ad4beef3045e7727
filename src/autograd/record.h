#pragma once
// How an op records itself in the graph. An op computes its output, then, when any input requires grad,
// records a node whose backward closure is written with differentiable ops (so create_graph works):
//
//   Tensor y = <kernel>(x);
//   if (autograd::needs_grad(x)) {
//     autograd::record(OpId::Sin, {x}, y, [sx = SavedVariable(x)](const variable_list& g) -> variable_list {
//       return {g[0] * cos(sx.unpack())};
//     });
//   }
#include <functional>
#include <initializer_list>
#include <string>

#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/autograd/saved_variable.h"
#include "ops/op_table.h"

namespace nabla::autograd {

using BackwardFn = std::function<variable_list(const variable_list& grads)>;

/// The node every built-in op records: a name from the op table plus a backward closure.
class OpNode : public Node {
 public:
  OpNode(ops::OpId op, BackwardFn fn) : op_(op), fn_(std::move(fn)) {}
  ~OpNode() override;
  std::string name() const override;
  std::string forward_name() const override;
  variable_list apply(variable_list&& grads) override;
  void release_variables() override;
  ops::OpId op() const { return op_; }

 private:
  ops::OpId op_;
  BackwardFn fn_;
  bool released_ = false;
};

/// True when grad mode is on and any input requires grad.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
inline bool needs_grad(const Tensor& a) { return needs_grad({&a}); }
inline bool needs_grad(const Tensor& a, const Tensor& b) { return needs_grad({&a, &b}); }
inline bool needs_grad(const Tensor& a, const Tensor& b, const Tensor& c) { return needs_grad({&a, &b, &c}); }
bool needs_grad(const std::vector<Tensor>& inputs);

/// Makes the node, wires its edges to `inputs` (one gradient per input, undefined for inputs
/// that need none) and sets `output`'s grad_fn. The closure returns one gradient per input.
std::shared_ptr<Node> record(ops::OpId op, const std::vector<Tensor>& inputs, const Tensor& output, BackwardFn fn);
/// Same for ops with several differentiable outputs (the closure gets one gradient per output).
std::shared_ptr<Node> record(ops::OpId op, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs,
                             BackwardFn fn);
/// Attaches a node to an existing tensor (used by in-place ops to rebase history).
void set_history(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr);

/// Sums `grad` down to `shape` (undoing broadcasting); returns grad unchanged when the shapes agree.
Tensor sum_to(const Tensor& grad, IntArrayRef shape);

/// For in-place ops: throws if `self` is a leaf that requires grad (under grad mode) or a view in a graph.
void check_inplace(const Tensor& self, const char* op);

}  // namespace nabla::autograd
