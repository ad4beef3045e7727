#pragma once
// The optimizers' fused update loops run f(i) over chunks of a parameter's elements, on OpenMP threads for
// large parameters (each element's update is independent).
#include <algorithm>
#include <cstdint>

#include "backend/cpu/loops.h"

namespace nabla::optim::detail {

template <typename F>
void for_each_element(int64_t n, F&& f) {
  constexpr int64_t kChunk = 8192;
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
  cpu::parallel_for(nchunks, n >= cpu::kParallelThreshold, [&](int64_t c) {
    const int64_t end = std::min(n, (c + 1) * kChunk);
    for (int64_t i = c * kChunk; i < end; ++i) f(i);
  });
}

}  // namespace nabla::optim::detail
