//===- SubByteStorage.h - A byte per sub-byte element -----------*- C++ -*-===//
//
// Tensors of 2- and 4-bit elements (int2, uint2, int4, uint4, float4e2m1)
// are stored with one element per byte, the element's bits in the low bits
// and zeros above: the runtime's layout for these types (numpy's ml_dtypes
// layout), and one the vectorizer can treat as plain bytes. Computations
// keep the narrow types: linalg bodies truncate what they read and
// zero-extend what they write.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_SUBBYTESTORAGE_H
#define KILN_LIB_TARGET_CPU_SUBBYTESTORAGE_H

#include "mlir/IR/BuiltinOps.h"

namespace kiln::cpu {

/// Rewrites every sub-byte tensor of `module` (linalg on tensors) to 8-bit
/// storage. Fails, with an error on the op, where an op cannot be rewritten.
mlir::LogicalResult widenSubByteStorage(mlir::ModuleOp module);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_SUBBYTESTORAGE_H
