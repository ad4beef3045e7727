// The optimizers' update of one parameter (compiled once per instruction set). Each variant (AdamW or Adam with or
// without weight decay, amsgrad, momentum, nesterov) is its own branch-free loop over contiguous arrays, so it
// vectorizes (RMSprop and Adagrad keep loop-invariant branches: they are rarely hot); large parameters are split in
// chunks over the thread pool (each element's update is independent, so the result does not depend on the thread
// count).
#include <algorithm>
#include <cmath>

#include "backend/cpu/kernels/kernels_cpu.h"
#include "backend/cpu/loops.h"

namespace nabla::cpu {
inline namespace NABLA_CPU_CAP_NS {
namespace {

/// body(begin, end) over [0, n) in chunks, on threads when n is large.
template <typename F>
void for_each_chunk(int64_t n, F&& body) {
  parallel_chunks(n, kParallelThreshold, body);
}

// The constants of one Adam update in the parameter's type.
template <typename T>
struct AdamConsts {
  T weight, one_m_weight, b2, one_m_b2, decay, wd, eps, bc2, neg_step;
};

// One chunk: plain __restrict arrays and no branch in the body, so GCC vectorizes it (a lambda capturing the
// pointers by reference lost __restrict, and the loop ran scalar: 15% of an MLP epoch).
template <typename T, bool kDecoupled, bool kWeightDecay, bool kAmsgrad, bool kSmallWeight>
[[gnu::noinline]] void adam_chunk(const AdamConsts<T> c, T* __restrict w, const T* __restrict g, T* __restrict m,
                                  T* __restrict v, T* __restrict vmax, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    T wi = w[i], gi = g[i];
    if constexpr (kDecoupled) wi = wi * c.decay;
    if constexpr (!kDecoupled && kWeightDecay) gi = gi + c.wd * wi;
    // ATen's lerp: exact at both ends, with the formula picked by the weight.
    T mi;
    if constexpr (kSmallWeight) {
      mi = m[i] + c.weight * (gi - m[i]);
    } else {
      mi = gi - (gi - m[i]) * c.one_m_weight;
    }
    const T vi = v[i] * c.b2 + c.one_m_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    T vv = vi;
    if constexpr (kAmsgrad) {
      vv = vmax[i] < vi ? vi : vmax[i];  // std::max(vmax, v), NaN in vmax kept
      vmax[i] = vv;
    }
    const T denom = std::sqrt(vv) / c.bc2 + c.eps;
    w[i] = wi + c.neg_step * mi / denom;  // addcdiv: p + (value * m) / denom
  }
}

template <typename T, bool kDecoupled, bool kWeightDecay, bool kAmsgrad>
void adam_loop(const backend::AdamStep& s, T* w, const T* g, T* m, T* v, T* vmax, int64_t n) {
  const AdamConsts<T> c{T(1 - s.beta1), T(1) - T(1 - s.beta1),        T(s.beta2),
                        T(1 - s.beta2), T(1 - s.lr * s.weight_decay), T(s.weight_decay),
                        T(s.eps),       T(s.bias_correction2_sqrt),   T(-s.step_size)};
  const bool small_weight = std::abs(c.weight) < T(0.5);
  for_each_chunk(n, [&](int64_t begin, int64_t end) {
    T* vm = kAmsgrad ? vmax + begin : nullptr;
    if (small_weight) {
      adam_chunk<T, kDecoupled, kWeightDecay, kAmsgrad, true>(c, w + begin, g + begin, m + begin, v + begin, vm,
                                                              end - begin);
    } else {
      adam_chunk<T, kDecoupled, kWeightDecay, kAmsgrad, false>(c, w + begin, g + begin, m + begin, v + begin, vm,
                                                               end - begin);
    }
  });
}

template <typename T, bool kWeightDecay, bool kMomentum, bool kNesterov, bool kFirst>
[[gnu::noinline]] void sgd_chunk(T lr, T mom, T damp, T wd, T* __restrict w, const T* __restrict g, T* __restrict buf,
                                 int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    T d = g[i];
    if constexpr (kWeightDecay) d = d + wd * w[i];
    if constexpr (kMomentum) {
      const T b = kFirst ? d : buf[i] * mom + damp * d;
      buf[i] = b;
      d = kNesterov ? d + mom * b : b;
    }
    w[i] = w[i] - lr * d;
  }
}

template <typename T, bool kWeightDecay, bool kMomentum, bool kNesterov>
void sgd_loop(const backend::SgdStep& s, T* w, const T* g, T* buf, int64_t n) {
  const T lr = T(s.lr), mom = T(s.momentum), damp = T(1 - s.dampening), wd = T(s.weight_decay);
  for_each_chunk(n, [&](int64_t begin, int64_t end) {
    T* b = kMomentum ? buf + begin : nullptr;
    if (s.first) {
      sgd_chunk<T, kWeightDecay, kMomentum, kNesterov, true>(lr, mom, damp, wd, w + begin, g + begin, b, end - begin);
    } else {
      sgd_chunk<T, kWeightDecay, kMomentum, kNesterov, false>(lr, mom, damp, wd, w + begin, g + begin, b, end - begin);
    }
  });
}

template <typename T>
T* ptr(const Tensor& t) {
  return t.defined() ? static_cast<T*>(t.data_ptr()) : nullptr;
}

}  // namespace

