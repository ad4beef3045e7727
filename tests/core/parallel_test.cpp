// set_num_threads / get_num_threads (torch::set_num_threads): the count takes effect, a bad one is an error, and a
// parallel reduction gives the same value with 1 thread as with 2.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "test_util.h"

namespace nabla {
namespace {

TEST(Parallel, SetNumThreads) {
  const int before = get_num_threads();
  set_num_threads(1);
  EXPECT_EQ(get_num_threads(), 1);
  manual_seed(3);
  const Tensor x = rand({300000}, TensorOptions().dtype(kFloat64));  // past the parallel threshold
  const double one = x.sum().item<double>();
  set_num_threads(2);
  EXPECT_EQ(get_num_threads(), 2);
  EXPECT_NEAR(x.sum().item<double>(), one, 1e-9 * one);
  testing::expect_error([] { set_num_threads(0); }, {"set_num_threads", ">= 1", "0"});
  EXPECT_EQ(get_num_threads(), 2);  // unchanged by the refused call
  set_num_threads(before);
}

}  // namespace
}  // namespace nabla
