//===- BufferRoots.h - The buffers behind memref views ----------*- C++ -*-===//
//
// Whether two memref values can alias is decided by the buffers they view:
// distinct allocations (in a kernel, distinct bindings, kernel_abi.h) never
// overlap. Kernel groups, the CPU's vector hoisting and the GPU's
// accumulator promotion all ask it this way.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_BUFFERROOTS_H
#define KILN_LIB_TARGET_CPU_BUFFERROOTS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace kiln::cpu {

/// The buffer `memref` is a view of (through subviews, reshapes, casts).
mlir::Value getRootBuffer(mlir::Value memref);

/// Adds to `roots` the buffers that `op` (or an op nested in it) names
/// through memref operands; false when it may touch memory another way.
bool collectTouchedBuffers(mlir::Operation *op,
                           llvm::SmallPtrSetImpl<mlir::Value> &roots);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_BUFFERROOTS_H
