//===- AccumulatorPromotion.h - Accumulators in registers -------*- C++ -*-===//
//
// The loop lowering of a linalg reduction loads the output element, adds to
// it and stores it back on every iteration. On the GPU the element lives in
// global memory, and LLVM cannot keep it in a register: it cannot prove that
// the kernel's buffers do not alias (they come from the binding table). kiln
// can: the bindings of one kernel never overlap (the memory plan gives buffers
// that live at the same time distinct bytes). Promotion makes such a
// load/store pair an iteration argument of the loop: one load before it, one
// store after it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_ACCUMULATORPROMOTION_H
#define KILN_LIB_TARGET_CUDA_ACCUMULATORPROMOTION_H

#include "mlir/IR/Operation.h"

namespace kiln::cuda {

/// Promotes, innermost loop first, every scf.for's load/store pair of one
/// loop-invariant element of a buffer that nothing else in the loop
/// touches.
void promoteAccumulators(mlir::Operation *root);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_ACCUMULATORPROMOTION_H
