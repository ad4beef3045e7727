// Temporary stubs: the nn ops not implemented yet. Delete each line as its op lands; delete the file when empty.
#include "nabla/nabla.h"

namespace nabla {
Tensor nn::functional::mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) { NABLA_FAIL("mse_loss: not implemented yet"); }
Tensor nn::functional::dropout(const Tensor& input, const DropoutFuncOptions& options) { NABLA_FAIL("dropout: not implemented yet"); }
Tensor dropout(const Tensor& input, double p, bool train) { NABLA_FAIL("dropout: not implemented yet"); }
}  // namespace nabla
