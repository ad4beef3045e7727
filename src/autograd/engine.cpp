// The backward engine: counts dependencies with an explicit stack (no recursion), then runs nodes from a
// ready queue ordered by sequence number (most recent first), summing gradients per node input. For
// autograd::grad it first marks the nodes that lead to the requested inputs and runs only those. State is
// per call and per thread (grad mode, the running node), so independent graphs can run on several threads.
#include "nabla/autograd/engine.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory_resource>
#include <span>
#include <unordered_map>

#include "autograd/current_node.h"
#include "autograd/record.h"
#include "core/fast_tls.h"
#include "core/make.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"

namespace nabla::autograd {

namespace {
NABLA_FAST_TLS thread_local Node* t_current = nullptr;
}
std::shared_ptr<Node> current_node() { return t_current ? t_current->shared_from_this() : nullptr; }
std::string current_node_name() { return t_current ? t_current->name() : std::string("backward"); }
CurrentNodeGuard::CurrentNodeGuard(Node* n) : prev_(t_current) { t_current = n; }
CurrentNodeGuard::~CurrentNodeGuard() { t_current = prev_; }

namespace {

struct Capture {
  Node* node;
  uint32_t input_nr;
  size_t slot;
};

// True when t holds a NaN or an infinity (anomaly mode). Reads the values directly, needing no other op.
bool has_non_finite(const Tensor& t) {
  if (!t.defined() || !t.is_floating_point() || t.numel() == 0) return false;
  NoGradGuard g;
  Tensor d = t.detach().to(kFloat64).contiguous();
  const double* p = d.data_ptr<double>();
  for (int64_t i = 0, n = d.numel(); i < n; ++i)
    if (!std::isfinite(p[i])) return true;
  return false;
}

// Per-node bookkeeping of one backward pass.
struct NodeTask {
  Node* node = nullptr;
  int deps = 0;           // edges from not-yet-run nodes still to deliver a gradient
  bool needed = true;     // (grad only) this node or one below it is a capture point
  bool execute = true;    // (grad only) some child is needed, so apply() must run
  bool captured = false;  // (grad only) a capture point
  Tensor single;          // the gradient of a node with one forward output, summed as it arrives
  variable_list inputs;   // or the gradients of each of its outputs (no heap block for the usual single output)
};

// The tasks of one pass, found by node: a linear scan for the small graphs of typical steps (no hashing), a hash
// index once the graph grows. Its containers live in the pass's arena (run()).
class TaskTable {
 public:
  explicit TaskTable(std::pmr::memory_resource* arena) : tasks_(arena), index_(arena) { tasks_.reserve(kLinear); }
  // Index of n's task, creating it when new (second: whether it was created).
  std::pair<size_t, bool> find_or_add(Node* n) {
    if (size_t i = find(n); i != kNone) return {i, false};
    tasks_.emplace_back().node = n;
    const size_t i = tasks_.size() - 1;
    if (!index_.empty() || tasks_.size() > kLinear) {
      if (index_.empty()) {
        index_.reserve(tasks_.size() * 2);
        for (size_t k = 0; k < tasks_.size(); ++k) index_.emplace(tasks_[k].node, k);
      } else {
        index_.emplace(n, i);
      }
    }
    return {i, true};
  }
  size_t find(Node* n) const {
    if (!index_.empty()) {
      auto it = index_.find(n);
      return it == index_.end() ? kNone : it->second;
    }
    for (size_t i = 0; i < tasks_.size(); ++i)
      if (tasks_[i].node == n) return i;
    return kNone;
  }
  NodeTask& at(size_t i) { return tasks_[i]; }
  NodeTask& of(Node* n) { return tasks_[find(n)]; }  // n must be in the table

  static constexpr size_t kNone = size_t(-1);

