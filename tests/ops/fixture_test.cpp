// Every op against PyTorch: forward values, first-order gradients and second derivatives recorded by
// tests/reference/make_fixtures.py (float32 and float64, broadcast and non-contiguous inputs).
//
// One test per op (Fixture/FixtureOp.MatchesPyTorch/<op>); each failing case is reported by name
// ("add/broadcast/float32 grad of input 1: ...") with the largest error.
// Tolerances: float32 cases |a - e| <= 1e-6 + 1e-5 |e| (also for the float64 tensors of mixed-dtype float32
// cases), with 1e-6 raised to the fixture's "atol" where PyTorch's own float32 error (against float64) was larger;
// float64 cases |a - e| <= 1e-12 + 1e-10 |e|; ints and bools exact. Tensors over 4096 elements are
// checked through a digest (weighted sum and samples, see compare_digest).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fixture_util.h"
#include "nabla/nabla.h"
#include "ops/fixture_ops.h"

namespace nabla::testing {
namespace {

using json = nlohmann::json;

const char* const kFamilies[] = {"elementwise", "activation", "compare", "reduce", "linalg",
                                 "shape",       "loss",       "large",   "edge",   "int"};
constexpr uint64_t kDigestSeed = 2463534242u;  // DIGEST_SEED in make_fixtures.py

struct Fixtures {
  std::vector<json> cases;
  std::string error;  // why a file did not load
};

/// The cases of the fixture files; with `op`, only files that mention it are parsed (ctest runs every op's test
/// in its own process, and the files are about 1 MB of JSON).
Fixtures load_fixtures(const std::string& op = {}) {
  Fixtures r;
  const std::string needle = "\"op\":\"" + op + "\"";
  for (const char* fam : kFamilies) {
    const std::string path = fixture_dir() + "/" + fam + ".json";
    std::ifstream in(path);
    if (!in) {
      r.error += "cannot open " + path + "; ";
      continue;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    if (!op.empty() && text.find(needle) == std::string::npos) continue;
    try {
      json doc = json::parse(text);
      for (auto& c : doc.at("cases")) r.cases.push_back(std::move(c));
    } catch (const std::exception& e) {
      r.error += path + ": " + e.what() + "; ";
    }
  }
  return r;
}

ScalarType parse_dtype(const std::string& s) {
  if (s == "float32") return kFloat32;
  if (s == "float64") return kFloat64;
  if (s == "int64") return kInt64;
  if (s == "bool") return kBool;
  NABLA_FAIL("fixture: unknown dtype '", s, "'");
}

std::vector<double> json_values(const json& data) {
  std::vector<double> v;
  v.reserve(data.size());
  for (const auto& x : data) v.push_back(x.is_boolean() ? double(x.get<bool>()) : x.get<double>());
  return v;
}

/// make_fixtures.py's gen_values, bit for bit: k = (i * 2654435761 + seed) mod 2^32, lo + (hi - lo) * (k / 2^32).
std::vector<double> gen_values(uint64_t seed, int64_t n, double lo, double hi) {
  std::vector<double> v(size_t(std::max<int64_t>(n, 0)));
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t k = (uint64_t(i) * 2654435761u + seed) & 0xFFFFFFFFu;
    v[size_t(i)] = lo + (hi - lo) * (double(k) / 4294967296.0);
  }
  return v;
}

/// The values of a "gen" object ({seed, lo, hi} and, for bools, below: value < below).
std::vector<double> gen_values(const json& g, int64_t n) {
  auto v = gen_values(g.at("seed").get<uint64_t>(), n, g.at("lo").get<double>(), g.at("hi").get<double>());
  if (g.contains("below")) {
    const double below = g.at("below").get<double>();
    for (auto& x : v) x = x < below ? 1.0 : 0.0;
  }
  return v;
}

int64_t numel_of(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

/// Writes `values` (row-major over the storage) into t's memory; t's storage must be exactly numel long.
void fill_storage(const Tensor& t, const std::vector<double>& values) {
  NABLA_CHECK(int64_t(values.size()) == t.numel(), "fixture: ", values.size(), " values for ", t.numel(), " elements");
  NABLA_DISPATCH_ALL(t.dtype(), "fixture", [&] {
    auto* p = static_cast<scalar_t*>(t.data_ptr());
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<scalar_t>(values[i]);
  });
}

/// Reads t's values in logical row-major order, whatever its strides (uses no op under test).
std::vector<double> read_values(const Tensor& t) {
  const auto sizes = t.sizes().vec();
  const auto strides = t.strides().vec();
  const int64_t n = t.numel();
  std::vector<double> out(n);
  NABLA_DISPATCH_ALL(t.dtype(), "fixture", [&] {
    const auto* p = static_cast<const scalar_t*>(t.data_ptr());
    std::vector<int64_t> idx(sizes.size(), 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t off = 0;
      for (size_t d = 0; d < sizes.size(); ++d) off += idx[d] * strides[d];
      out[i] = static_cast<double>(p[off]);
      for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
        if (++idx[d] < sizes[d]) break;
        idx[d] = 0;
      }
    }
  });
  return out;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
  return os.str();
}

/// A contiguous tensor of `shape` with `data`; (d0, d1) in `transpose` gives base.transpose(d0, d1) instead,
/// built with empty_strided so that it is a non-contiguous leaf.
Tensor make_tensor(const std::vector<double>& values, const std::vector<int64_t>& shape, ScalarType dtype,
                   const json* transpose = nullptr) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d) strides[d] = strides[d + 1] * shape[d + 1];
  std::vector<int64_t> sizes = shape;
  if (transpose && !transpose->is_null()) {
    const int64_t nd = int64_t(shape.size());
    const int64_t d0 = ((*transpose)[0].get<int64_t>() + nd) % nd, d1 = ((*transpose)[1].get<int64_t>() + nd) % nd;
    std::swap(sizes[d0], sizes[d1]);
    std::swap(strides[d0], strides[d1]);
  }
  Tensor t = empty_strided(sizes, strides, TensorOptions().dtype(dtype));
  fill_storage(t, values);
  if (transpose && !transpose->is_null() && t.numel() > 1) {
    NABLA_CHECK(!t.is_contiguous(), "fixture: a transposed input of shape ", shape_str(sizes), " came out contiguous");
  }
  return t;
}

