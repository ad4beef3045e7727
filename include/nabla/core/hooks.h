#pragma once
// Hook lists and PyTorch's RemovableHandle, shared by the module, optimizer and tensor hooks.
#include <memory>
#include <utility>
#include <vector>

namespace nabla {

namespace detail {
/// A process-wide unique, non-zero id for a module or optimizer hook.
unsigned next_hook_id();

/// What a RemovableHandle calls back: the owner of one or more hook lists.
class HookRemover {
 public:
  virtual ~HookRemover() = default;
  virtual void remove_hook(unsigned id) = 0;
};
}  // namespace detail

/// PyTorch's torch.utils.hooks.RemovableHandle: remove() unregisters the hook it was returned for. Safe to call
/// twice, from inside a running hook, or after the module or optimizer is gone (then it does nothing).
class RemovableHandle {
 public:
  RemovableHandle() = default;
  RemovableHandle(std::weak_ptr<detail::HookRemover> owner, unsigned id) : owner_(std::move(owner)), id_(id) {}
  void remove() {
    if (auto owner = owner_.lock()) owner->remove_hook(id_);
    owner_.reset();
  }
  /// The hook's id (PyTorch's handle.id).
  unsigned id() const noexcept { return id_; }

 private:
  std::weak_ptr<detail::HookRemover> owner_;
  unsigned id_ = 0;
};

/// Hooks in registration order, stored copy-on-write: callers run a snapshot(), so a hook may register or remove
/// hooks (itself included) while the list runs; the change applies from the next run, as with PyTorch's hook
/// dicts, which are copied before they are iterated. Registering costs a copy of the list; running costs none.
/// Not thread-safe against concurrent registration (neither are PyTorch's).
template <typename Fn>
class HookList {
 public:
  struct Entry {
    unsigned id;
    Fn fn;
  };
  using Snapshot = std::shared_ptr<const std::vector<Entry>>;

  bool empty() const noexcept { return entries_ == nullptr; }
  void add(unsigned id, Fn fn) {
    auto next = std::make_shared<std::vector<Entry>>();
    next->reserve((entries_ ? entries_->size() : 0) + 1);
    if (entries_) *next = *entries_;
    next->push_back({id, std::move(fn)});
    entries_ = std::move(next);
  }
  /// Unregisters hook `id`; false when this list does not hold it.
  bool remove(unsigned id) {
    if (!entries_) return false;
    bool held = false;
    for (const Entry& e : *entries_) held = held || e.id == id;
    if (!held) return false;
    auto next = std::make_shared<std::vector<Entry>>();
    for (const Entry& e : *entries_)
      if (e.id != id) next->push_back(e);
    entries_ = next->empty() ? nullptr : std::move(next);  // empty() stays a null check
    return true;
  }
  /// The hooks as they are now (null when none); iterate this, not the list, while running them.
  const Snapshot& snapshot() const noexcept { return entries_; }

 private:
  Snapshot entries_;
};

/// Owns a set of hook lists (a detail::HookRemover) behind a shared_ptr that handles point at weakly. Null until
/// the first registration, so an owner without hooks pays one null check. A copy gets its own set holding the same
/// hooks (as copy.deepcopy of a PyTorch module keeps its hooks); handles keep referring to the original.
template <typename Set>
class HookStore {
 public:
  HookStore() = default;
  HookStore(const HookStore& o) : set_(o.set_ ? std::make_shared<Set>(*o.set_) : nullptr) {}
  HookStore& operator=(const HookStore& o) {
    if (this != &o) set_ = o.set_ ? std::make_shared<Set>(*o.set_) : nullptr;
    return *this;
  }
  HookStore(HookStore&&) noexcept = default;
  HookStore& operator=(HookStore&&) noexcept = default;

  /// Null when no hook was ever registered.
  Set* get() const noexcept { return set_.get(); }
  /// Adds fn to the list `list` of the set (created on first use); returns its handle.
  template <typename Fn>
  RemovableHandle add(HookList<Fn> Set::*list, Fn fn) {
    if (!set_) set_ = std::make_shared<Set>();
    const unsigned id = detail::next_hook_id();
    ((*set_).*list).add(id, std::move(fn));
    return RemovableHandle(std::weak_ptr<detail::HookRemover>(set_), id);
  }

 private:
  std::shared_ptr<Set> set_;
};

}  // namespace nabla
