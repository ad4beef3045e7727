// Compiled by tests/backend/nvcc_headers.sh with the CUDA toolkit's nvcc: the element functors every backend shares
// (src/backend/functors.h) must instantiate in device code, so the CUDA backend adds kernels, not op logic.
#include "backend/functors.h"

namespace nb = nabla::backend;

template <typename F, typename T>
__global__ void unary_kernel(F f, T* out, const T* in, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = f(in[i]);
}

template <typename F, typename T>
__global__ void binary_kernel(F f, T* out, const T* a, const T* b, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = f(a[i], b[i]);
}

template <typename T>
void instantiate_all(T* out, const T* a, const T* b, int n) {
  unary_kernel<<<1, 32>>>(nb::NegF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::ExpF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::LogF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::Log1pF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::SqrtF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::RsqrtF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::SinF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::CosF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::TanhF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::SigmoidF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::ReluF<T>{}, out, a, n);
  unary_kernel<<<1, 32>>>(nb::AbsF<T>{}, out, a, n);
  binary_kernel<<<1, 32>>>(nb::AddF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::AddAlphaF<T>{T(2)}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::MulF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::DivF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::MaximumF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::MinimumF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::ReluBackwardF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::SigmoidBackwardF<T>{}, out, a, b, n);
  binary_kernel<<<1, 32>>>(nb::TanhBackwardF<T>{}, out, a, b, n);
}

template void instantiate_all<float>(float*, const float*, const float*, int);
template void instantiate_all<double>(double*, const double*, const double*, int);
