// Nodes, AccumulateGrad and the iterative release of long graphs.
#include "nabla/autograd/node.h"

#include <atomic>

#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/shape.h"

namespace nabla::autograd {
namespace {
std::atomic<uint64_t> g_sequence{0};
std::atomic<unsigned> g_hook_handle{1};

// Destroying the last reference to a long chain of nodes would recurse once per node and overflow the
// stack. Instead, a dying node hands its edges to this thread-local list, and the outermost destructor
// drains it in a loop.
thread_local std::vector<std::shared_ptr<Node>>* t_pending = nullptr;
}  // namespace

unsigned next_hook_handle() { return g_hook_handle++; }

Node::Node() : sequence_nr_(g_sequence++) {}

Node::~Node() {
  std::vector<std::shared_ptr<Node>> local;
  bool outermost = t_pending == nullptr;
  if (outermost) t_pending = &local;
  for (auto& e : next_edges_) {
    if (e.function) t_pending->push_back(std::move(e.function));
  }
  next_edges_.clear();
  if (outermost) {
    while (!local.empty()) {
      std::shared_ptr<Node> n = std::move(local.back());
      local.pop_back();
      n.reset();  // may push more nodes onto `local`
    }
    t_pending = nullptr;
  }
}

uint32_t Node::add_output(const Tensor& t) {
  output_meta_.push_back({t.sizes().vec(), t.dtype()});
  return uint32_t(output_meta_.size() - 1);
}

unsigned Node::add_pre_hook(uint32_t output_nr, GradHook hook) {
  unsigned h = next_hook_handle();
  pre_hooks_.push_back({h, output_nr, std::move(hook)});
  return h;
}

void Node::remove_pre_hook(unsigned handle) {
  std::erase_if(pre_hooks_, [handle](const PreHook& h) { return h.handle == handle; });
}

Tensor Node::run_pre_hooks(uint32_t output_nr, Tensor grad) {
  for (auto& h : pre_hooks_) {
    if (h.output_nr != output_nr || !grad.defined()) continue;
    Tensor r = h.fn(grad);
    if (r.defined()) grad = r;
  }
  return grad;
}

AccumulateGrad::AccumulateGrad(std::shared_ptr<TensorImpl> leaf) : leaf_(std::move(leaf)) {
  Tensor t(leaf_);
  add_output(t);
}

Tensor AccumulateGrad::run_pre_hooks(uint32_t output_nr, Tensor grad) {
  grad = Node::run_pre_hooks(output_nr, std::move(grad));
  if (auto* m = leaf_->autograd.get()) {
    for (auto& [handle, fn] : m->leaf_hooks) {
      if (!grad.defined()) break;
      Tensor r = fn(grad);
      if (r.defined()) grad = r;
    }
  }
  return grad;
}

variable_list AccumulateGrad::apply(variable_list&& grads) {
  Tensor g = std::move(grads.at(0));
  if (!g.defined()) return {};
  auto& meta = *leaf_->autograd;
  if (!GradMode::is_enabled()) g = g.detach();
  if (!meta.grad.defined()) {
    // Own the memory unless building a higher-order graph (then keep the graph-connected tensor).
    meta.grad = GradMode::is_enabled() ? g : g.clone();
  } else if (GradMode::is_enabled()) {
    meta.grad = meta.grad + g;
  } else {
    meta.grad = (meta.grad + g).detach();
  }
  return {};
}

AutogradMeta& autograd_meta(const Tensor& t) {
  auto& impl = t.impl();
  if (!impl.autograd) impl.autograd.reset(new AutogradMeta());
  return *impl.autograd;
}

Edge gradient_edge(const Tensor& t) {
  auto* m = autograd_meta_or_null(t);
  if (!m) return {};
  if (m->grad_fn) return {m->grad_fn, m->output_nr};
  if (!m->requires_grad) return {};
  auto acc = m->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    m->grad_accumulator = acc;
  }
  return {acc, 0};
}

}  // namespace nabla::autograd
