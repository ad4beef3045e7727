#include "nabla/autograd/grad_mode.h"

#include "core/fast_tls.h"

namespace nabla {
namespace {
NABLA_FAST_TLS thread_local bool t_grad_enabled = true;
NABLA_FAST_TLS thread_local bool t_anomaly_enabled = false;
}  // namespace
bool GradMode::is_enabled() { return t_grad_enabled; }
void GradMode::set_enabled(bool enabled) { t_grad_enabled = enabled; }
bool autograd::AnomalyMode::is_enabled() { return t_anomaly_enabled; }
void autograd::AnomalyMode::set_enabled(bool enabled) { t_anomaly_enabled = enabled; }
}  // namespace nabla
