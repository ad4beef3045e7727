// Checked reads of numbers from state-dict tensors (see state_dict_util.h).
#include "optim/state_dict_util.h"

#include <algorithm>
#include <cmath>

#include "nabla/ops/factory.h"

namespace nabla::optim::detail {
namespace {
// The values of t on the CPU as contiguous float64.
Tensor as_doubles(const Tensor& t) { return t.cpu().to(kFloat64).contiguous(); }
}  // namespace

const Tensor& require(const StateDict& sd, const std::string& key, const char* op) {
  const Tensor* t = sd.find(key);
  NABLA_CHECK(t && t->defined(), op, ": the state dict has no key '", key, "'; was it saved from another kind of ",
              "optimizer or scheduler?");
  return *t;
}

double read_double(const Tensor& t, const std::string& key, const char* op) {
  NABLA_CHECK(t.numel() == 1, op, ": '", key, "' must hold one value, got shape ", t.sizes().vec());
  return as_doubles(t).data_ptr<double>()[0];
}

int64_t read_count(const Tensor& t, const std::string& key, const char* op) {
  NABLA_CHECK(t.numel() == 1, op, ": '", key, "' must hold one value, got shape ", t.sizes().vec());
  int64_t v = 0;
  if (t.is_floating_point()) {
    const double d = read_double(t, key, op);
    NABLA_CHECK(std::isfinite(d) && d == std::floor(d), op, ": '", key, "' must be a whole number, got ", d);
    v = static_cast<int64_t>(d);
  } else {
    v = t.cpu().to(kInt64).contiguous().data_ptr<int64_t>()[0];
  }
  NABLA_CHECK(v >= 0, op, ": '", key, "' must be >= 0, got ", v);
  return v;
}

bool read_bool(const Tensor& t, const std::string& key, const char* op) {
  const double d = read_double(t, key, op);
  NABLA_CHECK(d == 0 || d == 1, op, ": '", key, "' is a flag and must be 0 or 1, got ", d);
  return d == 1;
}

std::vector<double> read_doubles(const Tensor& t, const std::string& key, size_t n, const char* op) {
  NABLA_CHECK(t.dim() == 1 && t.numel() == static_cast<int64_t>(n), op, ": '", key, "' must be a 1-d tensor of ", n,
              " values, got shape ", t.sizes().vec());
  Tensor d = as_doubles(t);
  const double* p = d.data_ptr<double>();
  return std::vector<double>(p, p + n);
}

void check_no_unknown_keys(const StateDict& sd, const std::vector<std::string>& expected, const char* op) {
  std::vector<std::string> unknown;
  for (const auto& item : sd)
    if (std::find(expected.begin(), expected.end(), item.key()) == expected.end()) unknown.push_back(item.key());
  NABLA_CHECK(unknown.empty(), op, ": unknown key(s) ", unknown, " in the state dict; expected ", expected);
}

Tensor doubles_tensor(const std::vector<double>& values) { return tensor(values, TensorOptions().dtype(kFloat64)); }

}  // namespace nabla::optim::detail
