// Replays tests/reference/fixtures/layers.json (make_layer_fixtures.py, PyTorch 1.13): conv1d, conv_transpose2d
// and bilinear outputs, first-order gradients of sum(out * w) and second-order gradients of sum(grads * v),
// through the functional forms and (float64 cases) through the modules loaded with the same weights.
// float64 within 1e-10, float32 within 1e-5, relative to the largest expected magnitude.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "fixture_util.h"
#include "nabla/nabla.h"

namespace nabla::testing {
namespace {

using json = nlohmann::json;
namespace F = nn::functional;

std::vector<std::string> arg_names(const std::string& fn) {
  return fn == "bilinear" ? std::vector<std::string>{"input1", "input2", "weight", "bias"}
                          : std::vector<std::string>{"input", "weight", "bias"};
}

F::ConvTranspose2dFuncOptions conv_t_options(const json& a) {
  return F::ConvTranspose2dFuncOptions()
      .stride(pair_of(a, "stride", 1))
      .padding(pair_of(a, "padding", 0))
      .output_padding(pair_of(a, "output_padding", 0))
      .dilation(pair_of(a, "dilation", 1))
      .groups(a.value("groups", 1));
}

// The functional form on tensors t (by argument name; bias may be absent).
Tensor run_functional(const std::string& fn, const json& a, std::map<std::string, Tensor>& t) {
  if (fn == "conv1d")
    return F::conv1d(t["input"], t["weight"],
                     F::Conv1dFuncOptions()
                         .bias(t["bias"])
                         .stride(a.value("stride", 1))
                         .padding(a.value("padding", 0))
                         .dilation(a.value("dilation", 1))
                         .groups(a.value("groups", 1)));
  if (fn == "conv_transpose2d") return F::conv_transpose2d(t["input"], t["weight"], conv_t_options(a).bias(t["bias"]));
  return F::bilinear(t["input1"], t["input2"], t["weight"], t["bias"]);
}

// The module built from the case's options, its weight and bias loaded through load_state_dict.
Tensor run_module(const std::string& fn, const json& a, std::map<std::string, Tensor>& t) {
  const bool has_bias = t["bias"].defined();
  const Tensor& w = t["weight"];
  OrderedDict<std::string, Tensor> sd;
  sd.insert("weight", w.detach());
  if (has_bias) sd.insert("bias", t["bias"].detach());
  auto load_and_run = [&](auto module, auto&& forward) {
    module->to(kFloat64);
    module->load_state_dict(sd);
    return forward(module);
  };
  if (fn == "conv1d") {
    const int64_t groups = a.value("groups", 1);
    return load_and_run(nn::Conv1d(nn::Conv1dOptions(w.size(1) * groups, w.size(0), w.size(2))
                                       .stride(a.value("stride", 1))
                                       .padding(a.value("padding", 0))
                                       .dilation(a.value("dilation", 1))
                                       .groups(groups)
                                       .bias(has_bias)),
                        [&](auto& m) { return m->forward(t["input"]); });
  }
  if (fn == "conv_transpose2d") {
    const int64_t groups = a.value("groups", 1);
    return load_and_run(
        nn::ConvTranspose2d(nn::ConvTranspose2dOptions(w.size(0), w.size(1) * groups, {w.size(2), w.size(3)})
                                .stride(pair_of(a, "stride", 1))
                                .padding(pair_of(a, "padding", 0))
                                .output_padding(pair_of(a, "output_padding", 0))
                                .dilation(pair_of(a, "dilation", 1))
                                .groups(groups)
                                .bias(has_bias)),
        [&](auto& m) { return m->forward(t["input"]); });
  }
  return load_and_run(nn::Bilinear(nn::BilinearOptions(w.size(1), w.size(2), w.size(0)).bias(has_bias)),
                      [&](auto& m) { return m->forward(t["input1"], t["input2"]); });
}

TEST(LayerFixture, MatchesTorchToSecondOrder) {
  const json root = load_fixture("layers.json", "make_layer_fixtures.py");
  ASSERT_TRUE(root.contains("cases"));
  std::map<std::string, int> per_fn;
  for (const json& c : root.at("cases")) {
    const std::string name = c.at("name"), fn = c.at("fn");
    SCOPED_TRACE(name);
    const json& in = c.at("inputs");
    const double rtol = c.at("dtype") == "float64" ? 1e-10 : 1e-5;
    std::map<std::string, Tensor> t;
    autograd::tensor_list leaves, vs;
    std::vector<std::string> keys;
    for (const std::string& k : arg_names(fn)) {
      if (!in.contains(k)) continue;
      t[k] = decode(in.at(k)).requires_grad_(true);
      leaves.push_back(t[k]);
      vs.push_back(decode(c.at("v").at(k)));
      keys.push_back(k);
    }
    Tensor out = run_functional(fn, c.at("args"), t);
    expect_rel(out, c.at("out"), rtol, "out");
    autograd::tensor_list grads = autograd::grad({(out * decode(in.at("w"))).sum()}, leaves, {}, true, true);
    Tensor s;
    for (size_t i = 0; i < keys.size(); ++i) {
      expect_rel(grads[i], c.at("grads").at(keys[i]), rtol, "grad " + keys[i]);
      if (grads[i].requires_grad()) s = s.defined() ? s + (grads[i] * vs[i]).sum() : (grads[i] * vs[i]).sum();
    }
    ASSERT_TRUE(s.defined());
    autograd::tensor_list g2 = autograd::grad({s}, leaves, {}, false, false, /*allow_unused=*/true);
    for (size_t i = 0; i < keys.size(); ++i) {
      Tensor g = g2[i].defined() ? g2[i] : zeros_like(leaves[i]);
      expect_rel(g, c.at("grad2").at(keys[i]), rtol, "grad2 " + keys[i]);
    }
    if (c.at("dtype") == "float64") {
      NoGradGuard no_grad;
      expect_rel(run_module(fn, c.at("args"), t), c.at("out"), rtol, "module out");
    }
    ++per_fn[fn];
  }
  EXPECT_EQ(per_fn["conv1d"], 6);
  EXPECT_EQ(per_fn["conv_transpose2d"], 8);
  EXPECT_EQ(per_fn["bilinear"], 6);
}

}  // namespace
}  // namespace nabla::testing
