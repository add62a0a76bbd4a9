//===- InitialValues.h - Accumulator initial values at other shapes -*- C++
//-*-===//
//
// A convolution's accumulator starts as zeros (a fill) or as its bias
// broadcast over the image (a broadcast of a per-channel vector). The CPU
// passes that change a convolution's output shape (padded rows, pixels as
// one dimension) rebuild such an initial value at the new shape instead of
// padding or reshaping it: no copy of it is made, and each workgroup later
// computes its own tile of it just before use (Parallelization).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_INITIALVALUES_H
#define KILN_LIB_TARGET_CPU_INITIALVALUES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln::cpu {

/// `init` (a fill, or a broadcast of a per-channel vector along dimension
/// 1) made again at `shape`, whose dimension 1 is the channel dimension
/// too. Null when `init` is neither.
mlir::Value rebuildInitialValue(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value init,
                                llvm::ArrayRef<int64_t> shape);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_INITIALVALUES_H
