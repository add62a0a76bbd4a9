//===- PointwiseConvolution.h - 1x1 convolutions as products ----*- C++ -*-===//
//
// A 1x1 convolution with unit strides is a matrix product per image: the
// filters [F, C] times the image [C, H*W]. Written as one, it gets the
// contraction's register tiles, whose columns run along contiguous pixels.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_POINTWISECONVOLUTION_H
#define KILN_LIB_TARGET_CPU_POINTWISECONVOLUTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Rewrites the 1x1, unit-stride NCHW convolutions of `main` (on tensors).
void convertPointwiseConvolutions(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_POINTWISECONVOLUTION_H