Tensor make_input(const json& in) {
  const json* tr = in.contains("transpose") ? &in.at("transpose") : nullptr;
  const auto shape = in.at("shape").get<std::vector<int64_t>>();
  const auto values = in.contains("gen") ? gen_values(in.at("gen"), numel_of(shape)) : json_values(in.at("data"));
  Tensor t = make_tensor(values, shape, parse_dtype(in.at("dtype")), tr);
  if (in.value("requires_grad", false)) t.requires_grad_(true);
  return t;
}

std::vector<int64_t> logical_shape(const json& in) {
  auto shape = in.at("shape").get<std::vector<int64_t>>();
  if (in.contains("transpose")) {
    const int64_t nd = int64_t(shape.size());
    std::swap(shape[(in.at("transpose")[0].get<int64_t>() + nd) % nd],
              shape[(in.at("transpose")[1].get<int64_t>() + nd) % nd]);
  }
  return shape;
}

/// A large tensor's check (make_fixtures.py's enc): the sampled elements within the element tolerance, and the
/// weighted sum sum_i t_i r_i (|r_i| <= 1) within sum_i (atol + rtol |t_i|), the sum of the per-element
/// tolerances: rounding cannot move it further; a wrong or missing block of elements does.
std::string compare_digest(const std::vector<double>& got, const json& d, bool exact, bool f32, double rtol,
                           double atol) {
  const int64_t n = d.at("n").get<int64_t>();
  if (int64_t(got.size()) != n) return "fixture digest has " + std::to_string(n) + " values";
  std::ostringstream os;
  os.precision(17);
  int nbad = 0;
  for (const auto& sample : d.at("samples")) {
    const int64_t i = sample[0].get<int64_t>();
    const double raw = sample[1].is_boolean() ? double(sample[1].get<bool>()) : sample[1].get<double>();
    const double e = f32 ? double(float(raw)) : raw;
    const double err = std::fabs(got[size_t(i)] - e);
    const bool ok = exact ? got[size_t(i)] == e : err <= atol + rtol * std::fabs(e);
    if (!ok && nbad++ < 3) os << "element " << i << ": got " << got[size_t(i)] << ", expected " << e << "; ";
  }
  const auto r = gen_values(kDigestSeed, n, -1.0, 1.0);
  double wsum = 0, abssum = 0;
  for (int64_t i = 0; i < n; ++i) {
    wsum += got[size_t(i)] * r[size_t(i)];
    abssum += std::fabs(got[size_t(i)]);
  }
  const double want_w = d.at("wsum").get<double>(), want_abs = d.at("abssum").get<double>();
  const double tol = rtol * want_abs + atol * double(n);  // the sum of the per-element tolerances
  if (!(std::fabs(wsum - want_w) <= tol)) {
    ++nbad;
    os << "weighted sum " << wsum << ", expected " << want_w << " (err " << std::fabs(wsum - want_w) << " > " << tol
       << "); ";
  }
  if (!(std::fabs(abssum - want_abs) <= tol)) {
    ++nbad;
    os << "sum of |values| " << abssum << ", expected " << want_abs << "; ";
  }
  return nbad ? "digest of " + std::to_string(n) + " elements differs: " + os.str() : std::string();
}

