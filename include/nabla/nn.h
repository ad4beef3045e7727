#pragma once
// nabla::nn: modules, module holders, containers, layers and initialisers.
#include "nabla/nn/functional.h"
#include "nabla/nn/init.h"
#include "nabla/nn/module.h"
#include "nabla/nn/modules/activation.h"
#include "nabla/nn/modules/container.h"
#include "nabla/nn/modules/linear.h"
#include "nabla/nn/ordered_dict.h"
