// Walks the op table: every registered gradcheck case must pass (first order, and second order unless the
// case opts out), every case must really record the op it is registered for, and every differentiable op in
// ops::kOpTable must have at least one case.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "ops/gradcheck_registry.h"

using namespace nabla;
using nabla::autograd::tensor_list;
using nabla::testing::gradcheck_cases;

namespace {

std::string case_name(const nabla::testing::GradcheckCase& c) {
  return std::string(ops::op_info(c.op).forward_name) + " [" + c.label + "]";
}

// Names of every node reachable from the outputs (iterative walk).
std::unordered_set<std::string> graph_node_names(const tensor_list& outputs) {
  std::unordered_set<std::string> names;
  std::unordered_set<const autograd::Node*> seen;
  std::vector<std::shared_ptr<autograd::Node>> stack;
  for (const auto& o : outputs)
    if (o.defined() && o.grad_fn()) stack.push_back(o.grad_fn());
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    if (!seen.insert(n.get()).second) continue;
    names.insert(n->name());
    for (const auto& e : n->next_edges())
      if (e.function) stack.push_back(e.function);
  }
  return names;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::ostringstream os;
  for (size_t i = 0; i < v.size(); ++i) os << (i ? sep : "") << v[i];
  return os.str();
}

}  // namespace

TEST(GradcheckTable, EveryRegisteredCasePasses) {
  const auto& cases = gradcheck_cases();
  ASSERT_FALSE(cases.empty()) << "no gradcheck case is registered";
  std::vector<std::string> failures;
  for (const auto& c : cases) {
    const std::string name = case_name(c);
    try {
      tensor_list inputs = c.make_inputs();
      autograd::gradcheck(c.fn, inputs);
      if (c.second_order) {
        try {
          autograd::gradgradcheck(c.fn, inputs);
        } catch (const std::exception& e) {
          failures.push_back(name + " (second order): " + e.what());
        }
      }
    } catch (const std::exception& e) {
      failures.push_back(name + ": " + e.what());
    }
  }
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << cases.size() << " gradcheck cases failed:\n  "
                                << join(failures, "\n  ");
}

TEST(GradcheckTable, EveryCaseRecordsItsOp) {
  // A case registered for Sin must build a SinBackward0 node; otherwise it checks some other op.
  std::vector<std::string> wrong;
  for (const auto& c : gradcheck_cases()) {
    const std::string want(ops::op_info(c.op).backward_name);
    try {
      AutoGradMode on(true);
      auto names = graph_node_names(c.fn(c.make_inputs()));
      if (!names.count(want)) wrong.push_back(case_name(c) + " builds no " + want + " node");
    } catch (const std::exception& e) {
      wrong.push_back(case_name(c) + ": " + e.what());
    }
  }
  EXPECT_TRUE(wrong.empty()) << join(wrong, "\n  ");
}

TEST(GradcheckTable, EveryOpHasACase) {
  std::vector<bool> covered(ops::kNumOps, false);
  for (const auto& c : gradcheck_cases()) covered[static_cast<size_t>(c.op)] = true;
  std::vector<std::string> missing;
  for (const auto& info : ops::kOpTable)
    if (!covered[static_cast<size_t>(info.id)]) missing.push_back(std::string(info.forward_name));
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << ops::kNumOps
                               << " ops in ops::kOpTable have no gradcheck case (register one with "
                                  "NABLA_GRADCHECK_CASE next to the op's tests): "
                               << join(missing, ", ");
}
