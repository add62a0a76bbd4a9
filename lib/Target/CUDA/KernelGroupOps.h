//===- KernelGroupOps.h - The ops of a kernel function ----------*- C++ -*-===//
//
// A kernel function computes one linalg op or a kernel group
// (lib/Target/CPU/KernelGroups.h): an initializer, a lead op with
// reductions and an epilogue, and the lead's private output buffer. The GPU
// mappings that compute a reduction their own way (shared-memory tiles,
// reductions across a block's threads) take the group apart here, start
// their accumulators at its initial value and store their results as the
// group does.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_KERNELGROUPOPS_H
#define KILN_LIB_TARGET_CUDA_KERNELGROUPOPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"

#include <optional>

namespace kiln::cuda {

struct KernelOps {
  /// The op with reductions; the ops that compute its initial value and
  /// consume its result (both optional), and its output's buffer when only
  /// the group uses it (then never written).
  mlir::linalg::LinalgOp lead, initializer, epilogue;
  mlir::memref::AllocOp privateOutput;

  /// Whether `op` is one of the group's (the rest of the function computes
  /// views and sizes, which every mapping clones).
  bool contains(mlir::Operation *op);
  /// The lead's initial value at `position` of its output: the
  /// initializer's value there, or the output's element. `mapping` takes
  /// the function's values to the kernel's.
  mlir::Value initialValue(mlir::OpBuilder &b, mlir::Location loc,
                           const mlir::IRMapping &mapping,
                           mlir::ValueRange position);
  /// Stores the lead's `result` at `position` of its output as the group
  /// does: through the epilogue into its output, and into the lead's own
  /// output unless that is private or the epilogue's.
  void storeResult(mlir::OpBuilder &b, mlir::Location loc,
                   const mlir::IRMapping &mapping, mlir::ValueRange position,
                   mlir::Value result);
};

/// Clones the body of `op` for the loop position `position` (a value per
/// loop): each input loaded through its indexing map (`given`, if any,
/// taken as `value` instead), `linalg.index` as the position, and every op
/// but `skip`; returns the clone of `result` (by default the yielded
/// value). `mapping` takes the function's values to the kernel's.
mlir::Value
cloneBodyAt(mlir::OpBuilder &b, mlir::Location loc, mlir::linalg::LinalgOp op,
            const mlir::IRMapping &mapping, mlir::ValueRange position,
            mlir::OpOperand *given = nullptr, mlir::Value value = {},
            mlir::Operation *skip = nullptr, mlir::Value result = {});

/// Sets `position` of each loop in `loops` from `flat`, their row-major
/// linear index, given each loop's extent in `extents` (a value per loop).
void delinearizeLoops(mlir::OpBuilder &b, mlir::Location loc, mlir::Value flat,
                      llvm::ArrayRef<unsigned> loops, mlir::ValueRange extents,
                      llvm::MutableArrayRef<mlir::Value> position);

/// The ops of kernel function `fn` when it computes one op with reductions
/// (alone or in a kernel group) and nothing else writes memory.
std::optional<KernelOps> matchKernelOps(mlir::func::FuncOp fn);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_KERNELGROUPOPS_H
