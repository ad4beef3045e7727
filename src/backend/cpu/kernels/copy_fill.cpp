// dst = src with a dtype conversion, and fill (compiled once per instruction set).
#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {

void copy_cast(const Tensor& dst, const Tensor& src) {
  NABLA_DISPATCH_ALL(dst.dtype(), "copy_", [&] {
    using out_t = scalar_t;
    NABLA_DISPATCH_ALL(src.dtype(), "copy_", [&] {
      using in_t = scalar_t;
      if constexpr (std::is_same_v<out_t, bool>) {
        map([](in_t v) -> bool { return v != in_t(0); }, dst, src);
      } else {
        map([](in_t v) -> out_t { return static_cast<out_t>(v); }, dst, src);
      }
    });
  });
}

void fill(const Tensor& dst, const Scalar& v) {
  NABLA_DISPATCH_ALL(dst.dtype(), "fill_", [&] {
    scalar_t value = v.to<scalar_t>();
    if (dst.is_contiguous()) {
      scalar_t* p = dst.data_ptr<scalar_t>();
      const int64_t n = dst.numel();
      for (int64_t i = 0; i < n; ++i) p[i] = value;
    } else {
      map([value]() -> scalar_t { return value; }, dst);
    }
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
