// The backward engine: counts dependencies with an explicit stack (no recursion), then runs nodes from a
// ready queue ordered by sequence number (most recent first), summing gradients per node input.
#include "nabla/autograd/engine.h"

#include <cmath>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/current_node.h"
#include "core/make.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/reduce.h"

namespace nabla::autograd {

namespace {
thread_local std::shared_ptr<Node> t_current;
}
std::shared_ptr<Node> current_node() { return t_current; }
std::string current_node_name() { return t_current ? t_current->name() : std::string("backward"); }
CurrentNodeGuard::CurrentNodeGuard(std::shared_ptr<Node> n) : prev_(std::move(t_current)) { t_current = std::move(n); }
CurrentNodeGuard::~CurrentNodeGuard() { t_current = std::move(prev_); }

namespace {

struct Capture {
  Node* node;
  uint32_t input_nr;
  size_t slot;
};

bool has_non_finite(const Tensor& t) {
  if (!t.defined() || !t.is_floating_point()) return false;
  NoGradGuard g;
  Tensor d = t.detach();
  return !(d - d).eq(0).all().item<bool>();  // x - x is NaN for NaN and +-Inf
}

// Runs the graph from `roots` with `root_grads`. When `captures` is empty, leaves accumulate into .grad();
// otherwise the gradient reaching each capture point is stored in `captured` and leaves are not touched.
void run(const std::vector<Edge>& roots, const tensor_list& root_grads, bool keep_graph, bool create_graph,
         const std::vector<Capture>& captures, tensor_list* captured) {
  // 1. Dependencies: how many edges point at each node.
  std::unordered_map<Node*, int> deps;
  std::unordered_set<Node*> seen;
  std::vector<Node*> stack;
  for (const auto& r : roots) {
    if (r.function && seen.insert(r.function.get()).second) stack.push_back(r.function.get());
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const auto& e : n->next_edges()) {
      if (!e.function) continue;
      ++deps[e.function.get()];
      if (seen.insert(e.function.get()).second) stack.push_back(e.function.get());
    }
  }

  // 2. Input buffers and the ready queue.
  struct Entry {
    std::shared_ptr<Node> node;
    bool operator<(const Entry& o) const { return node->sequence_nr() < o.node->sequence_nr(); }
  };
  std::unordered_map<Node*, variable_list> buffers;
  auto accumulate = [&](const std::shared_ptr<Node>& n, uint32_t input_nr, const Tensor& g) {
    auto& buf = buffers[n.get()];
    if (buf.size() < n->num_outputs()) buf.resize(n->num_outputs());
    if (!g.defined()) return;
    Tensor& slot = buf.at(input_nr);
    slot = slot.defined() ? slot + g : g;
  };
  std::priority_queue<Entry> ready;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].function) continue;
    accumulate(roots[i].function, roots[i].input_nr, root_grads[i]);
  }
  for (const auto& r : roots) {
    if (r.function && deps[r.function.get()] == 0 && buffers.count(r.function.get())) {
      ready.push({r.function});
      deps[r.function.get()] = -1;  // queued
    }
  }

  const bool capturing = captured != nullptr;
  AutoGradMode grad_mode(create_graph);
  while (!ready.empty()) {
    std::shared_ptr<Node> node = ready.top().node;
    ready.pop();
    variable_list inputs = std::move(buffers[node.get()]);
    buffers.erase(node.get());
    inputs.resize(node->num_outputs());
    for (uint32_t i = 0; i < inputs.size(); ++i) inputs[i] = node->run_pre_hooks(i, std::move(inputs[i]));
    if (capturing) {
      for (const auto& c : captures) {
        if (c.node == node.get() && inputs[c.input_nr].defined()) {
          Tensor& dst = (*captured)[c.slot];
          dst = dst.defined() ? dst + inputs[c.input_nr] : inputs[c.input_nr];
        }
      }
    }
    variable_list outputs;
    bool is_accumulator = dynamic_cast<AccumulateGrad*>(node.get()) != nullptr;
    bool any_grad = false;
    for (const auto& g : inputs) any_grad = any_grad || g.defined();
    if (any_grad && !(capturing && is_accumulator)) {
      CurrentNodeGuard guard(node);
      outputs = node->apply(std::move(inputs));
      if (AnomalyMode::is_enabled()) {
        for (size_t i = 0; i < outputs.size(); ++i) {
          NABLA_CHECK(!has_non_finite(outputs[i]), "anomaly: Function '", node->name(), "' returned nan or inf values "
                      "in its ", i, "th output; the node was created by the forward op '", node->forward_name(), "'",
                      node->anomaly_trace.empty() ? "" : " (recorded while anomaly mode was on)");
        }
      }
      if (!keep_graph) node->release_variables();
    }
    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size() && i < outputs.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.function) continue;
      Tensor g = outputs[i];
      if (g.defined()) {
        const auto& m = e.function->output_meta(e.input_nr);
        NABLA_CHECK(g.sizes().size() == m.sizes.size() &&
                        std::equal(m.sizes.begin(), m.sizes.end(), g.sizes().begin()),
                    "backward: Function ", node->name(), " returned an invalid gradient at index ", i,
                    " - got ", g.sizes().vec(), " but expected shape compatible with ", m.sizes);
        if (g.dtype() != m.dtype) g = g.to(m.dtype);
      }
      accumulate(e.function, e.input_nr, g);
    }
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.function) continue;
      int& d = deps[e.function.get()];
      if (d > 0 && --d == 0) {
        d = -1;
        ready.push({e.function});
      }
    }
  }
}

std::vector<Edge> root_edges(const tensor_list& tensors, const char* op) {
  std::vector<Edge> roots;
  for (const auto& t : tensors) {
    NABLA_CHECK(t.defined(), op, ": got an undefined tensor");
    NABLA_CHECK(t.requires_grad(), op, ": element 0 of tensors does not require grad and does not have a "
                "grad_fn. Did you forget requires_grad(true) on an input, or compute it under NoGradGuard?");
    roots.push_back(gradient_edge(t));
  }
  return roots;
}

tensor_list root_gradients(const tensor_list& tensors, const tensor_list& grads, const char* op) {
  NABLA_CHECK(grads.empty() || grads.size() == tensors.size(), op, ": got ", grads.size(), " gradients for ",
              tensors.size(), " tensors");
  tensor_list out;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (i < grads.size() && grads[i].defined()) {
      const Tensor& g = grads[i];
      NABLA_CHECK(g.sizes().vec() == t.sizes().vec(), op, ": mismatch in shape: grad_output has a shape of ",
                  g.sizes().vec(), " and output has a shape of ", t.sizes().vec());
      out.push_back(g);
    } else {
      NABLA_CHECK(t.numel() == 1, op, ": grad can be implicitly created only for scalar outputs (got shape ",
                  t.sizes().vec(), "); pass a gradient of the output's shape, e.g. backward(nabla::ones_like(y))");
      out.push_back(ones_like(t));
    }
  }
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
  NoGradGuard ng;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!g[i].defined()) continue;
    Tensor& dst = const_cast<Tensor&>(inputs[i]).mutable_grad();
    dst = dst.defined() ? dst + g[i] : g[i];
  }
}

tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs,
                 std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
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
