// Optimizer::state_dict / load_state_dict: 5 steps, state_dict, a fresh model copy and optimizer (built with other
// options, which the dict restores), 5 more steps == an uninterrupted 10-step run, bit for bit; key names and
// values; copies; and every refused dict leaves the optimizer unchanged.
#include <functional>
#include <memory>

#include "optim/resume_util.h"

namespace {

using namespace nabla;
using nabla::testing::copy_params;
using nabla::testing::error_of;
using nabla::testing::expect_params_equal;
using nabla::testing::expect_same_dict;
using nabla::testing::make_params;
using nabla::testing::train_step;
using nabla::testing::values;

// Builds an optimizer over p in two groups ({w1, b1} and {w2, b2}); as_saved = false gives other options, which
// load_state_dict must replace.
using MakeOptimizer = std::function<std::unique_ptr<optim::Optimizer>(const std::vector<Tensor>& p, bool as_saved)>;

std::vector<optim::OptimizerParamGroup> two_groups(const std::vector<Tensor>& p,
                                                   std::unique_ptr<optim::OptimizerOptions> second) {
  std::vector<optim::OptimizerParamGroup> g;
  g.emplace_back(std::vector<Tensor>{p[0], p[1]});
  if (second)
    g.emplace_back(std::vector<Tensor>{p[2], p[3]}, std::move(second));
  else
    g.emplace_back(std::vector<Tensor>{p[2], p[3]});
  return g;
}

void check_resume(const MakeOptimizer& make) {
  auto ref = make_params();
  auto ref_opt = make(ref, true);
  for (int t = 0; t < 10; ++t) train_step(*ref_opt, ref, t);

  auto a = make_params();
  auto opt_a = make(a, true);
  for (int t = 0; t < 5; ++t) train_step(*opt_a, a, t);
  auto sd = opt_a->state_dict();
  auto saved = sd;  // the same tensors: later steps must not change them
  std::vector<std::vector<double>> saved_values;
  for (const auto& item : saved) saved_values.push_back(values(item.value()));

  auto b = copy_params(a);
  auto opt_b = make(b, false);
  opt_b->load_state_dict(sd);
  expect_same_dict(opt_b->state_dict(), sd);
  for (int t = 5; t < 10; ++t) {
    train_step(*opt_a, a, t);
    train_step(*opt_b, b, t);
  }
  expect_params_equal(a, ref);
  expect_params_equal(b, ref);
  expect_same_dict(opt_b->state_dict(), ref_opt->state_dict());
  // Neither the saving nor the loading optimizer's steps reached the dict.
  for (size_t i = 0; i < saved.size(); ++i) EXPECT_EQ(values(saved[i].value()), saved_values[i]) << saved[i].key();
}

TEST(OptimStateDict, SGDMomentumNesterovResumesExactly) {
  check_resume([](const std::vector<Tensor>& p, bool as_saved) -> std::unique_ptr<optim::Optimizer> {
    if (!as_saved) return std::make_unique<optim::SGD>(two_groups(p, nullptr), optim::SGDOptions(1.0));
    return std::make_unique<optim::SGD>(
        two_groups(p, std::make_unique<optim::SGDOptions>(optim::SGDOptions(0.02).momentum(0.5).dampening(0.1))),
        optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01));
  });
}

TEST(OptimStateDict, AdamAmsgradResumesExactly) {
  check_resume([](const std::vector<Tensor>& p, bool as_saved) -> std::unique_ptr<optim::Optimizer> {
    if (!as_saved) return std::make_unique<optim::Adam>(two_groups(p, nullptr), optim::AdamOptions(1.0));
    return std::make_unique<optim::Adam>(
        two_groups(p, std::make_unique<optim::AdamOptions>(
                          optim::AdamOptions(0.03).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.1))),
        optim::AdamOptions(0.01).amsgrad(true));
  });
}

TEST(OptimStateDict, AdamWResumesExactly) {
  check_resume([](const std::vector<Tensor>& p, bool as_saved) -> std::unique_ptr<optim::Optimizer> {
    if (!as_saved) return std::make_unique<optim::AdamW>(two_groups(p, nullptr), optim::AdamWOptions(1.0));
    return std::make_unique<optim::AdamW>(
        two_groups(p, std::make_unique<optim::AdamWOptions>(optim::AdamWOptions(0.02).amsgrad(true).weight_decay(0))),
        optim::AdamWOptions(0.01).betas({0.85, 0.995}).weight_decay(0.05));
  });
}

