// Replays tests/reference/fixtures/loss_*.json (made by make_loss_fixtures.py with PyTorch 1.13):
// each loss's value and d/d input of sum(out * w), in float64 (1e-10 relative) and float32 (1e-5 relative).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "fixture_util.h"
#include "nabla/nabla.h"

namespace nabla::testing {
namespace {

using json = nlohmann::json;
namespace F = nn::functional;

Reduction reduction_of(const std::string& r) {
  if (r == "none") return kNone;
  if (r == "sum") return kSum;
  return kMean;
}

Tensor run_loss(const json& c, const Tensor& x, const Tensor& t) {
  const std::string fn = c.at("fn");
  const json& a = c.at("args");
  const json& in = c.at("inputs");
  const std::string red_name = a.at("reduction");
  const Reduction red = reduction_of(red_name);
  Tensor weight = in.contains("weight") ? decode(in.at("weight")) : Tensor();
  Tensor pos_weight = in.contains("pos_weight") ? decode(in.at("pos_weight")) : Tensor();
  if (fn == "l1_loss") return F::l1_loss(x, t, F::L1LossFuncOptions().reduction(red));
  if (fn == "smooth_l1_loss")
    return F::smooth_l1_loss(x, t, F::SmoothL1LossFuncOptions().reduction(red).beta(a.at("beta").get<double>()));
  if (fn == "huber_loss")
    return F::huber_loss(x, t, F::HuberLossFuncOptions().reduction(red).delta(a.at("delta").get<double>()));
  if (fn == "binary_cross_entropy")
    return F::binary_cross_entropy(x, t, F::BinaryCrossEntropyFuncOptions().weight(weight).reduction(red));
  if (fn == "binary_cross_entropy_with_logits")
    return F::binary_cross_entropy_with_logits(
        x, t, F::BinaryCrossEntropyWithLogitsFuncOptions().weight(weight).pos_weight(pos_weight).reduction(red));
  if (fn == "nll_loss")
    return F::nll_loss(
        x, t, F::NLLLossFuncOptions().weight(weight).ignore_index(a.value("ignore_index", -100)).reduction(red));
  if (fn == "cross_entropy")
    return F::cross_entropy(x, t,
                            F::CrossEntropyFuncOptions()
                                .weight(weight)
                                .ignore_index(a.value("ignore_index", -100))
                                .label_smoothing(a.value("label_smoothing", 0.0))
                                .reduction(red));
  if (fn == "kl_div") {
    F::KLDivFuncOptions o = red_name == "batchmean" ? F::KLDivFuncOptions(kBatchMean) : F::KLDivFuncOptions(red);
    return F::kl_div(x, t, o.log_target(a.value("log_target", false)));
  }
  ADD_FAILURE() << "no runner for " << fn;
  return Tensor();
}

void expect_matches(const Tensor& got, const json& want, double rtol, double atol, const std::string& what) {
  ASSERT_TRUE(got.defined()) << what;
  EXPECT_EQ(got.sizes().vec(), want.at("shape").get<std::vector<int64_t>>()) << what;
  EXPECT_EQ(got.dtype(), want.at("dtype") == "float32" ? kFloat32 : kFloat64) << what;
  const std::vector<double> g = values(got);
  const std::vector<double> w = want.at("data").get<std::vector<double>>();
  ASSERT_EQ(g.size(), w.size()) << what;
  for (size_t i = 0; i < g.size(); ++i)
    EXPECT_NEAR(g[i], w[i], atol + rtol * std::abs(w[i])) << what << " at flat index " << i;
}

void replay(const std::string& file) {
  const json doc = load_fixture(file, "make_loss_fixtures.py");
  ASSERT_TRUE(doc.contains("cases"));
  ASSERT_GT(doc.at("cases").size(), 0u);
  for (const json& c : doc.at("cases")) {
    const std::string name = c.at("name");
    SCOPED_TRACE(name);
    const bool f32 = c.at("inputs").at("input").at("dtype") == "float32";
    const double rtol = f32 ? 1e-5 : 1e-10, atol = f32 ? 1e-6 : 1e-12;
    Tensor x = decode(c.at("inputs").at("input")).requires_grad_(true);
    Tensor t = decode(c.at("inputs").at("target"));
    Tensor out;
    try {
      out = run_loss(c, x, t);
    } catch (const nabla::Error& e) {
      ADD_FAILURE() << name << " threw: " << e.what();
      continue;
    }
    expect_matches(out, c.at("out"), rtol, atol, name + " value");
    (out * decode(c.at("w"))).sum().backward();
    expect_matches(x.grad(), c.at("grad"), rtol, atol, name + " grad");
  }
}

TEST(LossFixture, Regression) { replay("loss_regression.json"); }
TEST(LossFixture, BinaryCrossEntropy) { replay("loss_bce.json"); }
TEST(LossFixture, NllAndCrossEntropy) { replay("loss_class.json"); }
TEST(LossFixture, KlDiv) { replay("loss_kl.json"); }

}  // namespace
}  // namespace nabla::testing
