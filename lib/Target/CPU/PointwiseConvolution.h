//===- PointwiseConvolution.h - 1x1 convolutions as products ---*- C++ -*-===//
//
// A 1x1 convolution with unit strides is a matrix product per image: the
// filters [F, C] times the image [C, H*W]. Written as one, its register
// tiles run along the contiguous pixels of the whole image rather than
// one row: no row padding for 56x56 images, full 512-bit vectors for 7x7
// ones (their 49 pixels padded to 64).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_POINTWISECONVOLUTION_H
#define KILN_LIB_TARGET_CPU_POINTWISECONVOLUTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln::cpu {

/// Rewrites the 1x1, unit-stride float NCHW convolutions of `main` (on
/// tensors) as matrix products over pixel counts padded to 16.
void convertPointwiseConvolutions(mlir::func::FuncOp main);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_POINTWISECONVOLUTION_H