TEST(OptimStateDict, RMSpropCenteredMomentumResumesExactly) {
  check_resume([](const std::vector<Tensor>& p, bool as_saved) -> std::unique_ptr<optim::Optimizer> {
    if (!as_saved) return std::make_unique<optim::RMSprop>(two_groups(p, nullptr), optim::RMSpropOptions(1.0));
    return std::make_unique<optim::RMSprop>(
        two_groups(p, std::make_unique<optim::RMSpropOptions>(optim::RMSpropOptions(0.005).alpha(0.9))),
        optim::RMSpropOptions(0.01).centered(true).momentum(0.7).weight_decay(0.01));
  });
}

TEST(OptimStateDict, AdagradResumesExactly) {
  check_resume([](const std::vector<Tensor>& p, bool as_saved) -> std::unique_ptr<optim::Optimizer> {
    if (!as_saved) return std::make_unique<optim::Adagrad>(two_groups(p, nullptr), optim::AdagradOptions(1.0));
    return std::make_unique<optim::Adagrad>(
        two_groups(p, std::make_unique<optim::AdagradOptions>(
                          optim::AdagradOptions(0.05).initial_accumulator_value(0.1).weight_decay(0.01))),
        optim::AdagradOptions(0.1).lr_decay(0.01));
  });
}

std::unique_ptr<optim::Adam> adam_two_groups(const std::vector<Tensor>& p) {
  return std::make_unique<optim::Adam>(
      two_groups(p, std::make_unique<optim::AdamOptions>(optim::AdamOptions(0.03).betas({0.8, 0.99}))),
      optim::AdamOptions(0.01).amsgrad(true));
}

