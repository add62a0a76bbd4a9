//===- StridedConvolution.h - Strided convolutions as unit-stride ones -*- C++
//-*-===//
//
// A convolution with strides (sh, sw) reads, for the kernel taps of one
// phase (kh mod sh, kw mod sw), only the input rows and columns of that
// phase: it is the sum over the sh * sw phases of unit-stride convolutions
// of the input's phase (a strided slice, copied out contiguous) with the
// kernel's phase. Written so, a strided convolution gets the unit-stride
// convolutions' outer-product tiles instead of strided vector reads.
// It takes what ColumnPhaseConvolution.h and FlatConvolution.h leave: 1x1
// kernels (one phase: a copy and a product) and convolutions whose initial
// value is neither a fill nor a bias broadcast.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_STRIDEDCONVOLUTION_H
#define KILN_LIB_TARGET_CPU_STRIDEDCONVOLUTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace kiln::cpu {

/// Rewrites `main`'s strided, undilated float NCHW convolutions (on
/// tensors) as sums of unit-stride ones.
void decomposeStridedConvolutions(mlir::func::FuncOp main);

/// `input` [N, C, H, W] (static) split into its sh x sw phases, each
/// `rows` x `columns` with zeros past the input: [N, C, sh, sw, rows,
/// columns], phase (ph, pw) holding input rows ph, ph + sh, ... and columns
/// pw, pw + sw, ... Each phase is one copy, split into workgroups.
mlir::Value splitPhases(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, int64_t sh, int64_t sw, int64_t rows,
                        int64_t columns);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_STRIDEDCONVOLUTION_H
