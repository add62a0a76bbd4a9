//===- Vectorization.h - Register tiles and vector code for CPUs -*- C++
//-*-===//
//
// The CPU code generator's loop-level optimizations:
//  - inside each workgroup, contractions are tiled into register tiles
//    (8 rows x up to 32 columns, one reduction step at a time, the
//    reduction cut into cache-sized blocks), unit-stride, flat and
//    column-phase convolutions into outer-product tiles (filters by a row
//    of pixels, one channel and tap at a time), depthwise ones into rows
//    of one channel, other 2-D NCHW convolutions into tiles of one output
//    row that become vectorizable 1-D convolutions, and elementwise ops
//    into rows; then vectorized;
//  - after bufferization, the accumulators of a register tile are kept in
//    registers across its reduction loop, and short tap loops unrolled.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_VECTORIZATION_H
#define KILN_LIB_TARGET_CPU_VECTORIZATION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace kiln::cpu {

/// The register tile of `op` (sizes over its loops; 0 keeps a loop whole),
/// or nothing when it is not vectorized.
llvm::SmallVector<int64_t> chooseRegisterTile(mlir::linalg::LinalgOp op);

/// The vector width (pixels) of a unit-stride convolution's register tile:
/// 32 or 16 when they divide the output width, the width itself when it is
/// a power of two from 8 to 16, else 0 (no outer-product tiles; see
/// ConvolutionPadding.h).
int64_t getConvolutionVectorWidth(mlir::linalg::Conv2DNchwFchwOp conv);

/// The order in which to split and tile `op`'s loops, or nothing for its
/// own: when the operand that the output's columns index (a convolution's
/// or 1x1 convolution's image, a product's right-hand side) is the larger
/// one, its loops come first, so that workgroups and register tiles stream
/// it once through the smaller operand instead of re-reading it for every
/// tile of the other.
std::optional<llvm::SmallVector<int64_t>>
getStreamingLoopOrder(mlir::linalg::LinalgOp op);

/// The body of a float multiply-add generic, out += in0 * in1: the form
/// every convolution rewrite and register tile of the CPU code generator
/// builds, which vectorization turns into FMAs.
void buildMultiplyAdd(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::ValueRange args);

/// Replaces `tile` (a register tile of two inputs and one output) by the
/// multiply-add generic over the same loops and operands indexed by `maps`:
/// how a convolution tile of one channel and one tap becomes the outer
/// product (or scaled sum) it is.
mlir::linalg::GenericOp
replaceByMultiplyAdd(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp tile,
                     llvm::ArrayRef<mlir::AffineMap> maps);

/// Tiles and vectorizes the linalg ops inside `main`'s workgroup loops
/// (scf.forall, on tensors). Ops that cannot be vectorized stay scalar.
void vectorizeWorkgroups(mlir::func::FuncOp main);

/// After bufferization and kernel formation: hoists loop-invariant vector
/// loads and stores (accumulators) out of reduction loops.
void hoistVectorTransfers(mlir::ModuleOp module);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_VECTORIZATION_H
