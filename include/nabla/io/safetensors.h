#pragma once
// nabla::save / nabla::load in the safetensors format (8-byte little-endian header length, a JSON header, raw
// little-endian tensor bytes), readable by Hugging Face's safetensors and PyTorch. Writes are atomic: the data goes
// to `path.tmp.<pid>` and is renamed over `path`, so a failed save leaves the old file intact.
#include <map>
#include <string>

#include "nabla/core/tensor.h"
#include "nabla/nn/module.h"
#include "nabla/nn/ordered_dict.h"

namespace nabla {

namespace optim {
class Optimizer;
}

/// The optional "__metadata__" of a safetensors file: string keys to string values.
using SafetensorsMetadata = std::map<std::string, std::string>;

/// Writes the named tensors (any dtype, strides or device; stored contiguous, on CPU) in the given order.
void save(const OrderedDict<std::string, Tensor>& tensors, const std::string& path,
          const SafetensorsMetadata& metadata = {});
/// Writes the named tensors in key order.
void save(const std::map<std::string, Tensor>& tensors, const std::string& path,
          const SafetensorsMetadata& metadata = {});
/// Writes a module's state_dict() with PyTorch's key names ("0.weight", "fc1.bias", "bn.running_mean").
void save(const nn::Module& module, const std::string& path, const SafetensorsMetadata& metadata = {});
template <nn::IsModuleHolder H>
void save(const H& module, const std::string& path, const SafetensorsMetadata& metadata = {}) {
  save(static_cast<const nn::Module&>(*module), path, metadata);
}
/// Writes one tensor under the key "tensor"; read it back with load_tensor().
void save(const Tensor& tensor, const std::string& path);

/// Reads every tensor of a safetensors file, in the order of their data in the file.
OrderedDict<std::string, Tensor> load(const std::string& path);
/// Reads a file's "__metadata__" (empty when it has none).
SafetensorsMetadata load_metadata(const std::string& path);
/// Loads a file into a module through load_state_dict (strict: missing or unexpected keys are an error).
void load(nn::Module& module, const std::string& path, bool strict = true);
template <nn::IsModuleHolder H>
void load(H& module, const std::string& path, bool strict = true) {
  load(static_cast<nn::Module&>(*module), path, strict);
}
/// Reads a file written by save(const Tensor&, path): its "tensor" entry, or its only tensor.
Tensor load_tensor(const std::string& path);

/// Writes optimizer.state_dict(): "state.<i>.<field>" (parameters numbered over all groups, as PyTorch's) and
/// "param_groups.<g>.<option>". A scheduler's state: save(scheduler.state_dict(), path).
void save(const optim::Optimizer& optimizer, const std::string& path);
/// optimizer.load_state_dict(load(path)); errors name the path. Files with state keys only (older nabla) restore the
/// state and keep the options.
void load(optim::Optimizer& optimizer, const std::string& path);

}  // namespace nabla
