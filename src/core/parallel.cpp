#include "nabla/core/parallel.h"

#include "nabla/core/error.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef NABLA_HAVE_CBLAS
#include <cblas.h>
#endif

namespace nabla {

void set_num_threads(int n) {
  NABLA_CHECK(n >= 1, "set_num_threads: expected a thread count >= 1, got ", n);
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
#ifdef NABLA_HAVE_CBLAS
  openblas_set_num_threads(n);
#endif
}

int get_num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace nabla