TEST(OptimStateDict, KeysAndValuesArePyTorchs) {
  auto p = make_params();
  auto opt = adam_two_groups(p);
  train_step(*opt, p, 0);
  train_step(*opt, p, 1);
  auto sd = opt->state_dict();
  std::vector<std::string> want;
  for (int i = 0; i < 4; ++i)
    for (const char* f : {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"})
      if (i < 2 || std::string(f) != "max_exp_avg_sq")  // only group 0 has amsgrad
        want.push_back("state." + std::to_string(i) + "." + f);
  for (int g = 0; g < 2; ++g)
    for (const char* o : {"params", "lr", "betas", "eps", "weight_decay", "amsgrad"})
      want.push_back("param_groups." + std::to_string(g) + "." + o);
  EXPECT_EQ(sd.keys(), want);
  EXPECT_EQ(sd["state.2.step"].dtype(), kInt64);
  EXPECT_EQ(sd["state.2.step"].dim(), 0);
  EXPECT_EQ(sd["state.2.step"].item<int64_t>(), 2);
  const auto& st = static_cast<optim::AdamParamState&>(*opt->state().at(p[2].impl_ptr().get()));
  EXPECT_EQ(values(sd["state.2.exp_avg"]), values(st.exp_avg()));
  EXPECT_FALSE(sd["state.2.exp_avg"].is_same(st.exp_avg()));  // a copy
  EXPECT_EQ(sd["param_groups.1.params"].dtype(), kInt64);
  EXPECT_EQ(values(sd["param_groups.0.params"]), (std::vector<double>{0, 1}));
  EXPECT_EQ(values(sd["param_groups.1.params"]), (std::vector<double>{2, 3}));
  EXPECT_EQ(sd["param_groups.1.lr"].dtype(), kFloat64);
  EXPECT_EQ(sd["param_groups.1.lr"].dim(), 0);
  EXPECT_EQ(sd["param_groups.1.lr"].item<double>(), 0.03);
  EXPECT_EQ(sd["param_groups.0.lr"].item<double>(), 0.01);
  EXPECT_EQ(values(sd["param_groups.1.betas"]), (std::vector<double>{0.8, 0.99}));
  EXPECT_EQ(values(sd["param_groups.0.betas"]), (std::vector<double>{0.9, 0.999}));
  EXPECT_EQ(sd["param_groups.0.amsgrad"].item<double>(), 1.0);
  EXPECT_EQ(sd["param_groups.1.amsgrad"].item<double>(), 0.0);
  EXPECT_EQ(sd["param_groups.0.eps"].item<double>(), 1e-8);

  // SGD without momentum keeps no buffer: only the group keys. Per-kind names.
  optim::SGD sgd(p, optim::SGDOptions(0.1).nesterov(false));
  train_step(sgd, p, 0);
  EXPECT_EQ(
      sgd.state_dict().keys(),
      (std::vector<std::string>{"param_groups.0.params", "param_groups.0.lr", "param_groups.0.momentum",
                                "param_groups.0.dampening", "param_groups.0.weight_decay", "param_groups.0.nesterov"}));
  optim::RMSprop rms(p, optim::RMSpropOptions(0.1).centered(true).momentum(0.5));
  train_step(rms, p, 0);
  auto rk = rms.state_dict().keys();
  for (const char* k : {"state.0.step", "state.0.square_avg", "state.0.momentum_buffer", "state.0.grad_avg",
                        "param_groups.0.alpha", "param_groups.0.centered"})
    EXPECT_NE(std::find(rk.begin(), rk.end(), k), rk.end()) << k;
  optim::Adagrad ada(p, optim::AdagradOptions(0.1));
  train_step(ada, p, 0);
  auto ak = ada.state_dict().keys();
  for (const char* k :
       {"state.3.step", "state.3.sum", "param_groups.0.lr_decay", "param_groups.0.initial_accumulator_value"})
    EXPECT_NE(std::find(ak.begin(), ak.end(), k), ak.end()) << k;
}

TEST(OptimStateDict, LoadCopiesTheTensorsIn) {
  auto p = make_params();
  auto opt = adam_two_groups(p);
  train_step(*opt, p, 0);
  auto sd = opt->state_dict();
  auto q = copy_params(p);
  auto opt2 = adam_two_groups(q);
  opt2->load_state_dict(sd);
  const auto before = values(sd["state.0.exp_avg"]);
  train_step(*opt2, q, 1);
  EXPECT_EQ(values(sd["state.0.exp_avg"]), before);
  const auto& st = static_cast<optim::AdamParamState&>(*opt2->state().at(q[0].impl_ptr().get()));
  EXPECT_NE(values(st.exp_avg()), before);
  EXPECT_EQ(st.step(), 2);
}

TEST(OptimStateDict, StateOnlyDictKeepsTheOptions) {
  // An older checkpoint: state keys only. The state loads; the options stay the optimizer's own.
  auto p = make_params();
  auto opt = adam_two_groups(p);
  train_step(*opt, p, 0);
  auto sd = opt->state_dict();
  for (const auto& k : sd.keys())
    if (k.rfind("param_groups.", 0) == 0) sd.erase(k);
  auto q = copy_params(p);
  optim::Adam opt2(q, optim::AdamOptions(0.5));
  opt2.load_state_dict(sd);
  EXPECT_EQ(opt2.param_groups()[0].options().get_lr(), 0.5);
  EXPECT_EQ(opt2.state().size(), 4u);
  auto back = opt2.state_dict();
  for (const auto& item : sd) nabla::testing::expect_bit_equal(back[item.key()], item.value(), item.key());
}

// A refused dict: the error names the op and the piece, and the target's state_dict() is what it was.
void expect_refused(optim::Optimizer& target, const OrderedDict<std::string, Tensor>& sd, const std::string& piece) {
  auto before = target.state_dict();
  auto msg = error_of([&] { target.load_state_dict(sd); });
  EXPECT_NE(msg.find("Optimizer::load_state_dict"), std::string::npos) << msg;
  EXPECT_NE(msg.find(piece), std::string::npos) << msg;
  expect_same_dict(target.state_dict(), before);
}

class OptimStateDictErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    p = make_params();
    auto opt = adam_two_groups(p);
    train_step(*opt, p, 0);
    train_step(*opt, p, 1);
    sd = opt->state_dict();
    q = copy_params(p);
    target = std::make_unique<optim::Adam>(two_groups(q, nullptr), optim::AdamOptions(0.2));
    train_step(*target, q, 7);  // a state of its own, which a refused load must keep
  }
  std::vector<Tensor> p, q;
  OrderedDict<std::string, Tensor> sd;
  std::unique_ptr<optim::Adam> target;
};

