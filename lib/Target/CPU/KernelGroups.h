//===- KernelGroups.h - A contraction with its initializer and epilogue -*-===//
//
// Kernel formation makes one kernel of every op. On the GPU that costs a
// contraction (a matrix product, a convolution, a reduction) two extra
// passes over its output: one kernel writes the initial value (a zero fill,
// a bias broadcast), the contraction reads it back, and an elementwise
// kernel (a bias add, a ReLU, a residual add) reads the result once more.
// A kernel group is one kernel that runs the three: every thread starts its
// accumulators at the initial value and applies the elementwise op before
// its one store, and a result that nothing else reads never reaches memory.
//
// A group is an `scf.execute_region` (no results, marked kKernelGroupAttr)
// in the bufferized main function around, in order: the private buffer of
// the contraction's result when nothing outside the group reads it (its
// `memref.alloc`), the initializer, the contraction and the epilogue. Its
// ops are chosen so that each thread of the GPU mappings can compute one
// output element through all of them:
//
//   - the contraction's output indexes each of its parallel loops once;
//   - the initializer writes the whole output (a fill, a broadcast, an
//     elementwise generic) and is the last op before the contraction that
//     touches it;
//   - the epilogue is an elementwise generic, the first op after the
//     contraction that touches the output, reading it (and writing its own
//     output) at the same position, and not reading its own output.
//
// Both are moved next to the contraction only where the ops in between do
// not write what they read (nor, for the epilogue's output, what the
// contraction reads).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_KERNELGROUPS_H
#define KILN_LIB_TARGET_CPU_KERNELGROUPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace kiln::cpu {

/// The unit attribute that marks an `scf.execute_region` as a kernel group.
constexpr llvm::StringLiteral kKernelGroupAttr = "kiln.kernel_group";

/// Whether `op` is a kernel group.
bool isKernelGroup(mlir::Operation *op);

/// Whether `op` has one output, indexed by each of its parallel loops once
/// and by nothing else: a group's ops then iterate its outputs in their own
/// order, and so do the GPU mappings of a group or a lone reduction.
bool outputIndexesParallelLoops(mlir::linalg::LinalgOp op);

/// On tensors: gives every reduction whose initial value (a fill or a
/// broadcast) is shared with other ops its own copy of it, so that each
/// joins its reduction (its group on the GPU, its workgroups on the CPU)
/// instead of being copied from one buffer. For both targets.
void cloneSharedInitializers(mlir::func::FuncOp main);

/// On buffers: wraps each contraction of `main` with its initializer and
/// epilogue (where it has either) in a kernel group.
void groupContractionKernels(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_KERNELGROUPS_H
