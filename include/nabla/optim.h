#pragma once
// nabla::optim: SGD, Adam, AdamW, RMSprop and Adagrad over parameter groups, and the LR schedulers.
#include "nabla/optim/adagrad.h"
#include "nabla/optim/adam.h"
#include "nabla/optim/adamw.h"
#include "nabla/optim/lr_scheduler.h"
#include "nabla/optim/optimizer.h"
#include "nabla/optim/rmsprop.h"
#include "nabla/optim/sgd.h"
