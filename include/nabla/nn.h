#pragma once
// nabla::nn: modules, module holders, containers, layers and initialisers.
#include "nabla/nn/functional.h"
#include "nabla/nn/init.h"
#include "nabla/nn/module.h"
#include "nabla/nn/modules/activation.h"
#include "nabla/nn/modules/batchnorm.h"
#include "nabla/nn/modules/container.h"
#include "nabla/nn/modules/embedding.h"
#include "nabla/nn/modules/linear.h"
#include "nabla/nn/modules/loss.h"
#include "nabla/nn/modules/module_dict.h"
#include "nabla/nn/modules/normalization.h"
#include "nabla/nn/ordered_dict.h"
