// Nodes, AccumulateGrad and the iterative release of long graphs.
#include "nabla/autograd/node.h"

#include <atomic>
#include <mutex>

#include "backend/kernels.h"
#include "core/fast_tls.h"
#include "core/make.h"
#include "core/spin_lock.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/elementwise.h"
#include "nabla/ops/shape.h"

namespace nabla::autograd {
namespace {
std::atomic<uint64_t> g_sequence{0};
std::atomic<unsigned> g_hook_handle{1};

// What dying nodes hand over instead of freeing it recursively (see defer_release in node.h). Thread-local:
// each thread drains what its own destructors queue, so no locking is needed.
struct ReleaseQueue {
  std::vector<std::shared_ptr<Node>> nodes;
  std::vector<BackwardFn> fns;
  std::vector<Tensor> tensors;
  void drain() {
    for (;;) {
      if (!nodes.empty()) {
        std::shared_ptr<Node> n = std::move(nodes.back());
        nodes.pop_back();
        n.reset();  // may queue more
      } else if (!fns.empty()) {
        BackwardFn f = std::move(fns.back());
        fns.pop_back();
        f = nullptr;
      } else if (!tensors.empty()) {
        Tensor t = std::move(tensors.back());
        tensors.pop_back();
        t = Tensor();
      } else {
        return;
      }
    }
  }
};
NABLA_FAST_TLS thread_local ReleaseQueue* t_queue = nullptr;

// Outermost call: frees `release()`'s objects now, with the queue installed so that nested destructors only
// queue; then drains. Nested call: `queue(q)` moves the objects into the active queue.
template <typename Release, typename Queue>
void release_or_queue(Release release, Queue queue) {
  if (t_queue) {
    queue(*t_queue);
    return;
  }
  ReleaseQueue q;
  t_queue = &q;
  release();
  q.drain();
  t_queue = nullptr;
}
}  // namespace

void defer_release(std::vector<Edge>& edges) {
  release_or_queue([&] { edges.clear(); },
                   [&](ReleaseQueue& q) {
                     for (auto& e : edges)
                       if (e.function) q.nodes.push_back(std::move(e.function));
                     edges.clear();
                   });
}

void defer_release(void* ctx, void (*destroy)(void*), BackwardFn (*take)(void*)) {
  release_or_queue([&] { destroy(ctx); }, [&](ReleaseQueue& q) { q.fns.push_back(take(ctx)); });
}

void defer_release(std::vector<Tensor>& tensors) {
  release_or_queue([&] { tensors.clear(); },
                   [&](ReleaseQueue& q) {
                     for (auto& t : tensors)
                       if (t.defined()) q.tensors.push_back(std::move(t));
                     tensors.clear();
                   });
}

unsigned next_hook_handle() { return g_hook_handle++; }

namespace {
// Leaves (parameters) are shared by graphs that may run backward on several threads at once: creating a
// leaf's AccumulateGrad and adding into its .grad() take one of these locks, picked by the leaf's address.
SpinLock& leaf_lock(const void* leaf) {
  static SpinLock stripes[64];
  return stripes[(reinterpret_cast<uintptr_t>(leaf) >> 6) % 64];
}
}  // namespace

namespace {
// A hook's replacement gradient must keep the shape (the engine and the node rely on it).
void check_hook_result(const Tensor& r, const Tensor& grad, const Node& node) {
  NABLA_CHECK(r.sizes() == grad.sizes(), "register_hook: a hook on a gradient flowing into ", node.name(),
              " changed its shape from ", grad.sizes().vec(), " to ", r.sizes().vec(),
              "; a hook must return a tensor of the same shape (or nothing to keep the gradient)");
}
}  // namespace

Node::Node() : sequence_nr_(g_sequence++) {}

Node::~Node() {
  // Nothing that could own other nodes (a leaf's accumulator, a node whose graph was freed): no queue needed.
  if (next_edges_.empty() && pre_hooks_.empty() && retain_grad_hooks_.empty()) return;
  // Hooks may capture tensors (and so other graphs): free them under the same queue.
  release_or_queue([&] { pre_hooks_.clear(), retain_grad_hooks_.clear(), next_edges_.clear(); },
                   [&](ReleaseQueue& q) {
                     for (auto& e : next_edges_)
                       if (e.function) q.nodes.push_back(std::move(e.function));
                     next_edges_.clear();
                     for (auto& h : pre_hooks_)
                       q.fns.push_back([f = std::move(h.fn)](const variable_list&) { return variable_list{}; });
                     pre_hooks_.clear();
                   });
}

uint32_t Node::add_output(const Tensor& t) {
  if (num_outputs_ > 0) return add_output_meta({DimVector(t.sizes()), t.dtype()});
  first_output_meta_.sizes = t.sizes();  // in place: no temporary metadata to build and move
  first_output_meta_.dtype = t.dtype();
  return num_outputs_++;
}

uint32_t Node::add_output_meta(OutputMeta meta) {
  if (num_outputs_ == 0)
    first_output_meta_ = std::move(meta);
  else
    more_output_meta_.push_back(std::move(meta));
  return num_outputs_++;
}

unsigned Node::add_pre_hook(uint32_t output_nr, GradHook hook) {
  unsigned h = next_hook_handle();
  pre_hooks_.push_back({h, output_nr, std::move(hook)});
  return h;
}

void Node::remove_pre_hook(unsigned handle) {
  std::erase_if(pre_hooks_, [handle](const PreHook& h) { return h.handle == handle; });
}

void Node::set_retain_grad_hook(uint32_t output_nr, GradHook hook) {
  for (auto& [nr, fn] : retain_grad_hooks_) {
    if (nr == output_nr) {
      fn = std::move(hook);
      return;
    }
  }
  retain_grad_hooks_.emplace_back(output_nr, std::move(hook));
}

GradHook Node::take_retain_grad_hook(uint32_t output_nr) {
  for (size_t i = 0; i < retain_grad_hooks_.size(); ++i) {
    if (retain_grad_hooks_[i].first != output_nr) continue;
    GradHook h = std::move(retain_grad_hooks_[i].second);
    retain_grad_hooks_.erase(retain_grad_hooks_.begin() + std::ptrdiff_t(i));
    return h;
  }
  return {};
}

Tensor Node::run_pre_hooks(uint32_t output_nr, Tensor grad) {
  if (!grad.defined()) return grad;
  for (auto& h : pre_hooks_) {
    if (h.output_nr != output_nr) continue;
    Tensor r = h.fn(grad);
    if (!r.defined()) continue;
    check_hook_result(r, grad, *this);
    grad = std::move(r);
  }
  for (auto& [nr, fn] : retain_grad_hooks_)
    if (nr == output_nr) fn(grad);  // observes only
  return grad;
}

AccumulateGrad::AccumulateGrad(std::shared_ptr<TensorImpl> leaf) : leaf_(std::move(leaf)) {
  Tensor t(leaf_);
  add_output(t);
}

bool AccumulateGrad::has_leaf_or_output_hooks() const {
  const auto* m = leaf_->autograd.get();
  return has_output_hooks() || (m && !m->leaf_hooks.empty());
}

Tensor AccumulateGrad::run_pre_hooks(uint32_t output_nr, Tensor grad) {
  grad = Node::run_pre_hooks(output_nr, std::move(grad));
  if (auto* m = leaf_->autograd.get()) {
    for (auto& [handle, fn] : m->leaf_hooks) {
      if (!grad.defined()) break;
      Tensor r = fn(grad);
      if (!r.defined()) continue;
      check_hook_result(r, grad, *this);
      grad = std::move(r);
    }
  }
  return grad;
}

namespace {
// grad += g through the device's add kernel when both have one dtype and shape and grad is dense (the common case of
// every step); false when the general add_ is needed.
bool accumulate_inplace(const Tensor& grad, const Tensor& g) {
  if (grad.dtype() != g.dtype() || grad.device() != g.device() || !grad.is_contiguous() || grad.sizes() != g.sizes())
    return false;
  backend::kernels(grad.device()).binary(backend::BinaryOp::Add, grad, grad, g, 1);
  grad.bump_version();
  return true;
}
}  // namespace

variable_list AccumulateGrad::apply(variable_list&& grads) {
  Tensor g = std::move(grads.at(0));
  if (g.defined()) apply_one(std::move(g));
  return {};
}

void AccumulateGrad::apply_one(Tensor g) {
  accumulate(std::move(g));
  // The engine sums every gradient reaching this leaf before it runs this node: the hooks see this backward's total
  // once, as PyTorch 2.1's post-accumulate-grad hooks (outside the leaf lock, so a hook may do anything).
  run_post_accumulate_grad_hooks(leaf_);
}

void run_post_accumulate_grad_hooks(const std::shared_ptr<TensorImpl>& leaf) {
  auto* m = leaf->autograd.get();
  if (!m || m->post_accumulate_grad_hooks.empty()) [[likely]]
    return;
  auto hooks = m->post_accumulate_grad_hooks.snapshot();  // a copy: a hook may add or remove hooks
  Tensor param(leaf);
  for (const auto& h : *hooks) h.fn(param);
}

void AccumulateGrad::accumulate(Tensor g) {
  auto& meta = *leaf_->autograd;
  if (GradMode::is_enabled()) {
    // create_graph: keep the graph-connected gradient so .grad() can itself be differentiated.
    meta.grad = meta.grad.defined() ? meta.grad + g : g;
    return;
  }
  std::lock_guard<SpinLock> lock(leaf_lock(leaf_.get()));  // no op below records (grad mode is off)
  if (meta.grad.defined()) {
    if (meta.grad.requires_grad()) {
      meta.grad = (meta.grad + g).detach();  // .grad() came from a create_graph backward: leave that graph alone
    } else if (!accumulate_inplace(meta.grad, g)) {
      NoGradGuard ng;
      meta.grad.add_(g);  // in place, as PyTorch: references to .grad() see the sum
    }
    return;
  }
  // First gradient: steal the buffer when nothing else can see it (a dense tensor whose storage only this
  // reference holds), else copy, so that in-place updates of .grad() never write into someone else's tensor.
  g = g.detach();
  const auto& impl = g.impl();
  const bool owned = g.impl_ptr().use_count() == 1 && detail::storage_unshared(impl) && g.is_contiguous() &&
                     impl.storage->nbytes() == size_t(g.numel()) * g.element_size();
  meta.grad = owned ? std::move(g) : g.clone();
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
  std::lock_guard<SpinLock> lock(leaf_lock(t.impl_ptr().get()));
  auto acc = m->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    m->grad_accumulator = acc;
  }
  return {acc, 0};
}

}  // namespace nabla::autograd
