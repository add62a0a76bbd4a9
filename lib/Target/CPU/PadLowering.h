//===- PadLowering.h - Paddings as parallel linalg ops ----------*- C++ -*-===//
//
// Bufferization turns a tensor.pad into a fill and a copy of the source
// that run as single-threaded kernels after the model has been split into
// workgroups (a ResNet-50 pads before every 3x3 convolution). Rewritten
// beforehand as a linalg.fill of the padding value and a linalg.copy of
// the source into the interior, both are split and vectorized like any
// other elementwise op, and the interior is written in place.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_PADLOWERING_H
#define KILN_LIB_TARGET_CPU_PADLOWERING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Rewrites `main`'s constant-value, static-shape tensor.pad ops (on
/// tensors) as linalg.fill + linalg.copy into the interior.
void lowerPads(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_PADLOWERING_H
