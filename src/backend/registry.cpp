// Which KernelTable serves which device, and the same-device check of an op's operands.
#include <array>
#include <atomic>

#include "backend/cpu/capability.h"
#include "backend/kernels.h"

namespace nabla::backend {
namespace {
std::array<std::atomic<const KernelTable*>, kNumDeviceTypes>& registry() {
  static std::array<std::atomic<const KernelTable*>, kNumDeviceTypes> r{};
  return r;
}
}  // namespace

const char* op_name(UnaryOp op) {
  static const char* const names[] = {
#define NABLA_NAME_ENTRY(n) #n,
      NABLA_UNARY_OPS(NABLA_NAME_ENTRY)};
  return names[size_t(op)];
}
const char* op_name(BinaryOp op) {
  static const char* const names[] = {NABLA_BINARY_OPS(NABLA_NAME_ENTRY)};
  return names[size_t(op)];
}
const char* op_name(ReduceOp op) {
  static const char* const names[] = {NABLA_REDUCE_OPS(NABLA_NAME_ENTRY)};
#undef NABLA_NAME_ENTRY
  return names[size_t(op)];
}

const KernelTable& kernels(Device device) {
  const KernelTable* t = registry()[size_t(device.type())].load(std::memory_order_acquire);
  if (t) [[likely]]
    return *t;
  if (device.is_cpu()) {
    static const KernelTable& cpu = cpu::kernel_table(cpu::capability());
    return cpu;
  }
  NABLA_FAIL("no kernels for device ", device.str(), ": ",
             device.is_cuda() ? "nabla was built without CUDA" : "no backend registered this device type");
}

}  // namespace nabla::backend

namespace nabla {
void check_device_available(Device d, const char* op) {
  NABLA_CHECK(!d.is_cuda(), op, ": ", d, " is not available: nabla was built without CUDA (use Device(kCPU), or pick ",
              "the device with cuda::is_available() ? kCUDA : kCPU)");
  NABLA_CHECK(d.is_cpu() || backend::registry()[size_t(d.type())].load() != nullptr, op,
              ": no backend is registered for device ", d);
}
}  // namespace nabla

namespace nabla::backend {

void register_kernels(DeviceType type, const KernelTable* table) { registry()[size_t(type)].store(table); }

std::vector<const KernelTable*> registered_kernel_tables() {
  std::vector<const KernelTable*> r;
  for (cpu::Capability c : cpu::available_capabilities()) r.push_back(&cpu::kernel_table(c));
  for (int t = 1; t < kNumDeviceTypes; ++t) {
    if (const KernelTable* k = registry()[size_t(t)].load()) r.push_back(k);
  }
  return r;
}

Device common_device(const char* op, std::initializer_list<const Tensor*> operands) {
  const Tensor* first = nullptr;  // the first operand that fixes the device
  const Tensor* cpu_scalar = nullptr;
  for (const Tensor* t : operands) {
    if (!t->defined()) continue;
    const Device d = t->device();
    if (d.is_cpu() && t->dim() == 0) {
      if (!cpu_scalar) cpu_scalar = t;
      continue;
    }
    if (!first) {
      first = t;
    } else if (d != first->device()) {
      NABLA_FAIL(op, ": expected all tensors to be on the same device, but found at least two devices, ",
                 first->device().str(), " and ", d.str(), "; move them with .to(device) first");
    }
  }
  if (first) return first->device();
  return kCPU;
}

}  // namespace nabla::backend
