#pragma once
// Runtime CPU dispatch. The kernels under src/backend/cpu/kernels/ are compiled once per instruction set (the x86-64
// baseline, AVX2 + FMA, AVX-512), each copy in its own namespace with its own KernelTable; the CPU backend picks
// one at start-up from cpuid. NABLA_CPU_CAPABILITY=default|avx2|avx512 caps the choice (as ATen's
// ATEN_CPU_CAPABILITY): a level this CPU lacks, or one not built, falls back to the best one below it.
#include <vector>

#include "backend/kernels.h"

namespace nabla::cpu {

enum class Capability : uint8_t { Default = 0, AVX2 = 1, AVX512 = 2 };

/// The instruction set whose kernels the CPU backend runs (fixed at the first call).
Capability capability();
const char* capability_name(Capability c);
/// Whether kernels for `c` were built and this CPU can run them.
bool capability_available(Capability c);
/// The kernel table of `c` (which must be available).
const backend::KernelTable& kernel_table(Capability c);
/// Every available capability, lowest first.
std::vector<Capability> available_capabilities();

// One kernel table per capability built (defined in kernels/table.cpp, compiled once per capability).
namespace cap_default {
const backend::KernelTable& kernel_table();
}
namespace cap_avx2 {
const backend::KernelTable& kernel_table();
}
namespace cap_avx512 {
const backend::KernelTable& kernel_table();
}

}  // namespace nabla::cpu
