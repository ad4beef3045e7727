#include "nabla/core/device.h"

#include "nabla/core/error.h"

namespace nabla {

Device::Device(const std::string& spec) {
  auto colon = spec.find(':');
  std::string kind = spec.substr(0, colon);
  if (kind == "cpu")
    type_ = kCPU;
  else if (kind == "cuda")
    type_ = kCUDA;
  else if (kind == "privateuseone")
    type_ = kPrivateUse1;
  else
    NABLA_FAIL("Device: unknown device '", spec, "'; expected 'cpu', 'cuda' or 'cuda:N'");
  index_ = -1;
  if (colon != std::string::npos) {
    try {
      index_ = std::stoi(spec.substr(colon + 1));
    } catch (const std::exception&) {
      NABLA_FAIL("Device: bad device index in '", spec, "'");
    }
  }
}

std::string Device::str() const {
  std::string s = is_cpu() ? "cpu" : is_cuda() ? "cuda" : "privateuseone";
  if (index_ >= 0) {
    s += ':';  // appended piece by piece: GCC 12 warns (-Wrestrict, falsely) about ":" + std::to_string(...)
    s += std::to_string(index_);
  }
  return s;
}

std::ostream& operator<<(std::ostream& os, const Device& d) { return os << d.str(); }

namespace cuda {
bool is_available() { return false; }
int64_t device_count() { return 0; }
bool cudnn_is_available() { return false; }
void manual_seed(uint64_t /*seed*/) {}
void manual_seed_all(uint64_t /*seed*/) {}
void synchronize(int64_t /*device_index*/) {
  NABLA_FAIL("cuda::synchronize: nabla was built without CUDA (cuda::is_available() is false)");
}
}  // namespace cuda

}  // namespace nabla
