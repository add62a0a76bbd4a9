//===- ColumnPhaseConvolution.h - Strided convolutions over column phases -*-
// C++ -*-===//
//
// A convolution with column stride s reads, for output column ow and kernel
// column kw, input column s * ow + kw: a strided read for a vector of
// output columns. With the input's columns split into their s phases
// (phase p holding columns p, p + s, ...), that column is entry
// ow + kw floordiv s of phase kw mod s, and a vector of output columns
// reads a contiguous run of one phase. Rows stay strided (s * oh + kh):
// they are not the vector dimension. The convolution then has the
// unit-stride convolutions' outer-product tiles, with each output computed
// once (the sum over separate phase convolutions, StridedConvolution.h,
// reads and writes its output once per phase instead).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_COLUMNPHASECONVOLUTION_H
#define KILN_LIB_TARGET_CPU_COLUMNPHASECONVOLUTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::cpu {

/// Rewrites `main`'s strided, undilated float NCHW convolutions and
/// depthwise convolutions (on tensors) whose output rows are wider than 8
/// pixels and whose initial value is a fill or a bias broadcast as
/// column-phase convolutions: linalg.generic ops over the loops (n, f, oh,
/// ow, c, kh, kw), or (n, oh, ow, c, kh, kw) for a depthwise one, reading
/// the phase-split input [n, c, s, h, w / s] at (n, c, kw mod s,
/// sh * oh + kh, ow + kw floordiv s), on output rows padded to whole
/// vectors.
void splitColumnPhases(mlir::func::FuncOp main);

/// Whether `op` is a column-phase convolution made by splitColumnPhases (or
/// a tile of one).
bool isColumnPhaseConvolution(mlir::linalg::LinalgOp op);

/// A column-phase convolution tile of one input channel and one tap (c, kh
/// and kw all 1, one output row) as the outer product it is, out[f, ow] +=
/// filter[f] * in[ow] (a depthwise one's: one channel, the tap's weight
/// times the input row); null when `tile` is not of that form.
mlir::linalg::GenericOp
columnPhaseTileAsOuterProduct(mlir::RewriterBase &rewriter,
                              mlir::linalg::LinalgOp tile);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_COLUMNPHASECONVOLUTION_H
