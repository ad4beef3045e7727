#pragma once
// Helpers shared by the tests that replay the JSON fixtures of tests/reference/fixtures (made by the
// tests/reference/make_*fixtures.py scripts with PyTorch): where the files are, loading one, tensors from JSON.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla::testing {

/// The fixture directory: NABLA_FIXTURE_DIR from the environment when set and not empty (to try edited
/// fixtures), else the compiled-in NABLA_FIXTURE_DIR.
inline std::string fixture_dir() {
  const char* env = std::getenv("NABLA_FIXTURE_DIR");
  return env && *env ? env : NABLA_FIXTURE_DIR;
}

/// fixture_dir()/file parsed. A file that cannot be opened fails the test (naming the script `maker` in
/// tests/reference that makes it) and gives a null document, which contains no "cases".
inline nlohmann::json load_fixture(const std::string& file, const std::string& maker) {
  const std::string path = fixture_dir() + "/" + file;
  std::ifstream f(path);
  EXPECT_TRUE(f.good()) << "cannot open " << path << " (make it with tests/reference/" << maker << ")";
  return f.good() ? nlohmann::json::parse(f) : nlohmann::json();
}

/// A tensor stored as {"shape", "dtype", "data"}: int64, float32 or (any other dtype) float64.
inline Tensor decode(const nlohmann::json& j) {
  const std::vector<int64_t> shape = j.at("shape").get<std::vector<int64_t>>();
  const std::string dtype = j.at("dtype");
  if (dtype == "int64")
    return tensor(j.at("data").get<std::vector<int64_t>>(), TensorOptions().dtype(kInt64)).reshape(shape);
  Tensor t = tensor(j.at("data").get<std::vector<double>>(), TensorOptions().dtype(kFloat64)).reshape(shape);
  return dtype == "float32" ? t.to(kFloat32) : t;
}

/// The argument `key` of a case's "args" as a pair (a number n is {n, n}); dflt when absent.
inline ExpandingArray2 pair_of(const nlohmann::json& args, const char* key, int64_t dflt) {
  if (!args.contains(key)) return dflt;
  const nlohmann::json& v = args.at(key);
  if (v.is_array()) return {v[0].get<int64_t>(), v[1].get<int64_t>()};
  return v.get<int64_t>();
}

/// got has the shape and dtype of the fixture tensor `want`, and every element is within
/// rtol * max(1, largest |expected element|) of it; `what` names the tensor in failure messages.
inline void expect_rel(const Tensor& got, const nlohmann::json& want, double rtol, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  Tensor w = decode(want);
  ASSERT_EQ(got.sizes().vec(), w.sizes().vec()) << what;
  EXPECT_EQ(got.dtype(), w.dtype()) << what;
  auto g = values(got), e = values(w);
  double scale = 1.0;
  for (double v : e) scale = std::max(scale, std::abs(v));
  for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], e[i], rtol * scale) << what << " at flat index " << i;
}

}  // namespace nabla::testing
