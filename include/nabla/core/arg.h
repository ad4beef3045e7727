#pragma once
// NABLA_ARG(T, name, init): a chainable option with a default, as LibTorch's TORCH_ARG:
// `Conv2dFuncOptions().stride(2).padding(1)` sets, `options.stride()` reads.
#define NABLA_ARG(T, name, init)            \
 public:                                    \
  auto& name(const T& v) {                  \
    name##_ = v;                            \
    return *this;                           \
  }                                         \
  const T& name() const { return name##_; } \
                                            \
 private:                                   \
  T name##_ = init
