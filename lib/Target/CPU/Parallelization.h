//===- Parallelization.h - Splitting ops into workgroups --------*- C++ -*-===//
//
// Tiles the outer parallel loops of every linalg op of the model's main
// function (on tensors) with `scf.forall`, so that after bufferization each
// becomes a kernel whose loop iterations are the workgroups the runtime's
// thread pool spreads over its threads (kernel_abi.h).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_PARALLELIZATION_H
#define KILN_LIB_TARGET_CPU_PARALLELIZATION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Tiles each linalg op of `main` into about `targetWorkgroups` workgroups
/// along at most three of its outer parallel loops; ops too small to be
/// worth splitting (under `minWorkPerGroup` iterations a workgroup) stay
/// whole.
mlir::LogicalResult distributeToWorkgroups(mlir::func::FuncOp main,
                                           int64_t targetWorkgroups,
                                           int64_t minWorkPerGroup);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_PARALLELIZATION_H
