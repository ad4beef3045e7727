#pragma once
// The nabla call behind each op name of the PyTorch fixtures (tests/reference/fixtures/*.json).
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "nabla/nabla.h"

namespace nabla::testing {

/// inputs (in the fixture's order; non-contiguous where the fixture says so), args (the case's "args") -> outputs.
using FixtureOp = std::function<TensorList(const TensorList& inputs, const nlohmann::json& args)>;

/// Every op name the fixtures use, with the nabla call that must reproduce PyTorch's numbers.
const std::map<std::string, FixtureOp>& fixture_ops();

}  // namespace nabla::testing
