#pragma once
// NABLA_HD marks the element functions and functors that both the CPU kernels and nvcc-compiled CUDA kernels call.
// They must inline into the CPU loops to vectorize (GCC's size heuristics may refuse), hence always_inline.
#if defined(__CUDACC__)
#define NABLA_HD __host__ __device__ __forceinline__
#else
#define NABLA_HD [[gnu::always_inline]] inline
#endif
/// The same for the element lambdas handed to cpu::map: [](auto v) NABLA_LAMBDA_INLINE { ... }.
#define NABLA_LAMBDA_INLINE __attribute__((always_inline))

// Code compiled once per CPU instruction set (src/backend/cpu/kernels/) is built with NABLA_CPU_CAP_NS set to
// cap_default, cap_avx2 or cap_avx512; everything else sees cap_base. The shared loop and math headers put their
// functions in `inline namespace NABLA_CPU_CAP_NS`, so an AVX-512 copy of an inline function can never be the one the
// linker keeps for code that runs on any CPU.
#ifndef NABLA_CPU_CAP_NS
#define NABLA_CPU_CAP_NS cap_base
#endif
