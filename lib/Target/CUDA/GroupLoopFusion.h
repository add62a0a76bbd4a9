//===- GroupLoopFusion.h - One thread loop for a kernel group ---*- C++ -*-===//
//
// A kernel group (lib/Target/CPU/KernelGroups.h) lowered to loops is one
// parallel loop per op (initializer, contraction, epilogue), all over the
// positions of the contraction's output in the same order. They become one
// loop whose body runs the three at one position, so that the plain thread
// mapping gives each thread one output through all of them; then the
// accumulator lives in a register from its initial value to the epilogue
// (stores forwarded to the loads after them), and the group's private
// buffer, no longer read, is no longer written nor allocated.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_GROUPLOOPFUSION_H
#define KILN_LIB_TARGET_CUDA_GROUPLOOPFUSION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cuda {

/// Fuses the parallel loops of kernel function `fn` (lowered by
/// lowerKernelsToParallelLoops) when it has several, and removes its
/// private buffer; fails, with an error, when they do not line up.
mlir::LogicalResult fuseGroupLoops(mlir::func::FuncOp fn);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_GROUPLOOPFUSION_H
