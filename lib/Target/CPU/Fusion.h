//===- Fusion.h - Fusing elementwise producers into consumers ---*- C++ -*-===//
//
// Elementwise chains are fused into the op that consumes them, so that a
// model does not write every intermediate to memory. A producer is fused
// only where the consumer reads each of its elements once (into a matrix
// product it would be recomputed for every column), and only into its sole
// user (never duplicated).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_FUSION_H
#define KILN_LIB_TARGET_CPU_FUSION_H

#include "mlir/IR/BuiltinOps.h"

namespace kiln::cpu {

mlir::LogicalResult fuseElementwiseOps(mlir::ModuleOp module);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_FUSION_H
