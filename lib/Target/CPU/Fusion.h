//===- Fusion.h - Fusing elementwise producers into consumers ---*- C++ -*-===//
//
// Elementwise chains are fused into the op that consumes them, so that a
// model does not write every intermediate to memory. A producer is fused
// only where the consumer reads each of its elements once (into a matrix
// product it would be recomputed for every column), and only into its sole
// user, except for a few cheap ops that read one full-size tensor, which
// each of their users computes again (a layer norm's `x - mean`, a softmax's
// `exp(x - max)`). Unit expansions between the ops of a chain are moved out
// of it after a first round (LayoutFolding.h).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_FUSION_H
#define KILN_LIB_TARGET_CPU_FUSION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln::cpu {

/// Fuses the elementwise ops of `module` as described above. With
/// `recomputeMath`, a recomputed op may call math functions (exp): the GPU
/// computes them nearly for free in kernels bound by memory, but the CPU's
/// reductions run scalar, where a fused exp costs more than the pass over
/// memory it saves.
mlir::LogicalResult fuseElementwiseOps(mlir::ModuleOp module,
                                       bool recomputeMath);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_FUSION_H
