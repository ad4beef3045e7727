// Replays tests/reference/fixtures/norm.json (made by make_norm_fixtures.py with PyTorch 1.13): BatchNorm1d/2d
// over two training steps (outputs, input / weight / bias gradients, running statistics) and in eval mode;
// layer_norm, group_norm and embedding outputs and gradients. float64 1e-10 relative, float32 1e-5 relative.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "fixture_util.h"
#include "nabla/nabla.h"

namespace nabla::testing {
namespace {

using json = nlohmann::json;
namespace F = nn::functional;

json load_norm() { return load_fixture("norm.json", "make_norm_fixtures.py"); }

void expect_matches(const Tensor& got, const json& want, bool f32, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  const std::vector<double> w = want.at("data").get<std::vector<double>>();
  // float32: 1e-5 relative to the element or, for sums over the batch that cancel (parameter gradients),
  // to the tensor's largest element; float64: 1e-10 relative.
  double scale = 0;
  for (double v : w) scale = std::max(scale, std::abs(v));
  const double rtol = f32 ? 1e-5 : 1e-10, atol = f32 ? 1e-5 * std::max(1.0, scale) : 1e-12;
  EXPECT_EQ(got.sizes().vec(), want.at("shape").get<std::vector<int64_t>>()) << what;
  EXPECT_EQ(got.dtype(), want.at("dtype") == "float32" ? kFloat32 : kFloat64) << what;
  const std::vector<double> g = values(got);
  ASSERT_EQ(g.size(), w.size()) << what;
  for (size_t i = 0; i < g.size(); ++i)
    EXPECT_NEAR(g[i], w[i], atol + rtol * std::abs(w[i])) << what << " at flat index " << i;
}

bool is_f32(const std::string& name) { return name.ends_with("/float32"); }

TEST(NormFixture, BatchNormTwoTrainingStepsThenEval) {
  const json doc = load_norm();
  int n = 0;
  for (const auto& [name, c] : doc.items()) {
    if (!name.starts_with("batch_norm/")) continue;
    SCOPED_TRACE(name);
    ++n;
    const bool f32 = is_f32(name);
    const Tensor x1 = decode(c.at("x1"));
    const int64_t ch = x1.size(1);
    nn::BatchNormOptions o(ch);
    o.affine(c.at("affine")).track_running_stats(c.at("track_running_stats"));
    if (c.at("momentum").is_null())
      o.momentum(std::nullopt);
    else
      o.momentum(c.at("momentum").get<double>());
    std::shared_ptr<nn::BatchNormImplBase> m;
    if (c.at("class") == "BatchNorm1d")
      m = nn::BatchNorm1d(o).ptr();
    else
      m = nn::BatchNorm2d(o).ptr();
    m->to(f32 ? kFloat32 : kFloat64);
    if (o.affine()) {
      NoGradGuard g;
      m->weight.copy_(decode(c.at("weight")));
      m->bias.copy_(decode(c.at("bias")));
    }
    expect_matches(m->forward(x1), c.at("out1"), f32, "out1");
    Tensor x2 = decode(c.at("x2")).requires_grad_(true);
    Tensor out2 = m->forward(x2);
    expect_matches(out2, c.at("out2"), f32, "out2");
    weighted(out2).backward();
    expect_matches(x2.grad(), c.at("grad_x2"), f32, "grad x2");
    if (o.affine()) {
      expect_matches(m->weight.grad(), c.at("grad_weight"), f32, "grad weight");
      expect_matches(m->bias.grad(), c.at("grad_bias"), f32, "grad bias");
    }
    if (o.track_running_stats()) {
      expect_matches(m->running_mean, c.at("running_mean"), f32, "running_mean");
      expect_matches(m->running_var, c.at("running_var"), f32, "running_var");
      EXPECT_EQ(m->num_batches_tracked.item<int64_t>(), c.at("num_batches_tracked").get<int64_t>());
      EXPECT_EQ(m->num_batches_tracked.dtype(), kInt64);
    } else {
      EXPECT_FALSE(m->running_mean.defined());
    }
    m->eval();
    expect_matches(m->forward(decode(c.at("x3"))), c.at("eval_out"), f32, "eval out");
  }
  EXPECT_EQ(n, 12);
}

TEST(NormFixture, FunctionalLayerGroupNormAndEmbedding) {
  const json doc = load_norm();
  int n = 0;
  for (const auto& [name, c] : doc.items()) {
    if (name.starts_with("batch_norm/")) continue;
    SCOPED_TRACE(name);
    ++n;
    const bool f32 = is_f32(name);
    const json& in = c.at("inputs");
    const json& a = c.at("args");
    std::map<std::string, Tensor> t;
    for (const auto& [k, v] : in.items()) {
      t[k] = decode(v);
      if (t[k].is_floating_point()) t[k].requires_grad_(true);
    }
    Tensor w = t.count("weight") ? t["weight"] : Tensor();
    Tensor b = t.count("bias") ? t["bias"] : Tensor();
    Tensor out;
    if (name.starts_with("layer_norm/")) {
      out = F::layer_norm(t["input"], F::LayerNormFuncOptions(a.at("normalized_shape").get<std::vector<int64_t>>())
                                          .weight(w)
                                          .bias(b)
                                          .eps(a.at("eps")));
    } else if (name.starts_with("group_norm/")) {
      out = F::group_norm(t["input"], F::GroupNormFuncOptions(a.at("num_groups").get<int64_t>()).weight(w).bias(b).eps(
                                          a.at("eps")));
    } else {
      F::EmbeddingFuncOptions o;
      if (a.contains("padding_idx")) o.padding_idx(a.at("padding_idx").get<int64_t>());
      out = F::embedding(t["input"], w, o);
    }
    expect_matches(out, c.at("out"), f32, "out");
    weighted(out).backward();
    for (const auto& [k, v] : c.at("grads").items()) expect_matches(t[k].grad(), v, f32, "grad " + k);
  }
  EXPECT_EQ(n, 18);
}

}  // namespace
}  // namespace nabla::testing