 private:
  static constexpr size_t kLinear = 16;
  std::pmr::vector<NodeTask> tasks_;
  std::pmr::unordered_map<Node*, size_t> index_;
};

struct ReadyEntry {
  uint64_t seq;
  Node* node;
  bool operator<(const ReadyEntry& o) const { return seq < o.seq; }  // max-heap: most recent node first
};

// Gradient `g` flowing into forward output `input_nr` of `node` from `from` (for messages): checks and fixes
// its shape and dtype against the output's metadata.
Tensor validate_gradient(Tensor g, const Node& node, uint32_t input_nr, const Node* from, size_t index) {
  const auto& m = node.output_meta(input_nr);
  auto gs = g.sizes();
  if (!(gs == IntArrayRef(m.sizes))) {
    // A gradient of a broadcast shape (e.g. from a custom Function) is summed down, as PyTorch does.
    bool expandable = gs.size() >= m.sizes.size();
    for (size_t i = 0; expandable && i < m.sizes.size(); ++i) {
      int64_t ms = m.sizes[i], s = gs[gs.size() - m.sizes.size() + i];
      expandable = ms == s || ms == 1;
    }
    NABLA_CHECK(expandable, "backward: Function ", from ? from->name() : std::string("backward"),
                " returned an invalid gradient at index ", index, " - got ", gs.vec(),
                " but expected shape compatible with ", IntArrayRef(m.sizes).vec());
    g = sum_to(g, m.sizes);
  }
  if (g.dtype() != m.dtype) g = g.to(m.dtype);
  return g;
}

// Runs the graph from `roots` with `root_grads`. Without captures, leaves accumulate into .grad(); with
// captures (autograd::grad), the gradient reaching each capture point is summed into (*captured)[slot], leaves
// are left alone and only nodes on a path to a capture point run.
void run(std::span<const Edge> roots, std::span<Tensor> root_grads, bool keep_graph, bool create_graph,
         const std::vector<Capture>& captures, tensor_list* captured) {
  const bool capturing = captured != nullptr;
  // The pass's bookkeeping (task table, discovery stack, ready heap) comes from a stack buffer: a small graph's
  // backward allocates nothing for it; a large one continues on the heap.
  alignas(std::max_align_t) std::byte arena_buffer[4096];
  std::pmr::monotonic_buffer_resource arena(arena_buffer, sizeof arena_buffer);
  TaskTable tasks(&arena);

  // 1. Discover the graph with an explicit stack (no recursion): count dependencies and, when capturing, find
  //    which nodes lead to a capture point (post-order: a node is needed when it or a child is).
  {
    struct Frame {
      Node* node;
      size_t task;
      size_t next;
    };
    std::pmr::vector<Frame> stack(&arena);
    stack.reserve(16);
    auto visit = [&](Node* n) {
      auto [i, inserted] = tasks.find_or_add(n);
      if (inserted) {
        if (capturing) {
          NodeTask& t = tasks.at(i);
          t.captured = std::any_of(captures.begin(), captures.end(), [n](const Capture& c) { return c.node == n; });
          t.needed = t.captured;
          t.execute = false;
        }
        stack.push_back({n, i, 0});
      }
      return i;
    };
    // Each root's subgraph is finished before the next root is pushed: a root reached from a later root must
    // already know whether it is needed (grad({y, -y}, {x}) depends on it).
    for (const auto& r : roots) {
      if (r.function) visit(r.function.get());
      while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& edges = f.node->next_edges();
        if (f.next < edges.size()) {
          Node* child = edges[f.next++].function.get();
          if (!child) continue;
          size_t ci = visit(child);  // may reallocate `stack`: f is not used after this
          ++tasks.at(ci).deps;
          continue;
        }
        if (capturing) {
          for (const auto& e : edges) {
            if (e.function && tasks.of(e.function.get()).needed) {
              tasks.at(f.task).execute = true;
              tasks.at(f.task).needed = true;
              break;
            }
          }
        }
        stack.pop_back();
      }
    }
  }

