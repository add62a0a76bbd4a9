//===- ReshapeSinking.h - Reshapes out of elementwise chains ---*- C++ -*-===//
//
// A reshape between two elementwise ops keeps them apart: fusion sees
// through linalg ops only. The common case is a reduction that keeps its
// axis (ReduceMean with keepdims): the reduction's result, a layer norm's
// variance say, is expanded by a unit dimension before `+ eps` and the
// square root, so those ran as a kernel of their own. Here, before fusion,
//
//   - an elementwise generic whose inputs are all expanded the same way runs
//     on the unexpanded tensors instead, and its result is expanded (the
//     reshape moves past it, towards the chain's end);
//   - an expansion that only inserts unit dimensions, read only by generics,
//     is folded into their indexing maps (they read the unexpanded tensor).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_RESHAPESINKING_H
#define KILN_LIB_TARGET_CPU_RESHAPESINKING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Moves expansions past the elementwise generics of `main` and folds unit
/// expansions into their consumers, as described above.
void sinkExpansions(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_RESHAPESINKING_H
