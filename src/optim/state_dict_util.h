#pragma once
// Reading numbers back from a state dict's tensors for the optimizers' and schedulers' load_state_dict(): each
// check names the op and the key, so a wrong or hand-edited checkpoint says what is wrong with it.
#include <cstdint>
#include <string>
#include <vector>

#include "nabla/core/tensor.h"
#include "nabla/nn/ordered_dict.h"

namespace nabla::optim::detail {

using StateDict = OrderedDict<std::string, Tensor>;

/// The tensor under key; throws naming the missing key.
const Tensor& require(const StateDict& sd, const std::string& key, const char* op);
/// One value (any shape with one element, any dtype) as a double.
double read_double(const Tensor& t, const std::string& key, const char* op);
/// One whole number >= 0 (a step count, an epoch).
int64_t read_count(const Tensor& t, const std::string& key, const char* op);
/// 0 or 1.
bool read_bool(const Tensor& t, const std::string& key, const char* op);
/// A 1-d tensor of n values.
std::vector<double> read_doubles(const Tensor& t, const std::string& key, size_t n, const char* op);
/// Throws when sd has a key outside `expected` (missing ones are found by require()).
void check_no_unknown_keys(const StateDict& sd, const std::vector<std::string>& expected, const char* op);
/// A 1-d float64 tensor holding values.
Tensor doubles_tensor(const std::vector<double>& values);

}  // namespace nabla::optim::detail
