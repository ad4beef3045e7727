#pragma once
#include "nabla/core/std_function.h"

#include "nabla/autograd/node.h"

namespace nabla::autograd {

/// Compares the analytic Jacobian (by backward) with float64 central differences for every input that
/// requires grad. fn may return one tensor or several (their outputs are checked one by one).
/// Returns true on success; on failure throws nabla::Error naming the input, the element and both values.
bool gradcheck(const std::function<tensor_list(const tensor_list&)>& fn, const tensor_list& inputs,
               double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);
/// Same check for second derivatives: the gradient of fn (with create_graph) is itself gradchecked.
bool gradgradcheck(const std::function<tensor_list(const tensor_list&)>& fn, const tensor_list& inputs,
                   double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);

}  // namespace nabla::autograd
