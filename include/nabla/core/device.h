#pragma once
#include <cstdint>
#include <ostream>
#include <string>

namespace nabla {

/// PrivateUse1 is PyTorch's slot for an out-of-tree device ("privateuseone"); nabla's tests register a host-memory
/// device there to check that operands on different devices are refused.
enum class DeviceType : int8_t { CPU = 0, CUDA = 1, PrivateUse1 = 2 };
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;
constexpr DeviceType kPrivateUse1 = DeviceType::PrivateUse1;
constexpr int kNumDeviceTypes = 3;

/// A device and its index ("cpu", "cuda:0").
class Device {
 public:
  Device(DeviceType type = kCPU, int index = -1) : type_(type), index_(index) {}  // NOLINT
  explicit Device(const std::string& spec);
  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool is_cpu() const { return type_ == kCPU; }
  bool is_cuda() const { return type_ == kCUDA; }
  bool operator==(const Device& o) const { return type_ == o.type_ && index_ == o.index_; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const;

 private:
  DeviceType type_;
  int index_;
};

std::ostream& operator<<(std::ostream& os, const Device& d);

/// Raises nabla::Error naming `op` when `d` cannot hold tensors in this build: CUDA ("nabla was built without
/// CUDA"), or a device type no backend is registered for.
void check_device_available(Device d, const char* op);

}  // namespace nabla
