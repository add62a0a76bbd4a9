//===- FlatConvolution.h - Narrow convolutions over flattened rows -*- C++
//-*-===//
//
// A unit-stride convolution whose output rows are at most 8 pixels wide
// (ResNet's last stage: 7) would use vectors of at most 8 lanes. Over the
// padded input flattened to one row per channel, output pixel (oh, ow) at
// flat position q = oh * W + ow (W: the padded input's width) reads input
// position q + kh * W + kw for tap (kh, kw): a 1-D convolution with taps
// spread by the row pitch, whose flat output (including W - OW columns
// per row that are computed and dropped) is long enough for full-width
// vectors. A 7x7 output over a 9-wide input: 64 flat pixels of which 49
// are kept, in four 16-lane vectors instead of seven half-empty rows.
// With strides (sh, sw), the input is first split into its sh x sw phase
// planes (rows and columns by their remainders), and tap (kh, kw) reads
// plane (kh mod sh, kw mod sw) at q + (kh floordiv sh) * W + kw floordiv sw,
// W now a plane's width.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_FLATCONVOLUTION_H
#define KILN_LIB_TARGET_CPU_FLATCONVOLUTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::cpu {

/// Rewrites `main`'s narrow undilated float NCHW convolutions (on tensors,
/// not 1x1) as flat convolutions: linalg.generic ops over the loops (n, f,
/// q, c, kh, kw) computing out[n, f, q] += in[n, c, q + W * kh + kw] *
/// filter[f, c, kh, kw] (with strides, over the phase planes), marked with
/// the row pitch W.
void flattenNarrowConvolutions(mlir::func::FuncOp main);

/// Whether `op` is a flat convolution made by flattenNarrowConvolutions (or
/// a tile of one).
bool isFlatConvolution(mlir::linalg::LinalgOp op);

/// A flat convolution tile of one channel and one tap (c, kh and kw all 1)
/// as the outer product it is, out[f, q] += filter[f] * in[q] (the input
/// tile is already that tap's window); null when `tile` is not of that
/// form.
mlir::linalg::GenericOp
flatConvolutionTileAsOuterProduct(mlir::RewriterBase &rewriter,
                                  mlir::linalg::LinalgOp tile);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_FLATCONVOLUTION_H
