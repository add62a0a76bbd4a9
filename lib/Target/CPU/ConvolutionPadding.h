//===- ConvolutionPadding.h - Output rows a whole number of vectors -*- C++
//-*-===//
//
// A unit-stride convolution's register tile is an outer product of filter
// values and a vector of output pixels along a row. Rows of 56, 28, 14 or
// 7 pixels (every ResNet stage) are no whole number of 16- or 32-wide
// vectors; rather than masked or scalar remainders, the convolution is
// computed on rows padded to one (the input padded with zeros on the right
// to match) and the extra columns are sliced away: a few percent more
// arithmetic for full-width vectors everywhere.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_CONVOLUTIONPADDING_H
#define KILN_LIB_TARGET_CPU_CONVOLUTIONPADDING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace kiln::cpu {

/// Pads the output rows of `main`'s unit-stride float NCHW convolutions (on
/// tensors) to a width getConvolutionVectorWidth accepts.
void padConvolutionRows(mlir::func::FuncOp main);

/// `value` (a static tensor) with `extra` zeros appended along dimension
/// `dim`. A zero padding it already is (a convolution's own) grows instead
/// of being padded again: one copy of the input, not two.
mlir::Value appendZeros(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, int64_t dim, int64_t extra);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_CONVOLUTIONPADDING_H