TEST_F(OptimStateDictErrors, WrongParameterCount) {
  std::vector<optim::OptimizerParamGroup> g;
  g.emplace_back(std::vector<Tensor>{q[0], q[1]});
  g.emplace_back(std::vector<Tensor>{q[2]});
  optim::Adam fewer(g, optim::AdamOptions(0.2));
  train_step(fewer, q, 3);
  expect_refused(fewer, sd, "param group 1 has 2 parameters in the state dict but 1");
  // A state-only dict for more parameters than the optimizer has.
  auto state_only = sd;
  for (const auto& k : state_only.keys())
    if (k.rfind("param_groups.", 0) == 0) state_only.erase(k);
  expect_refused(fewer, state_only, "state of parameter 3 but the optimizer has 3 parameters");
}

TEST_F(OptimStateDictErrors, WrongStateShape) {
  auto bad = sd;
  bad.insert_or_assign("state.1.exp_avg_sq", zeros({2, 2}, TensorOptions().dtype(kFloat64)));
  expect_refused(*target, bad, "'state.1.exp_avg_sq' has shape [2, 2] but parameter 1 has shape [4]");
}

TEST_F(OptimStateDictErrors, WrongStateDtype) {
  auto bad = sd;
  bad.insert_or_assign("state.0.exp_avg", zeros({3, 4}, TensorOptions().dtype(kInt64)));
  expect_refused(*target, bad, "'state.0.exp_avg' must be a floating-point tensor");
  auto bad_step = sd;
  bad_step.insert_or_assign("state.0.step", scalar_tensor(2.5, TensorOptions().dtype(kFloat64)));
  expect_refused(*target, bad_step, "'state.0.step' must be a whole number");
}

TEST_F(OptimStateDictErrors, UnknownKey) {
  auto bad = sd;
  bad.insert("state.0.momentum_buffer", zeros({3, 4}, TensorOptions().dtype(kFloat64)));
  expect_refused(*target, bad, "unknown key 'state.0.momentum_buffer'");
  auto bad_option = sd;
  bad_option.insert("param_groups.1.momentum", scalar_tensor(0.9, TensorOptions().dtype(kFloat64)));
  expect_refused(*target, bad_option, "unknown key(s) [param_groups.1.momentum]");
  auto stray = sd;
  stray.insert("epoch", scalar_tensor(int64_t{3}));
  expect_refused(*target, stray, "unknown key(s) [epoch]");
  // Another optimizer's dict: Adam's groups have no momentum option, its states no momentum_buffer.
  optim::SGD sgd(two_groups(q, nullptr), optim::SGDOptions(0.1).momentum(0.9));
  train_step(sgd, q, 2);
  expect_refused(sgd, sd, "no key 'param_groups.0.momentum'");
  auto state_only = sd;
  for (const auto& k : state_only.keys())
    if (k.rfind("param_groups.", 0) == 0) state_only.erase(k);
  expect_refused(sgd, state_only, "unknown key 'state.0.step'");
}

TEST_F(OptimStateDictErrors, WrongGroupCount) {
  optim::Adam one_group(q, optim::AdamOptions(0.2));
  train_step(one_group, q, 4);
  expect_refused(one_group, sd, "the state dict has 2 param groups but the optimizer has 1");
}

TEST_F(OptimStateDictErrors, MissingOrMalformedOption) {
  auto missing = sd;
  missing.erase("param_groups.1.lr");
  expect_refused(*target, missing, "no key 'param_groups.1.lr'");
  auto betas = sd;
  betas.insert_or_assign("param_groups.0.betas", scalar_tensor(0.9, TensorOptions().dtype(kFloat64)));
  expect_refused(*target, betas, "'param_groups.0.betas' must be a 1-d tensor of 2 values");
  auto flag = sd;
  flag.insert_or_assign("param_groups.0.amsgrad", scalar_tensor(0.5, TensorOptions().dtype(kFloat64)));
  expect_refused(*target, flag, "'param_groups.0.amsgrad' is a flag and must be 0 or 1");
}

}  // namespace
