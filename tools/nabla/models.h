#pragma once
// The networks `nabla train --model` knows, by name.
#include <string>
#include <vector>

#include "nabla/nn.h"

namespace nabla::cli {

/// "mlp": 784-256-128-10 with ReLU. "cnn": conv3x3(32)-ReLU-maxpool2-conv3x3(64)-ReLU-maxpool2-fc128-ReLU-fc10.
/// Throws nabla::Error for any other name.
nn::Sequential make_model(const std::string& name);
/// The names make_model accepts.
const std::vector<std::string>& model_names();

}  // namespace nabla::cli