  // 2. Seed the roots and run nodes whose dependencies are all in, most recently created first.
  std::pmr::vector<ReadyEntry> heap(&arena);
  heap.reserve(16);
  auto push_ready = [&](Node* n) {
    heap.push_back({n->sequence_nr(), n});
    std::push_heap(heap.begin(), heap.end());
  };
  auto add_input = [&](NodeTask& task, Node* n, uint32_t input_nr, Tensor&& g) {
    const bool one = n->num_outputs() == 1;
    if (!one && task.inputs.empty()) task.inputs.resize(n->num_outputs());
    if (!g.defined()) return;
    Tensor& slot = one ? task.single : task.inputs[input_nr];
    slot = slot.defined() ? slot + g : std::move(g);
  };
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].function) continue;
    Node* n = roots[i].function.get();
    add_input(tasks.of(n), n, roots[i].input_nr, std::move(root_grads[i]));
  }
  for (const auto& r : roots) {
    if (!r.function) continue;
    NodeTask& t = tasks.of(r.function.get());
    if (t.deps == 0 && t.needed) {
      t.deps = -1;  // queued
      push_ready(r.function.get());
    }
  }

  AutoGradMode grad_mode(create_graph);
  const bool anomaly = AnomalyMode::is_enabled();
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end());
    Node* node = heap.back().node;
    heap.pop_back();
    NodeTask& task = tasks.of(node);
    if (!capturing && !anomaly && node->is_accumulate_grad()) {
      // A leaf's accumulator (no edges below it) takes its one gradient directly: no list to build.
      auto* acc = static_cast<AccumulateGrad*>(node);
      Tensor g = std::move(task.single);
      if (g.defined() && acc->has_leaf_or_output_hooks()) g = acc->run_pre_hooks(0, std::move(g));
      if (g.defined()) {
        CurrentNodeGuard guard(node);
        acc->apply_one(std::move(g));
      }
      continue;
    }
    variable_list inputs;
    if (node->num_outputs() == 1) {
      inputs.push_back(std::move(task.single));
    } else {
      inputs = std::move(task.inputs);
      inputs.resize(node->num_outputs());
    }
    if (node->has_output_hooks() || node->is_accumulate_grad()) {
      for (uint32_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].defined()) inputs[i] = node->run_pre_hooks(i, std::move(inputs[i]));
      }
    }
    if (task.captured) {
      for (const auto& c : captures) {
        if (c.node != node || !inputs[c.input_nr].defined()) continue;
        Tensor& dst = (*captured)[c.slot];
        dst = dst.defined() ? dst + inputs[c.input_nr] : inputs[c.input_nr];
      }
    }
    if (!task.execute) continue;  // grad(): nothing below this node is wanted
    variable_list outputs;
    bool any_grad = false;
    for (const auto& g : inputs) any_grad = any_grad || g.defined();
    if (any_grad && !(capturing && node->is_accumulate_grad())) {
      // The node stays alive while it runs: the roots and the edges of the nodes above it own it.
      CurrentNodeGuard guard(node);
      if (anomaly) {
        try {
          outputs = node->apply(std::move(inputs));
        } catch (const Error& e) {
          throw Error(std::string(e.what()) + " [anomaly mode: the failing node " + node->name() +
                      " was created by the forward op '" + node->forward_name() + "']");
        }
        for (size_t i = 0; i < outputs.size(); ++i) {
          NABLA_CHECK(!has_non_finite(outputs[i]), "anomaly: Function '", node->name(),
                      "' returned nan or inf "
                      "values in its ",
                      i, "th output; the node was created by the forward op '", node->forward_name(),
                      "'. Check that op's inputs (e.g. sqrt or log at 0, division by 0).");
        }
      } else {
        outputs = node->apply(std::move(inputs));
      }
    }
    if (!keep_graph) node->release_variables();
    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.function) continue;
      NodeTask& child = tasks.of(e.function.get());
      if (!child.needed) continue;
      if (i < outputs.size() && outputs[i].defined()) {
        add_input(child, e.function.get(), e.input_nr,
                  validate_gradient(std::move(outputs[i]), *e.function, e.input_nr, node, i));
      }
      if (child.deps > 0 && --child.deps == 0) {
        child.deps = -1;
        push_ready(e.function.get());
      }
    }
  }
}

// Element i of the tensors backward or grad starts from: its edge, and its gradient (`grad`, or ones for a
// one-element tensor when grad is undefined).
Edge root_edge(const Tensor& t, size_t i, const char* op) {
  NABLA_CHECK(t.defined(), op, ": element ", i, " of tensors is undefined");
  NABLA_CHECK(t.requires_grad(), op, ": element ", i,
              " of tensors does not require grad and does not have a "
              "grad_fn. Did you forget requires_grad(true) on an input, or compute it under NoGradGuard?");
  return gradient_edge(t);
}

