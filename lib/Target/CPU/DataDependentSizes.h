//===- DataDependentSizes.h - Sizes computed from input values -*- C++ -*-===//
//
// Some sizes depend on the values of the inputs, not only on their shapes:
// a reduction over run-time axes, say. Where such a size is index
// arithmetic on elements and dimensions of the model's inputs, it becomes a
// computed symbol: the op defining it is tagged (kComputedSymbolAttr), size
// analysis reads it as that symbol, and a shape function cloned from the
// tagged values' computations becomes the shape kernel, which the runtime
// runs on the inputs before planning the arena.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_DATADEPENDENTSIZES_H
#define KILN_LIB_TARGET_CPU_DATADEPENDENTSIZES_H

#include "CPUProgram.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// The function, beside main, that computes the computed symbols: it takes
/// main's inputs and returns one i64 per symbol, in the order of
/// CPUProgram::computedSymbols.
inline constexpr char kShapeFunctionName[] = "kiln_shapes";

/// Tags the sizes of `main` (linalg on tensors) that size analysis cannot
/// express over the input dimensions but that are computable from the
/// inputs, adding a computed symbol to `program` for each, and builds the
/// shape function computing them.
void tagDataDependentSizes(mlir::func::FuncOp main, CPUProgram &program);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_DATADEPENDENTSIZES_H
