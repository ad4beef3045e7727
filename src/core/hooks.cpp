// Ids for module and optimizer hooks (include/nabla/core/hooks.h).
#include "nabla/core/hooks.h"

#include <atomic>

namespace nabla::detail {

unsigned next_hook_id() {
  static std::atomic<unsigned> next{1};
  return next++;
}

}  // namespace nabla::detail
