// Optimizer::state_dict / load_state_dict: PyTorch's {"state": {i: {...}}, "param_groups": [{...}]} flattened to
// named tensors. The fields come from each optimizer's OptionField / StateField lists, so this file knows none.
#include <map>
#include <set>
#include <string>

#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"
#include "nabla/optim/optimizer.h"
#include "optim/state_dict_util.h"

namespace nabla::optim {
namespace {

constexpr const char* kOp = "Optimizer::load_state_dict";

template <class... Fs>
struct Overload : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overload(Fs...) -> Overload<Fs...>;

// std::visit for the two field structs: calls fn with the one pointer that is set.
template <class F>
void visit_field(F&& fn, const OptionField& f) {
  if (f.number) return fn(f.number);
  if (f.flag) return fn(f.flag);
  fn(f.pair);
}
template <class F>
void visit_field(F&& fn, const StateField& f) {
  if (f.count) return fn(f.count);
  fn(f.tensor);
}

// "<prefix><n>.<rest>" -> (n, rest); false when the key has another form.
bool split_key(const std::string& key, const std::string& prefix, int64_t& n, std::string& rest) {
  if (key.rfind(prefix, 0) != 0) return false;
  const size_t dot = key.find('.', prefix.size());
  if (dot == std::string::npos || dot == prefix.size() || dot - prefix.size() > 18) return false;
  const std::string digits = key.substr(prefix.size(), dot - prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return false;
  n = std::stoll(digits);
  rest = key.substr(dot + 1);
  return !rest.empty();
}

std::vector<std::string> names_of(std::vector<StateField> fields) {
  std::vector<std::string> r;
  for (const auto& f : fields) r.emplace_back(f.name);
  return r;
}

}  // namespace

OrderedDict<std::string, Tensor> Optimizer::state_dict() const {
  NoGradGuard no_grad;
  OrderedDict<std::string, Tensor> sd("Key");
  for (size_t i = 0; i < all_params_.size(); ++i) {
    auto it = state_.find(all_params_[i].impl_ptr().get());
    if (it == state_.end() || !it->second) continue;
    auto copy = it->second->clone();  // deep: the dict's tensors are the copy's
    const std::string prefix = "state." + std::to_string(i) + ".";
    for (auto& field : copy->fields()) {
      const std::string name = field.name;
      visit_field(
          Overload{[&](int64_t* v) { sd.insert(prefix + name, scalar_tensor(*v, TensorOptions().dtype(kInt64))); },
                   [&](Tensor* t) {
                     if (t->defined()) sd.insert(prefix + name, *t);
                   }},
          field);
    }
  }
  int64_t index = 0;
  for (size_t g = 0; g < param_groups_.size(); ++g) {
    const std::string prefix = "param_groups." + std::to_string(g) + ".";
    std::vector<int64_t> indices;
    for (size_t k = 0; k < param_groups_[g].params().size(); ++k) indices.push_back(index++);
    sd.insert(prefix + "params", tensor(indices, TensorOptions().dtype(kInt64)));
    auto options = param_groups_[g].options().clone();
    const auto f64 = TensorOptions().dtype(kFloat64);
    for (auto& field : options->fields()) {
      const std::string name = field.name;
      visit_field(Overload{[&](double* v) { sd.insert(prefix + name, scalar_tensor(*v, f64)); },
                           [&](bool* v) { sd.insert(prefix + name, scalar_tensor(*v ? 1.0 : 0.0, f64)); },
                           [&](std::tuple<double, double>* v) {
                             sd.insert(prefix + name, detail::doubles_tensor({std::get<0>(*v), std::get<1>(*v)}));
                           }},
                  field);
    }
  }
  return sd;
}

void Optimizer::load_state_dict(const OrderedDict<std::string, Tensor>& sd) {
  NoGradGuard no_grad;
  std::set<std::string> used;
  const size_t n = all_params_.size();

  // Param groups: which saved parameter index is which of our parameters, and each group's new options.
  std::map<int64_t, size_t> position;  // saved index -> position in all_params_
  std::vector<std::unique_ptr<OptimizerOptions>> options;
  int64_t saved_groups = 0;
  for (const auto& item : sd) {
    int64_t g = 0;
    std::string rest;
    if (split_key(item.key(), "param_groups.", g, rest)) saved_groups = std::max(saved_groups, g + 1);
  }
  if (saved_groups > 0) {
    NABLA_CHECK(saved_groups == static_cast<int64_t>(param_groups_.size()), kOp, ": the state dict has ", saved_groups,
                " param groups but the optimizer has ", param_groups_.size(),
                "; build the optimizer with the same param groups as the one that was saved");
    size_t pos = 0;
    for (size_t g = 0; g < param_groups_.size(); ++g) {
      const std::string prefix = "param_groups." + std::to_string(g) + ".";
      const Tensor& idx = detail::require(sd, prefix + "params", kOp);
      const size_t count = param_groups_[g].params().size();
      NABLA_CHECK(idx.dtype() == kInt64 && idx.dim() == 1, kOp, ": '", prefix,
                  "params' must be a 1-d int64 tensor, got ", idx.dtype(), " of shape ", idx.sizes().vec());
      NABLA_CHECK(idx.numel() == static_cast<int64_t>(count), kOp, ": param group ", g, " has ", idx.numel(),
                  " parameters in the state dict but ", count, " in the optimizer; was it saved from another model?");
      Tensor ic = idx.cpu().contiguous();
      for (size_t k = 0; k < count; ++k, ++pos) {
        const int64_t saved = ic.data_ptr<int64_t>()[k];
        NABLA_CHECK(position.emplace(saved, pos).second, kOp, ": parameter index ", saved,
                    " appears twice in the param groups' 'params'");
      }
      used.insert(prefix + "params");
      auto o = param_groups_[g].options().clone();
      for (auto& field : o->fields()) {
        const std::string name = field.name;
        const std::string key = prefix + name;
        const Tensor& t = detail::require(sd, key, kOp);
        visit_field(Overload{[&](double* v) { *v = detail::read_double(t, key, kOp); },
                             [&](bool* v) { *v = detail::read_bool(t, key, kOp); },
                             [&](std::tuple<double, double>* v) {
                               auto b = detail::read_doubles(t, key, 2, kOp);
                               *v = {b[0], b[1]};
                             }},
                    field);
        used.insert(key);
      }
      options.push_back(std::move(o));
    }
  } else {
    for (size_t i = 0; i < n; ++i) position[static_cast<int64_t>(i)] = i;  // state only: numbered in order
  }

  // Per-parameter state, checked against each parameter's shape and converted to its dtype and device.
  std::vector<std::unique_ptr<OptimizerParamState>> states(n);
  for (const auto& item : sd) {
    int64_t i = 0;
    std::string field;
    if (!split_key(item.key(), "state.", i, field)) continue;
    auto p = position.find(i);
    NABLA_CHECK(p != position.end(), kOp, ": '", item.key(), "' is the state of parameter ", i,
                " but the optimizer has ", n, " parameters; was it saved from another model?");
    const Tensor& param = all_params_[p->second];
    auto& st = states[p->second];
    if (!st) st = make_param_state();
    bool known = false;
    for (auto& ref : st->fields()) {
      const std::string name = ref.name;
      if (field != name) continue;
      known = true;
      const Tensor& t = item.value();
      visit_field(Overload{[&](int64_t* v) { *v = detail::read_count(t, item.key(), kOp); },
                           [&](Tensor* v) {
                             NABLA_CHECK(t.defined(), kOp, ": '", item.key(), "' is an undefined tensor");
                             NABLA_CHECK(t.is_floating_point(), kOp, ": '", item.key(),
                                         "' must be a floating-point tensor, got ", t.dtype());
                             NABLA_CHECK(t.sizes() == param.sizes(), kOp, ": '", item.key(), "' has shape ",
                                         t.sizes().vec(), " but parameter ", p->second, " has shape ",
                                         param.sizes().vec(), "; was it saved from another model?");
                             Tensor c = t.to(param.device(), param.scalar_type());
                             *v = c.is_same(t) ? c.clone() : c.contiguous();
                           }},
                  ref);
    }
    NABLA_CHECK(known, kOp, ": unknown key '", item.key(), "'; this optimizer's state fields are ",
                names_of(st->fields()));
    used.insert(item.key());
  }
  std::vector<std::string> unknown;
  for (const auto& item : sd)
    if (!used.count(item.key())) unknown.push_back(item.key());
  NABLA_CHECK(unknown.empty(), kOp, ": unknown key(s) ", unknown, " in the state dict (", n, " parameters in ",
              param_groups_.size(), " groups); was it saved from another kind of optimizer?");

  // Everything checked: commit.
  state_.clear();
  for (size_t i = 0; i < n; ++i)
    if (states[i]) state_[all_params_[i].impl_ptr().get()] = std::move(states[i]);
  for (size_t g = 0; g < options.size(); ++g) param_groups_[g].set_options(std::move(options[g]));
}

}  // namespace nabla::optim
