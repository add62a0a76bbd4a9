//===- WeightPacking.h - Constant weights laid out for the kernels -*- C++
//-*-===//
//
// A matrix product reads its right-hand side a register tile's width of
// columns at a time, down the whole reduction. With the weights row-major,
// consecutive reads are a row apart (kilobytes, a new page every few
// steps); packed into panels of kPanelColumns columns, each panel is one
// contiguous stream. Constant weights are packed once, at compile time, and
// the product is rewritten over the panels.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_WEIGHTPACKING_H
#define KILN_LIB_TARGET_CPU_WEIGHTPACKING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Rewrites the contractions of `main` (linalg on tensors) whose right-hand
/// side is a 2-D constant into contractions over packed panels.
void packConstantWeights(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_WEIGHTPACKING_H
