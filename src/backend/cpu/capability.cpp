#include "backend/cpu/capability.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nabla::cpu {
namespace {

bool cpu_has(Capability c) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  switch (c) {
    case Capability::Default:
      return true;
    case Capability::AVX2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Capability::AVX512:
      return cpu_has(Capability::AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  }
  return false;
#else
  return c == Capability::Default;
#endif
}

bool built(Capability c) {
  switch (c) {
    case Capability::Default:
      return true;
#ifdef NABLA_BUILT_CAP_AVX2
    case Capability::AVX2:
      return true;
#endif
#ifdef NABLA_BUILT_CAP_AVX512
    case Capability::AVX512:
      return true;
#endif
    default:
      return false;
  }
}

Capability pick() {
  Capability best = Capability::Default;
  for (Capability c : {Capability::AVX2, Capability::AVX512}) {
    if (capability_available(c)) best = c;
  }
  const char* env = std::getenv("NABLA_CPU_CAPABILITY");
  if (!env || !*env) return best;
  Capability want = best;
  if (!std::strcmp(env, "default"))
    want = Capability::Default;
  else if (!std::strcmp(env, "avx2"))
    want = Capability::AVX2;
  else if (!std::strcmp(env, "avx512"))
    want = Capability::AVX512;
  else {
    // Start-up cannot throw; say so once and keep the detected choice.
    std::fprintf(stderr, "nabla: ignoring NABLA_CPU_CAPABILITY=%s (expected default, avx2 or avx512); using %s\n", env,
                 capability_name(best));
    return best;
  }
  while (want != Capability::Default && !capability_available(want)) want = Capability(uint8_t(want) - 1);
  return want;
}

}  // namespace

bool capability_available(Capability c) { return built(c) && cpu_has(c); }

Capability capability() {
  static const Capability c = pick();
  return c;
}

const char* capability_name(Capability c) {
  switch (c) {
    case Capability::Default:
      return "default";
    case Capability::AVX2:
      return "avx2";
    case Capability::AVX512:
      return "avx512";
  }
  return "?";
}

const backend::KernelTable& kernel_table(Capability c) {
  switch (c) {
#ifdef NABLA_BUILT_CAP_AVX2
    case Capability::AVX2:
      return cap_avx2::kernel_table();
#endif
#ifdef NABLA_BUILT_CAP_AVX512
    case Capability::AVX512:
      return cap_avx512::kernel_table();
#endif
    default:
      return cap_default::kernel_table();
  }
}

std::vector<Capability> available_capabilities() {
  std::vector<Capability> r;
  for (Capability c : {Capability::Default, Capability::AVX2, Capability::AVX512}) {
    if (capability_available(c)) r.push_back(c);
  }
  return r;
}

}  // namespace nabla::cpu
