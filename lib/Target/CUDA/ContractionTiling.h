//===- ContractionTiling.h - Contractions through shared memory -*- C++ -*-===//
//
// The plain thread mapping (ThreadMapping.h) gives each thread one output of
// a matrix product or convolution and reads both operands from global memory
// for every step of its reduction: a K-deep product reads each operand
// element once per output that uses it. A contraction kernel is instead
// computed as a product of an M-by-K matrix A and a K-by-N matrix B, whatever
// the op's own indexing:
//
//   - M is the flattened parallel dimensions that only one input (A) reads,
//     N those that only the other (B) reads and that include the output's
//     innermost dimension, K the reduction dimensions in loop order; the
//     parallel dimensions both inputs read (a batch) go to the grid. For a
//     convolution A is the filter (M: output channels) and B the image
//     (N: batch and output pixels, K: input channels and taps), an implicit
//     GEMM: the image is gathered through the op's own indexing maps.
//   - A block of 16x16 threads owns an M-by-N tile of outputs, each thread
//     a register tile of 2 or 4 by 2 or 4 of them. Per step of 16 along K,
//     the block's threads copy the A and B slices of the step into shared
//     memory (consecutive threads on consecutive global addresses, several
//     consecutive elements in one vector load of up to 16 bytes where the
//     operand is contiguous and aligned so), wait at a barrier, then every
//     thread updates its register tile from shared memory with 16-byte
//     vector loads (8-byte for a 2-wide tile).
//   - Each output's reduction runs in the op's own order, one K step after
//     the other (results differ from the plain mapping's only where LLVM
//     contracts multiply-adds differently).
//   - In a kernel group (KernelGroupOps.h) the accumulators start at the
//     initializer's value and each output goes through the epilogue before
//     its one store.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_CONTRACTIONTILING_H
#define KILN_LIB_TARGET_CUDA_CONTRACTIONTILING_H

#include "ThreadMapping.h"

#include <optional>

namespace kiln::cuda {

/// Threads of a block along M and along N.
constexpr int64_t kContractionThreads = 16;
/// The K step staged in shared memory at a time.
constexpr int64_t kContractionStep = 16;

/// The default largest side of a thread's register tile.
constexpr int64_t kDefaultMaxRegisterTile = 4;

/// Replaces kernel function `fn` by a shared-memory tiled `gpu.func` in
/// `gpuModule` when its work is one contraction (alone or in a kernel
/// group) whose body is plain
/// arithmetic and whose M, N and K are large enough to fill a tile (or
/// known only at run time: then a fixed grid strides over the tiles);
/// nullopt (and `fn` untouched) otherwise. A thread's register tile has
/// sides of 2 to `maxRegisterTile` (2, 4 or 8) outputs.
std::optional<LaunchShape> tileContractionInSharedMemory(
    mlir::func::FuncOp fn, mlir::gpu::GPUModuleOp gpuModule,
    int64_t maxRegisterTile = kDefaultMaxRegisterTile);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_CONTRACTIONTILING_H
