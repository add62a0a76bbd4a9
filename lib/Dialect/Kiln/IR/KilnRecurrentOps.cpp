//===- KilnRecurrentOps.cpp - recurrent operations --------------------------------===//

#include "KilnTypeInference.h"
#include "kiln/Dialect/Kiln/IR/KilnOps.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::detail;
