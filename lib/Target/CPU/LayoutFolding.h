//===- LayoutFolding.h - Transposes and reshapes read in place --*- C++ -*-===//
//
// A transpose or a reshape between two ops is a copy (a kernel, on the GPU)
// and keeps elementwise fusion apart: it sees through linalg ops only.
// Where the ops reading one are generics, it folds into their indexing maps
// instead: they read its input in place.
//
// Unit dimensions. A reduction that keeps its axis (ReduceMean with
// keepdims) expands its result by a unit dimension, so a layer norm's
// `+ eps` and square root ran as a kernel of their own. Between a first
// round of fusion (which brings constants such as epsilon into the ops that
// use them) and the next,
//   - an elementwise generic whose inputs are all expanded by the same unit
//     dimensions runs on the unexpanded tensors, and its result is expanded
//     instead (the expansion moves towards the chain's end);
//   - an expansion that only inserts unit dimensions, read only by
//     generics, is folded into their maps (unless a reader would then index
//     one of its loops nowhere).
//
// Transposes (the GPU only: the CPU's vector code wants the transposed
// layout contiguous). A transpose read only by generics, directly or
// through a collapse_shape (attention's heads merged back into the hidden
// dimension before the output projection; the reader's loops are split to
// match), is folded into their maps.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_LAYOUTFOLDING_H
#define KILN_LIB_TARGET_CPU_LAYOUTFOLDING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Moves unit expansions past the elementwise generics of `function` and
/// folds them into their readers, as described above.
void sinkUnitExpansions(mlir::func::FuncOp function);

/// Folds each linalg.transpose of `main` read only by generics (directly or
/// through one collapse_shape) into their indexing maps.
void foldTransposesIntoConsumers(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_LAYOUTFOLDING_H
