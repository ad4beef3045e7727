// Replays tests/reference/fixtures/sched.json (made by PyTorch 1.13): every scheduler and option set on an
// optimizer with two param groups, comparing each group's lr (and OneCycleLR's momentum / beta1) after construction
// and after each of 30 steps within 1e-12 (on x86-64 they match bit for bit; the tolerance allows FMA contraction).
#include <memory>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "fixture_util.h"
#include "nabla/optim.h"

namespace {

using json = nlohmann::json;
using namespace nabla;

json load_fixture() { return nabla::testing::load_fixture("sched.json", "make_sched_fixtures.py"); }

std::unique_ptr<optim::Optimizer> make_optimizer(const json& c, std::vector<Tensor>& params) {
  std::vector<optim::OptimizerParamGroup> groups;
  for (const auto& g : c["groups"]) {
    params.push_back(zeros({2}, TensorOptions().dtype(kFloat64)).requires_grad_(true));
    if (c["optimizer"] == "SGD") {
      auto o = std::make_unique<optim::SGDOptions>(g["lr"].get<double>());
      if (g.contains("momentum")) o->momentum(g["momentum"].get<double>());
      groups.emplace_back(std::vector<Tensor>{params.back()}, std::move(o));
    } else {
      auto o = std::make_unique<optim::AdamOptions>(g["lr"].get<double>());
      if (g.contains("betas")) o->betas(std::make_tuple(g["betas"][0].get<double>(), g["betas"][1].get<double>()));
      groups.emplace_back(std::vector<Tensor>{params.back()}, std::move(o));
    }
  }
  if (c["optimizer"] == "SGD") return std::make_unique<optim::SGD>(std::move(groups), optim::SGDOptions(0.5));
  return std::make_unique<optim::Adam>(std::move(groups), optim::AdamOptions(0.5));
}

double momentum_of(const optim::OptimizerParamGroup& g) {
  if (auto* s = dynamic_cast<const optim::SGDOptions*>(&g.options())) return s->momentum();
  return std::get<0>(dynamic_cast<const optim::AdamOptions&>(g.options()).betas());
}

template <typename T>
T arg(const json& args, const char* key, T fallback) {
  return args.contains(key) ? args[key].get<T>() : fallback;
}

std::vector<double> per_group(const json& v, size_t n) {
  if (v.is_array()) return v.get<std::vector<double>>();
  return std::vector<double>(n, v.get<double>());
}

std::unique_ptr<optim::LRScheduler> make_scheduler(const std::string& kind, const json& a, optim::Optimizer& opt) {
  if (kind == "StepLR")
    return std::make_unique<optim::StepLR>(opt, a["step_size"].get<int64_t>(), arg(a, "gamma", 0.1));
  if (kind == "MultiStepLR")
    return std::make_unique<optim::MultiStepLR>(opt, a["milestones"].get<std::vector<int64_t>>(), arg(a, "gamma", 0.1));
  if (kind == "ExponentialLR") return std::make_unique<optim::ExponentialLR>(opt, a["gamma"].get<double>());
  if (kind == "CosineAnnealingLR")
    return std::make_unique<optim::CosineAnnealingLR>(opt, a["T_max"].get<int64_t>(), arg(a, "eta_min", 0.0));
  if (kind == "LinearLR")
    return std::make_unique<optim::LinearLR>(opt, arg(a, "start_factor", 1.0 / 3), arg(a, "end_factor", 1.0),
                                             arg(a, "total_iters", int64_t{5}));
  if (kind == "OneCycleLR") {
    using S = optim::OneCycleLR::AnnealStrategy;
    return std::make_unique<optim::OneCycleLR>(
        opt, per_group(a["max_lr"], opt.param_groups().size()), a["total_steps"].get<int64_t>(),
        arg(a, "pct_start", 0.3), arg(a, "anneal_strategy", std::string("cos")) == "cos" ? S::cos : S::linear,
        arg(a, "cycle_momentum", true), arg(a, "base_momentum", 0.85), arg(a, "max_momentum", 0.95),
        arg(a, "div_factor", 25.0), arg(a, "final_div_factor", 1e4), arg(a, "three_phase", false));
  }
  ADD_FAILURE() << "unknown scheduler " << kind;
  return nullptr;
}

std::unique_ptr<optim::ReduceLROnPlateau> make_plateau(const json& a, optim::Optimizer& opt) {
  using P = optim::ReduceLROnPlateau;
  std::vector<double> min_lr;
  if (a.contains("min_lr")) min_lr = per_group(a["min_lr"], opt.param_groups().size());
  return std::make_unique<P>(opt, arg(a, "mode", std::string("min")) == "min" ? P::min : P::max, arg(a, "factor", 0.1),
                             arg(a, "patience", int64_t{10}), arg(a, "threshold", 1e-4),
                             arg(a, "threshold_mode", std::string("rel")) == "rel" ? P::rel : P::abs,
                             arg(a, "cooldown", int64_t{0}), min_lr, arg(a, "eps", 1e-8));
}

void expect_row(const std::vector<double>& got, const json& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t g = 0; g < got.size(); ++g) EXPECT_NEAR(got[g], want[g].get<double>(), 1e-12) << what << " group " << g;
}

TEST(SchedFixture, MatchesPyTorch) {
  json fx = load_fixture();
  ASSERT_TRUE(fx.contains("cases"));
  ASSERT_GE(fx["cases"].size(), 20u);
  for (const auto& c : fx["cases"]) {
    const std::string name = c["name"], kind = c["scheduler"];
    SCOPED_TRACE(name);
    std::vector<Tensor> params;
    auto opt = make_optimizer(c, params);
    const json& a = c["args"];
    const json& lrs = c["lrs"];
    std::unique_ptr<optim::LRScheduler> sched;
    std::unique_ptr<optim::ReduceLROnPlateau> plateau;
    if (kind == "ReduceLROnPlateau")
      plateau = make_plateau(a, *opt);
    else
      sched = make_scheduler(kind, a, *opt);
    ASSERT_TRUE(sched || plateau);
    auto current = [&] {
      std::vector<double> v;
      for (const auto& g : opt->param_groups()) v.push_back(g.options().get_lr());
      return v;
    };
    auto momenta = [&] {
      std::vector<double> v;
      for (const auto& g : opt->param_groups()) v.push_back(momentum_of(g));
      return v;
    };
    for (size_t i = 0; i < lrs.size(); ++i) {
      if (i > 0) {
        for (auto& p : params) p.set_grad(ones_like(p));
        opt->step();
        if (plateau)
          plateau->step(c["metrics"][i - 1].get<double>());
        else
          sched->step();
      }
      const std::string at = name + " step " + std::to_string(i);
      expect_row(current(), lrs[i], at);
      expect_row(plateau ? plateau->get_last_lr() : sched->get_last_lr(), lrs[i], at + " get_last_lr");
      if (c.contains("momentum")) expect_row(momenta(), c["momentum"][i], at + " momentum");
    }
  }
}

}  // namespace
