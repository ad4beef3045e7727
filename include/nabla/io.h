#pragma once
// nabla::io: checkpoints. nabla::save / nabla::load of tensors, modules and optimizer state as safetensors files.
#include "nabla/io/safetensors.h"
#include "nabla/io/atomic_file.h"
