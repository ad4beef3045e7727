#pragma once
// Graph nodes of the reverse-mode engine. A Node turns the gradients of its forward op's outputs into
// gradients of the op's inputs, and points (next_edges) at the nodes that produced those inputs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nabla/core/hooks.h"
#include "nabla/core/std_function.h"
#include "nabla/core/tensor.h"

namespace nabla::autograd {

using variable_list = std::vector<Tensor>;
using tensor_list = std::vector<Tensor>;
class Node;

/// Where a gradient flows: input `input_nr` of `function` (input_nr = the forward output's index).
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool is_valid() const { return function != nullptr; }
};

/// Shape and dtype of one forward output: lets the engine build zeros for outputs that got no gradient.
struct OutputMeta {
  DimVector sizes;
  ScalarType dtype = kFloat32;
};

using GradHook = std::function<Tensor(const Tensor&)>;
/// A backward closure: one gradient per forward output in, one per forward input out.
using BackwardFn = std::function<variable_list(const variable_list& grads)>;
/// Unique handle for register_hook / remove_hook.
unsigned next_hook_handle();

/// Dropping the last reference to a long chain of nodes would recurse once per node (node -> saved tensor ->
/// its grad_fn -> ...) and overflow the stack. Node destructors hand whatever may own other nodes to these
/// functions: the outermost call frees it in a loop, nested calls (made while freeing) only queue it.
void defer_release(std::vector<Edge>& edges);
/// A closure held in a node (the built-in ops' nodes hold theirs inline): `destroy(ctx)` frees it now when no release
/// is under way, else `take(ctx)` moves it out, into the queue of the release under way.
void defer_release(void* ctx, void (*destroy)(void*), BackwardFn (*take)(void*));
void defer_release(std::vector<Tensor>& tensors);

class Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// "MulBackward0", "AccumulateGrad", ...
  virtual std::string name() const = 0;
  /// grads[i] is the gradient of forward output i (undefined if none arrived); returns one per next edge.
  virtual variable_list apply(variable_list&& grads) = 0;
  /// Frees saved tensors after a backward without retain_graph.
  virtual void release_variables() {}
  /// Name of the forward op that made this node, for anomaly messages.
  virtual std::string forward_name() const { return name(); }

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  uint32_t num_outputs() const { return num_outputs_; }
  const OutputMeta& output_meta(uint32_t i) const {
    if (i == 0 && num_outputs_ > 0) return first_output_meta_;
    return more_output_meta_.at(i - 1);  // throws std::out_of_range past the last output, as vector::at
  }
  uint32_t add_output(const Tensor& t);
  /// Appends an output's metadata (shape, dtype) directly; returns its index.
  uint32_t add_output_meta(OutputMeta meta);
  virtual uint64_t sequence_nr() const { return sequence_nr_; }

  /// Hooks on the gradient of forward output `output_nr`, run before apply (in registration order).
  unsigned add_pre_hook(uint32_t output_nr, GradHook hook);
  void remove_pre_hook(unsigned handle);
  /// The retain_grad() hook of output `output_nr`: runs after every other hook, sees the final gradient.
  void set_retain_grad_hook(uint32_t output_nr, GradHook hook);
  /// Removes and returns that hook (empty if none): in-place ops move it to the tensor's new grad_fn.
  GradHook take_retain_grad_hook(uint32_t output_nr);
  virtual Tensor run_pre_hooks(uint32_t output_nr, Tensor grad);
  /// Whether this node holds any hook on its outputs' gradients (AccumulateGrad: see has_leaf_or_output_hooks).
  bool has_output_hooks() const { return !pre_hooks_.empty() || !retain_grad_hooks_.empty(); }
  /// True only for AccumulateGrad (saves a dynamic_cast per node in the engine).
  virtual bool is_accumulate_grad() const { return false; }
  /// Stack trace of the forward op when anomaly mode recorded one.
  std::string anomaly_trace;

 protected:
  std::vector<Edge> next_edges_;
  // Output 0's metadata is kept inline (nearly every node has one output): no allocation for it.
  OutputMeta first_output_meta_;
  std::vector<OutputMeta> more_output_meta_;
  uint32_t num_outputs_ = 0;
  struct PreHook {
    unsigned handle;
    uint32_t output_nr;
    GradHook fn;
  };
  std::vector<PreHook> pre_hooks_;
  std::vector<std::pair<uint32_t, GradHook>> retain_grad_hooks_;
  uint64_t sequence_nr_;
};

/// Per-tensor autograd state.
struct AutogradMeta {
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  std::weak_ptr<Node> grad_accumulator;  // leaves only
  std::vector<std::pair<unsigned, GradHook>> leaf_hooks;
  HookList<std::function<void(Tensor&)>> post_accumulate_grad_hooks;  // leaves only
  uint32_t output_nr = 0;
  bool requires_grad = false;  // leaves only; non-leaves require grad iff grad_fn is set
  bool retains_grad = false;
  bool is_view = false;        // a view of a tensor that is part of a graph
};

/// Accumulates the incoming gradient into a leaf's .grad().
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf);
  std::string name() const override { return "AccumulateGrad"; }
  variable_list apply(variable_list&& grads) override;
  /// apply({g}) without the list, for the engine: accumulates a defined g and runs the post-accumulate-grad hooks.
  void apply_one(Tensor g);
  Tensor run_pre_hooks(uint32_t output_nr, Tensor grad) override;
  /// Whether run_pre_hooks has any hook to run: this node's, or the leaf's register_hook hooks.
  bool has_leaf_or_output_hooks() const;
  bool is_accumulate_grad() const override { return true; }
  uint64_t sequence_nr() const override { return UINT64_MAX; }
  const std::shared_ptr<TensorImpl>& leaf() const { return leaf_; }

 private:
  void accumulate(Tensor g);
  std::shared_ptr<TensorImpl> leaf_;
};

/// Runs the leaf's post-accumulate-grad hooks (register_post_accumulate_grad_hook), once its .grad() holds the
/// gradient of this backward: AccumulateGrad calls it, and so does backward(inputs) for the leaves it accumulates.
void run_post_accumulate_grad_hooks(const std::shared_ptr<TensorImpl>& leaf);

/// The node for a tensor: its grad_fn, or (leaf that requires grad) its AccumulateGrad; null edge otherwise.
Edge gradient_edge(const Tensor& t);
/// Meta of t, created on first use.
AutogradMeta& autograd_meta(const Tensor& t);
/// Meta of t or null.
inline AutogradMeta* autograd_meta_or_null(const Tensor& t) { return t.impl().autograd.get(); }

}  // namespace nabla::autograd
