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
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "nabla/autograd/grad_mode.h"
#include "nabla/autograd/node.h"
#include "nabla/autograd/saved_variable.h"
#include "ops/op_table.h"

namespace nabla::autograd {

/// The node every built-in op records: a name from the op table plus a backward closure, which OpNodeWith holds
/// inline (one heap block for node and closure, as PyTorch's generated nodes hold their saved values).
class OpNode : public Node {
 public:
  explicit OpNode(ops::OpId op) : op_(op) {}
  std::string name() const override;
  std::string forward_name() const override;
  variable_list apply(variable_list&& grads) override;
  void release_variables() override;
  ops::OpId op() const { return op_; }

 protected:
  /// The closure: one gradient per forward output in, one per forward input out.
  virtual variable_list call(const variable_list& grads) = 0;
  /// Frees the closure and what it saved, without recursion (defer_release).
  virtual void free_closure() = 0;

 private:
  ops::OpId op_;
  bool released_ = false;
};

template <typename F>
class OpNodeWith final : public OpNode {
 public:
  OpNodeWith(ops::OpId op, F fn) : OpNode(op), fn_(std::in_place, std::move(fn)) {}
  ~OpNodeWith() override { free_closure(); }

 private:
  variable_list call(const variable_list& grads) override { return (*fn_)(grads); }
  void free_closure() override {
    if (!fn_) return;
    defer_release(
        this, [](void* self) { static_cast<OpNodeWith*>(self)->fn_.reset(); },
        [](void* self) -> BackwardFn {
          auto& fn = static_cast<OpNodeWith*>(self)->fn_;
          BackwardFn taken(std::move(*fn));
          fn.reset();
          return taken;
        });
  }
  std::optional<F> fn_;
};

/// True when grad mode is on and any input requires grad.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
inline bool needs_grad(const Tensor& a) { return needs_grad({&a}); }
inline bool needs_grad(const Tensor& a, const Tensor& b) { return needs_grad({&a, &b}); }
inline bool needs_grad(const Tensor& a, const Tensor& b, const Tensor& c) { return needs_grad({&a, &b, &c}); }
bool needs_grad(const std::vector<Tensor>& inputs);

/// Wires a new node's edges to `inputs` (one gradient per input, undefined for inputs that need none) and makes it
/// the grad_fn of `outputs`.
void connect(const std::shared_ptr<Node>& node, ops::OpId op, std::span<const Tensor> inputs,
             std::span<const Tensor> outputs);

/// Makes the node, wires its edges to `inputs` and sets `output`'s grad_fn. The closure (any callable taking
/// const variable_list& and returning variable_list) returns one gradient per input.
template <typename F>
std::shared_ptr<Node> record(ops::OpId op, std::span<const Tensor> inputs, const Tensor& output, F&& fn) {
  std::shared_ptr<Node> node = std::make_shared<OpNodeWith<std::decay_t<F>>>(op, std::forward<F>(fn));
  connect(node, op, inputs, {&output, 1});
  return node;
}
template <typename F>
std::shared_ptr<Node> record(ops::OpId op, std::initializer_list<Tensor> inputs, const Tensor& output, F&& fn) {
  return record(op, std::span<const Tensor>(inputs.begin(), inputs.size()), output, std::forward<F>(fn));
}
/// Same for ops with several differentiable outputs (the closure gets one gradient per output).
template <typename F>
std::shared_ptr<Node> record(ops::OpId op, std::span<const Tensor> inputs, const std::vector<Tensor>& outputs, F&& fn) {
  std::shared_ptr<Node> node = std::make_shared<OpNodeWith<std::decay_t<F>>>(op, std::forward<F>(fn));
  connect(node, op, inputs, outputs);
  return node;
}
template <typename F>
std::shared_ptr<Node> record(ops::OpId op, std::initializer_list<Tensor> inputs, const std::vector<Tensor>& outputs,
                             F&& fn) {
  return record(op, std::span<const Tensor>(inputs.begin(), inputs.size()), outputs, std::forward<F>(fn));
}
/// Attaches a node to an existing tensor (used by in-place ops to rebase history).
void set_history(const Tensor& t, const std::shared_ptr<Node>& node, uint32_t output_nr);

/// Sums `grad` down to `shape` (undoing broadcasting); returns grad unchanged when the shapes agree.
Tensor sum_to(const Tensor& grad, IntArrayRef shape);

/// For in-place ops: throws if `self` is a leaf that requires grad (under grad mode) or a view in a graph.
void check_inplace(const Tensor& self, const char* op);

}  // namespace nabla::autograd
