// What `make bench` prints about nabla before its timings: the CPU kernel set the runtime dispatch picked
// (src/backend/cpu/capability.h; NABLA_CPU_CAPABILITY caps it), the sets this build and CPU could run, and the
// default thread count of nabla's pool (what `nabla train` uses without --threads).
#include <cstdio>

#include "backend/cpu/capability.h"
#include "nabla/nabla.h"

int main() {
  using namespace nabla::cpu;
  std::printf("nabla CPU capability: %s (available:", capability_name(capability()));
  for (Capability c : available_capabilities()) std::printf(" %s", capability_name(c));
  std::printf("), %d threads by default\n", nabla::get_num_threads());
  return 0;
}
