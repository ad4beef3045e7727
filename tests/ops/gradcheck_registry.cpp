#include "ops/gradcheck_registry.h"

namespace nabla::testing {

std::vector<GradcheckCase>& gradcheck_cases() {
  static std::vector<GradcheckCase> cases;
  return cases;
}

bool register_gradcheck_case(GradcheckCase c) {
  gradcheck_cases().push_back(std::move(c));
  return true;
}

Tensor rand64(IntArrayRef shape, double lo, double hi) {
  static uint64_t counter = 12345;
  std::vector<double> v;
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  for (int64_t i = 0; i < n; ++i) {
    counter = counter * 6364136223846793005ULL + 1442695040888963407ULL;
    double u = double(counter >> 11) * (1.0 / 9007199254740992.0);
    v.push_back(lo + (hi - lo) * u);
  }
  Tensor t = tensor(v).reshape(shape).clone();
  t.requires_grad_(true);
  return t;
}

Tensor rand64_noncontiguous(IntArrayRef shape, double lo, double hi) {
  NABLA_CHECK(shape.size() >= 2, "rand64_noncontiguous: needs at least 2 dims");
  std::vector<int64_t> s = shape.vec();
  std::swap(s[0], s[1]);
  Tensor base = rand64(s, lo, hi);
  // The leaf is `base`; the returned tensor is a non-contiguous view of it, so gradcheck perturbs the leaf
  // through the view. We return a leaf-like view by detaching and re-marking.
  Tensor v = base.detach().transpose(0, 1);
  v.requires_grad_(true);
  return v;
}

}  // namespace nabla::testing