/// Empty when `actual` matches; else what differs (shape, dtype, or the worst element and the max errors).
/// `f32_tol`: the case computes in float32 (a float64 tensor of a mixed case can carry float32 rounding).
/// `min_atol` (the fixture's "atol"): PyTorch's own float32 rounding was larger than the default atol here.
std::string compare(const Tensor& actual, const std::vector<int64_t>& shape, const json& data, ScalarType dtype,
                    bool f32_tol, double min_atol = 0) {
  if (!actual.defined()) return "undefined tensor";
  if (actual.dtype() != dtype) {
    std::ostringstream os;
    os << "dtype " << actual.dtype() << ", expected " << dtype;
    return os.str();
  }
  if (actual.sizes().vec() != shape)
    return "shape " + shape_str(actual.sizes().vec()) + ", expected " + shape_str(shape);
  const std::vector<double> got = read_values(actual);
  const bool exact = !is_floating_point(dtype);
  const bool f32 = dtype == kFloat32;
  const double rtol = f32_tol ? 1e-5 : 1e-10, atol = std::max(f32_tol ? 1e-6 : 1e-12, min_atol);
  if (data.is_object()) return compare_digest(got, data, exact, f32, rtol, atol);
  const std::vector<double> want = json_values(data);
  if (got.size() != want.size()) return "fixture has " + std::to_string(want.size()) + " values";
  double max_abs = 0, max_rel = 0;
  int64_t bad = -1, nbad = 0;
  double worst_excess = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double e = f32 ? double(float(want[i])) : want[i];
    const double err = std::fabs(got[i] - e);
    const bool ok = exact ? got[i] == e : (err <= atol + rtol * std::fabs(e));
    if (!std::isnan(err)) {
      max_abs = std::max(max_abs, err);
      if (e != 0) max_rel = std::max(max_rel, err / std::fabs(e));
    }
    if (!ok) {
      ++nbad;
      const double excess = std::isnan(err) ? INFINITY : err / (atol + rtol * std::fabs(e));
      if (bad < 0 || excess > worst_excess) bad = int64_t(i), worst_excess = excess;
    }
  }
  if (nbad == 0) return {};
  std::ostringstream os;
  os.precision(17);
  os << nbad << " of " << got.size() << " elements differ; worst at flat index " << bad << ": got " << got[bad]
     << ", expected " << want[bad] << " (max abs err " << max_abs << ", max rel err " << max_rel << ")";
  return os.str();
}

