#pragma once
// Helpers shared by the test binaries: flatten a tensor to doubles, compare, capture an error message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nabla/nabla.h"

namespace nabla::testing {

using Shape = std::vector<int64_t>;

/// All elements of t (any dtype, any strides) as doubles in row-major order.
inline std::vector<double> values(const Tensor& t) {
  Tensor c = t.detach().to(kFloat64).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

/// Element-wise |got - want| <= tol, reporting the flat index of each mismatch.
inline void expect_close(const Tensor& got, const std::vector<double>& want, double tol = 1e-12) {
  auto g = values(got);
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], tol) << "at flat index " << i;
}

/// The message of the nabla::Error that f throws, or a marker text when it throws none.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const nabla::Error& e) {
    return e.what();
  }
  return "<no nabla::Error thrown>";
}

/// A float64 tensor from nested lists.
inline Tensor f64(std::initializer_list<NestedList> v) { return tensor(v, TensorOptions().dtype(kFloat64)); }

}  // namespace nabla::testing