Tensor root_gradient(const Tensor& t, const Tensor& g, const char* op) {
  if (g.defined()) {
    NABLA_CHECK(g.sizes() == t.sizes(), op, ": mismatch in shape: grad_output has a shape of ", g.sizes().vec(),
                " and output has a shape of ", t.sizes().vec());
    return g;
  }
  NABLA_CHECK(t.numel() == 1, op, ": grad can be implicitly created only for scalar outputs (got shape ",
              t.sizes().vec(), "); pass a gradient of the output's shape, e.g. backward(nabla::ones_like(y))");
  return ones_like(t);
}

std::vector<Edge> root_edges(const tensor_list& tensors, const char* op) {
  std::vector<Edge> roots;
  roots.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) roots.push_back(root_edge(tensors[i], i, op));
  return roots;
}

tensor_list root_gradients(const tensor_list& tensors, const tensor_list& grads, const char* op) {
  NABLA_CHECK(grads.empty() || grads.size() == tensors.size(), op, ": got ", grads.size(), " gradients for ",
              tensors.size(), " tensors");
  tensor_list out;
  out.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i)
    out.push_back(root_gradient(tensors[i], i < grads.size() ? grads[i] : Tensor(), op));
  return out;
}

}  // namespace

void backward(const tensor_list& tensors, const tensor_list& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph, const tensor_list& inputs) {
  auto roots = root_edges(tensors, "backward");
  auto grads = root_gradients(tensors, grad_tensors, "backward");
  bool keep = retain_graph.value_or(create_graph);
  if (inputs.empty()) {
    run(roots, grads, keep, create_graph, {}, nullptr);
    return;
  }
  // backward(inputs=...): accumulate only into the given tensors.
  auto g = grad(tensors, inputs, grads, keep, create_graph, /*allow_unused=*/true);
  AutoGradMode mode(create_graph);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!g[i].defined()) continue;
    Tensor& dst = const_cast<Tensor&>(inputs[i]).mutable_grad();
    dst = dst.defined() ? dst + g[i] : g[i];
    if (inputs[i].is_leaf()) run_post_accumulate_grad_hooks(inputs[i].impl_ptr());  // as AccumulateGrad would
  }
}

namespace detail {
void backward_one(const Tensor& tensor, const Tensor& grad_tensor, std::optional<bool> retain_graph,
                  bool create_graph) {
  Edge root = root_edge(tensor, 0, "backward");
  Tensor grad = root_gradient(tensor, grad_tensor, "backward");
  run({&root, 1}, {&grad, 1}, retain_graph.value_or(create_graph), create_graph, {}, nullptr);
}
}  // namespace detail

tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs,
                 std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  NABLA_CHECK(!inputs.empty(), "autograd::grad: inputs is empty; pass the tensors to differentiate against");
  auto roots = root_edges(outputs, "autograd::grad");
  auto grads = root_gradients(outputs, grad_outputs, "autograd::grad");
  std::vector<Capture> captures;
  std::vector<std::shared_ptr<Node>> keep_alive;
  for (size_t i = 0; i < inputs.size(); ++i) {
    NABLA_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "autograd::grad: input ", i,
                " does not require grad; only tensors with requires_grad can be differentiated against");
    Edge e = gradient_edge(inputs[i]);
    keep_alive.push_back(e.function);
    captures.push_back({e.function.get(), e.input_nr, i});
  }
  tensor_list result(inputs.size());
  run(roots, grads, retain_graph.value_or(create_graph), create_graph, captures, &result);
  for (size_t i = 0; i < inputs.size(); ++i) {
    NABLA_CHECK(allow_unused || result[i].defined(), "autograd::grad: one of the differentiated Tensors (input ", i,
                ") appears to not have been used in the graph. Set allow_unused=true if this is the desired "
                "behavior.");
    if (result[i].defined() && !create_graph) result[i] = result[i].detach();
  }
  return result;
}

}  // namespace nabla::autograd