void adam_step(const backend::AdamStep& s, const Tensor& param, const Tensor& grad, const Tensor& exp_avg,
               const Tensor& exp_avg_sq, const Tensor& max_exp_avg_sq) {
  NABLA_DISPATCH_FLOATING(param.dtype(), s.decoupled ? "AdamW" : "Adam", [&] {
    using T = scalar_t;
    auto run = [&](auto decoupled, auto wd, auto ams) {
      adam_loop<T, decltype(decoupled)::value, decltype(wd)::value, decltype(ams)::value>(
          s, ptr<T>(param), ptr<T>(grad), ptr<T>(exp_avg), ptr<T>(exp_avg_sq), ptr<T>(max_exp_avg_sq), param.numel());
    };
    using t_ = std::true_type;
    using f_ = std::false_type;
    const bool wd = s.weight_decay != 0;
    if (s.decoupled) {
      s.amsgrad ? run(t_{}, t_{}, t_{}) : run(t_{}, t_{}, f_{});
    } else if (wd) {
      s.amsgrad ? run(f_{}, t_{}, t_{}) : run(f_{}, t_{}, f_{});
    } else {
      s.amsgrad ? run(f_{}, f_{}, t_{}) : run(f_{}, f_{}, f_{});
    }
  });
}

void sgd_step(const backend::SgdStep& s, const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer) {
  NABLA_DISPATCH_FLOATING(param.dtype(), "SGD", [&] {
    using T = scalar_t;
    T* w = ptr<T>(param);
    const T* g = ptr<T>(grad);
    T* buf = ptr<T>(momentum_buffer);
    const int64_t n = param.numel();
    const bool wd = s.weight_decay != 0;
    if (s.momentum == 0) {
      wd ? sgd_loop<T, true, false, false>(s, w, g, buf, n) : sgd_loop<T, false, false, false>(s, w, g, buf, n);
    } else if (s.nesterov) {
      wd ? sgd_loop<T, true, true, true>(s, w, g, buf, n) : sgd_loop<T, false, true, true>(s, w, g, buf, n);
    } else {
      wd ? sgd_loop<T, true, true, false>(s, w, g, buf, n) : sgd_loop<T, false, true, false>(s, w, g, buf, n);
    }
  });
}

void rmsprop_step(const backend::RmspropStep& s, const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                  const Tensor& momentum_buffer, const Tensor& grad_avg) {
  NABLA_DISPATCH_FLOATING(param.dtype(), "RMSprop", [&] {
    using T = scalar_t;
    T* w = ptr<T>(param);
    const T* g = ptr<T>(grad);
    T* sq = ptr<T>(square_avg);
    T* buf = ptr<T>(momentum_buffer);
    T* ga = ptr<T>(grad_avg);
    const T lr = T(s.lr), alpha = T(s.alpha), one_m_alpha = T(1 - s.alpha), eps = T(s.eps), wd = T(s.weight_decay),
            mom = T(s.momentum);
    const bool has_wd = s.weight_decay != 0, centered = s.centered, has_mom = s.momentum > 0;
    for_each_chunk(param.numel(), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        T gi = g[i];
        if (has_wd) gi = gi + wd * w[i];
        sq[i] = sq[i] * alpha + one_m_alpha * gi * gi;
        T avg;
        if (centered) {
          ga[i] = ga[i] * alpha + one_m_alpha * gi;
          avg = std::sqrt(sq[i] + T(-1) * ga[i] * ga[i]);
        } else {
          avg = std::sqrt(sq[i]);
        }
        avg = avg + eps;
        if (has_mom) {
          buf[i] = buf[i] * mom + gi / avg;
          w[i] = w[i] - lr * buf[i];
        } else {
          w[i] = w[i] + (-lr) * gi / avg;
        }
      }
    });
  });
}

void adagrad_step(const backend::AdagradStep& s, const Tensor& param, const Tensor& grad, const Tensor& sum) {
  NABLA_DISPATCH_FLOATING(param.dtype(), "Adagrad", [&] {
    using T = scalar_t;
    T* w = ptr<T>(param);
    const T* g = ptr<T>(grad);
    T* acc = ptr<T>(sum);
    const T clr = T(s.clr), eps = T(s.eps), wd = T(s.weight_decay);
    const bool has_wd = s.weight_decay != 0;
    for_each_chunk(param.numel(), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        T gi = g[i];
        if (has_wd) gi = gi + wd * w[i];
        acc[i] = acc[i] + gi * gi;
        const T std_ = std::sqrt(acc[i]) + eps;
        w[i] = w[i] + (-clr) * gi / std_;
      }
    });
  });
}

}  // namespace NABLA_CPU_CAP_NS
}  // namespace nabla::cpu
