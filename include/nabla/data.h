#pragma once
// nabla::data: datasets (TensorDataset, MNIST, CSV), transforms (Normalize, Stack), samplers and the DataLoader.
#include "nabla/data/csv.h"
#include "nabla/data/dataloader.h"
#include "nabla/data/datasets.h"
#include "nabla/data/example.h"
#include "nabla/data/samplers.h"
#include "nabla/data/transforms.h"
