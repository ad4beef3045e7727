// Replays tests/reference/fixtures/optim.json (made by PyTorch 1.13): 20 steps of every optimizer and option
// combination on loss = sum((A w - b)^2) + sum(v^2 * c), in float64, compared within 1e-12 (the fused loops
// follow ATen's operation order).
#include <map>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "fixture_util.h"
#include "nabla/optim.h"

namespace {

using json = nlohmann::json;
using namespace nabla;
using nabla::testing::values;

json load_fixture() { return nabla::testing::load_fixture("optim.json", "make_optim_fixtures.py"); }

Tensor matrix(const json& rows) {
  std::vector<double> data;
  for (const auto& r : rows)
    for (double x : r) data.push_back(x);
  auto n_rows = static_cast<int64_t>(rows.size());
  return tensor(data, TensorOptions().dtype(kFloat64)).reshape({n_rows, static_cast<int64_t>(data.size()) / n_rows});
}

// Sets every option named in `o` on opts; fails the test on a key the optimizer does not have.
void apply(optim::SGDOptions& opts, const json& o) {
  for (auto& [k, v] : o.items()) {
    if (k == "lr")
      opts.lr(v.get<double>());
    else if (k == "momentum")
      opts.momentum(v.get<double>());
    else if (k == "dampening")
      opts.dampening(v.get<double>());
    else if (k == "weight_decay")
      opts.weight_decay(v.get<double>());
    else if (k == "nesterov")
      opts.nesterov(v.get<bool>());
    else
      ADD_FAILURE() << "SGD has no option " << k;
  }
}
template <typename O>  // AdamOptions, AdamWOptions
void apply_adam(O& opts, const json& o) {
  for (auto& [k, v] : o.items()) {
    if (k == "lr")
      opts.lr(v.template get<double>());
    else if (k == "betas")
      opts.betas({v[0].template get<double>(), v[1].template get<double>()});
    else if (k == "eps")
      opts.eps(v.template get<double>());
    else if (k == "weight_decay")
      opts.weight_decay(v.template get<double>());
    else if (k == "amsgrad")
      opts.amsgrad(v.template get<bool>());
    else
      ADD_FAILURE() << "Adam has no option " << k;
  }
}
void apply(optim::AdamOptions& opts, const json& o) { apply_adam(opts, o); }
void apply(optim::AdamWOptions& opts, const json& o) { apply_adam(opts, o); }
void apply(optim::RMSpropOptions& opts, const json& o) {
  for (auto& [k, v] : o.items()) {
    if (k == "lr")
      opts.lr(v.get<double>());
    else if (k == "alpha")
      opts.alpha(v.get<double>());
    else if (k == "eps")
      opts.eps(v.get<double>());
    else if (k == "weight_decay")
      opts.weight_decay(v.get<double>());
    else if (k == "momentum")
      opts.momentum(v.get<double>());
    else if (k == "centered")
      opts.centered(v.get<bool>());
    else
      ADD_FAILURE() << "RMSprop has no option " << k;
  }
}
void apply(optim::AdagradOptions& opts, const json& o) {
  for (auto& [k, v] : o.items()) {
    if (k == "lr")
      opts.lr(v.get<double>());
    else if (k == "lr_decay")
      opts.lr_decay(v.get<double>());
    else if (k == "weight_decay")
      opts.weight_decay(v.get<double>());
    else if (k == "initial_accumulator_value")
      opts.initial_accumulator_value(v.get<double>());
    else if (k == "eps")
      opts.eps(v.get<double>());
    else
      ADD_FAILURE() << "Adagrad has no option " << k;
  }
}

// Groups without overrides are passed without options (the optimizer clones its defaults), the others with
// the defaults plus their overrides, as PyTorch fills a group's missing keys from the defaults.
template <typename Opt, typename Options>
std::unique_ptr<optim::Optimizer> build(const json& c, std::map<std::string, Tensor>& params, Options defaults) {
  apply(defaults, c["options"]);
  std::vector<optim::OptimizerParamGroup> groups;
  for (const auto& g : c["groups"]) {
    std::vector<Tensor> ps;
    for (const auto& n : g["params"]) ps.push_back(params.at(n.get<std::string>()));
    if (g["options"].empty()) {
      groups.emplace_back(ps);
    } else {
      Options o = defaults;
      apply(o, g["options"]);
      groups.emplace_back(ps, std::make_unique<Options>(o));
    }
  }
  return std::make_unique<Opt>(groups, defaults);
}

std::unique_ptr<optim::Optimizer> make_optimizer(const json& c, std::map<std::string, Tensor>& params) {
  const std::string name = c["optimizer"];
  if (name == "SGD") return build<optim::SGD>(c, params, optim::SGDOptions(0));
  if (name == "Adam") return build<optim::Adam>(c, params, optim::AdamOptions());
  if (name == "AdamW") return build<optim::AdamW>(c, params, optim::AdamWOptions());
  if (name == "RMSprop") return build<optim::RMSprop>(c, params, optim::RMSpropOptions());
  if (name == "Adagrad") return build<optim::Adagrad>(c, params, optim::AdagradOptions());
  ADD_FAILURE() << "unknown optimizer " << name;
  return nullptr;
}

TEST(OptimFixture, MatchesPyTorch) {
  const json doc = load_fixture();
  ASSERT_TRUE(doc.contains("cases"));
  const json& pb = doc["problem"];
  const Tensor a = matrix(pb["A"]), b = matrix(pb["b"]), c = matrix(pb["c"]);
  std::set<std::string> optimizers;
  for (const auto& cs : doc["cases"]) {
    const std::string name = cs["name"];
    SCOPED_TRACE(name);
    std::map<std::string, Tensor> params{{"w", matrix(pb["w0"]).requires_grad_(true)},
                                         {"v", matrix(pb["v0"]).requires_grad_(true)}};
    auto opt = make_optimizer(cs, params);
    ASSERT_TRUE(opt);
    for (int s = 0; s < cs["steps"].get<int>(); ++s) {
      opt->zero_grad();
      Tensor w = params["w"], v = params["v"];
      Tensor loss = (a.matmul(w) - b).pow(2).sum() + (v.pow(2) * c).sum();
      loss.backward();
      opt->step();
    }
    const auto want_w = cs["w"].get<std::vector<double>>();
    const auto want_v = cs["v"].get<std::vector<double>>();
    nabla::testing::expect_close(params["w"], want_w, 1e-12);
    nabla::testing::expect_close(params["v"], want_v, 1e-12);
    // The parameters moved: a fixture equal to the start would make this test vacuous.
    EXPECT_NE(values(params["w"]), values(matrix(pb["w0"])));
    optimizers.insert(cs["optimizer"].get<std::string>());
  }
  EXPECT_EQ(optimizers, (std::set<std::string>{"SGD", "Adam", "AdamW", "RMSprop", "Adagrad"}));
}

// float32 runs the same fused loops in float: it must track the float64 result closely.
TEST(OptimFixture, Float32TracksFloat64) {
  const json doc = load_fixture();
  ASSERT_TRUE(doc.contains("cases"));
  const json& pb = doc["problem"];
  for (const auto& cs : doc["cases"]) {
    SCOPED_TRACE(cs["name"].get<std::string>());
    const Tensor a = matrix(pb["A"]).to(kFloat32), b = matrix(pb["b"]).to(kFloat32), c = matrix(pb["c"]).to(kFloat32);
    std::map<std::string, Tensor> params{{"w", matrix(pb["w0"]).to(kFloat32).requires_grad_(true)},
                                         {"v", matrix(pb["v0"]).to(kFloat32).requires_grad_(true)}};
    auto opt = make_optimizer(cs, params);
    ASSERT_TRUE(opt);
    for (int s = 0; s < cs["steps"].get<int>(); ++s) {
      opt->zero_grad();
      Tensor loss = (a.matmul(params["w"]) - b).pow(2).sum() + (params["v"].pow(2) * c).sum();
      loss.backward();
      opt->step();
    }
    EXPECT_EQ(params["w"].dtype(), kFloat32);
    nabla::testing::expect_close(params["w"], cs["w"].get<std::vector<double>>(), 1e-4);
    nabla::testing::expect_close(params["v"], cs["v"].get<std::vector<double>>(), 1e-4);
  }
}

}  // namespace
