#pragma once
// Gradcheck cases for the op table. Each op file's test registers at least one case per OpId it owns:
//
//   NABLA_GRADCHECK_CASE(Sin, "broadcast", [] { return tensor_list{rand64({3, 4})}; },
//                        [](const tensor_list& x) { return tensor_list{sin(x[0])}; });
//
// gradcheck_table_test.cpp runs every case (first and second order) and fails for any OpId without one.
#include <functional>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "ops/op_table.h"

namespace nabla::testing {

using autograd::tensor_list;

struct GradcheckCase {
  ops::OpId op;
  std::string label;
  std::function<tensor_list()> make_inputs;  // float64 inputs; those with requires_grad are checked
  std::function<tensor_list(const tensor_list&)> fn;
  bool second_order = true;                  // also run gradgradcheck
};

std::vector<GradcheckCase>& gradcheck_cases();
bool register_gradcheck_case(GradcheckCase c);

/// float64 uniform in [lo, hi) that requires grad (deterministic: seeded from a counter).
Tensor rand64(IntArrayRef shape, double lo = -1.0, double hi = 1.0);
/// A non-contiguous float64 tensor of `shape` that requires grad (a transposed view of a leaf).
Tensor rand64_noncontiguous(IntArrayRef shape, double lo = -1.0, double hi = 1.0);

}  // namespace nabla::testing

#define NABLA_GC_CONCAT2(a, b) a##b
#define NABLA_GC_CONCAT(a, b) NABLA_GC_CONCAT2(a, b)
#define NABLA_GRADCHECK_CASE(OP, LABEL, MAKE_INPUTS, FN, ...)                                      \
  static const bool NABLA_GC_CONCAT(nabla_gc_case_, __LINE__) = ::nabla::testing::register_gradcheck_case( \
      {::nabla::ops::OpId::OP, LABEL, MAKE_INPUTS, FN __VA_OPT__(, ) __VA_ARGS__})