/// Runs one fixture case; returns its failures (empty when it matches PyTorch).
std::vector<std::string> run_case(const json& c, const FixtureOp& op) {
  std::vector<std::string> fails;
  const json& args = c.at("args");
  const bool f32_tol = c.at("dtype").get<std::string>() == "float32";
  TensorList inputs;
  for (const auto& in : c.at("inputs")) inputs.push_back(make_input(in));

  TensorList outs;
  try {
    outs = op(inputs, args);
  } catch (const std::exception& e) {
    return {std::string("forward threw: ") + e.what()};
  }
  const json& jouts = c.at("outputs");
  if (outs.size() != jouts.size()) {
    return {"forward returned " + std::to_string(outs.size()) + " outputs, expected " + std::to_string(jouts.size())};
  }
  for (size_t k = 0; k < outs.size(); ++k) {
    const json& jo = jouts[k];
    auto msg = compare(outs[k], jo.at("shape").get<std::vector<int64_t>>(), jo.at("data"), parse_dtype(jo.at("dtype")),
                       f32_tol, jo.value("atol", 0.0));
    if (!msg.empty()) fails.push_back("output " + std::to_string(k) + ": " + msg);
  }
  if (!c.value("grad", false) || !fails.empty()) return fails;

  // First order: d sum_k(out_k * w_k) / d inputs.
  const bool second = c.value("second_order", false);
  TensorList diff_in, weighted, ws;
  std::vector<const json*> jdiff;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (c.at("inputs")[i].value("requires_grad", false)) {
      diff_in.push_back(inputs[i]);
      jdiff.push_back(&c.at("inputs")[i]);
    }
  }
  for (size_t k = 0; k < outs.size(); ++k) {
    const json& jo = jouts[k];
    if (!jo.contains("w") && !jo.contains("w_gen")) continue;
    const auto shape = jo.at("shape").get<std::vector<int64_t>>();
    const auto w = jo.contains("w") ? json_values(jo.at("w")) : gen_values(jo.at("w_gen"), numel_of(shape));
    weighted.push_back(outs[k]);
    ws.push_back(make_tensor(w, shape, parse_dtype(jo.at("dtype"))));
  }
  TensorList grads;
  try {
    grads =
        autograd::grad(weighted, diff_in, ws, /*retain_graph=*/true, /*create_graph=*/second, /*allow_unused=*/true);
  } catch (const std::exception& e) {
    return {std::string("backward threw: ") + e.what()};
  }
  for (size_t i = 0; i < diff_in.size(); ++i) {
    const json& ji = *jdiff[i];
    const Tensor g =
        grads[i].defined() ? grads[i] : zeros(logical_shape(ji), TensorOptions().dtype(diff_in[i].dtype()));
    auto msg = compare(g, logical_shape(ji), ji.at("grad"), diff_in[i].dtype(), f32_tol, ji.value("grad_atol", 0.0));
    if (!msg.empty()) fails.push_back("grad of input " + std::to_string(i) + ": " + msg);
  }
  if (!second || !fails.empty()) return fails;

  // Second order: d sum_i(grad_i * v_i) / d inputs, through the graph built by create_graph.
  TensorList gs, vs;
  for (size_t i = 0; i < diff_in.size(); ++i) {
    if (!grads[i].defined() || !grads[i].requires_grad()) continue;
    gs.push_back(grads[i]);
    vs.push_back(make_tensor(json_values(jdiff[i]->at("v")), logical_shape(*jdiff[i]), diff_in[i].dtype()));
  }
  TensorList grads2(diff_in.size());
  if (!gs.empty()) {
    try {
      grads2 = autograd::grad(gs, diff_in, vs, std::nullopt, false, /*allow_unused=*/true);
    } catch (const std::exception& e) {
      return {std::string("double backward threw: ") + e.what()};
    }
  }
  for (size_t i = 0; i < diff_in.size(); ++i) {
    const json& ji = *jdiff[i];
    const Tensor g =
        grads2[i].defined() ? grads2[i] : zeros(logical_shape(ji), TensorOptions().dtype(diff_in[i].dtype()));
    auto msg = compare(g, logical_shape(ji), ji.at("grad2"), diff_in[i].dtype(), f32_tol, ji.value("grad2_atol", 0.0));
    if (!msg.empty()) fails.push_back("second derivative of input " + std::to_string(i) + ": " + msg);
  }
  return fails;
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : fixture_ops()) names.push_back(name);
  return names;
}

class FixtureOpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureOpTest, MatchesPyTorch) {
  const std::string& name = GetParam();
  const Fixtures fx = load_fixtures(name);
  ASSERT_TRUE(fx.error.empty()) << fx.error << "(regenerate with /usr/bin/python3 tests/reference/make_fixtures.py)";
  const FixtureOp& op = fixture_ops().at(name);
  int ran = 0, failed = 0;
  for (const auto& c : fx.cases) {
    if (c.at("op").get<std::string>() != name) continue;
    ++ran;
    std::vector<std::string> fails;
    try {
      fails = run_case(c, op);
    } catch (const std::exception& e) {
      fails.push_back(std::string("threw: ") + e.what());
    }
    if (!fails.empty()) ++failed;
    for (const auto& f : fails) ADD_FAILURE() << c.at("name").get<std::string>() << " " << f;
  }
  RecordProperty("cases", ran);
  RecordProperty("failed_cases", failed);
  EXPECT_GT(ran, 0) << "no fixture case for op '" << name << "': add one to tests/reference/make_fixtures.py";
  if (failed) ADD_FAILURE() << name << ": " << failed << " of " << ran << " cases differ from PyTorch";
}

INSTANTIATE_TEST_SUITE_P(Fixture, FixtureOpTest, ::testing::ValuesIn(op_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(FixtureCoverage, EveryFixtureOpHasARunner) {
  const Fixtures fx = load_fixtures();
  ASSERT_TRUE(fx.error.empty()) << fx.error;
  ASSERT_GT(fx.cases.size(), 0u);
  for (const auto& c : fx.cases) {
    EXPECT_TRUE(fixture_ops().count(c.at("op").get<std::string>()))
        << c.at("name").get<std::string>() << ": no runner in tests/ops/fixture_ops.cpp";
  }
}

}  // namespace
}  // namespace nabla::testing
