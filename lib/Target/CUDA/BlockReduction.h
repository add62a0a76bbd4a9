//===- BlockReduction.h - One output's reduction across a block -*- C++ -*-===//
//
// The plain thread mapping (ThreadMapping.h) gives each output of a
// reduction one thread, which walks the whole reduction alone. Where there
// are few outputs and long reductions (a layer norm's row statistics: 128
// rows of 768 at batch 1; a reduction to one scalar) that leaves most of
// the GPU idle and every thread waiting on a chain of dependent loads.
// Instead, a block of threads shares one output: each thread combines the
// elements tid, tid + threads, ..., then the block combines the threads'
// partial results in shared memory in halving steps (a barrier after each),
// and thread 0 combines the result with the initial value and stores it
// (through the epilogue of a kernel group, KernelGroupOps.h).
//
// Only for reductions whose combining op is associative and commutative
// (sums, products, minimum, maximum, bitwise ops): the order of
// combination changes (float sums round differently).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_BLOCKREDUCTION_H
#define KILN_LIB_TARGET_CUDA_BLOCKREDUCTION_H

#include "ThreadMapping.h"

#include <optional>

namespace kiln::cuda {

/// The most threads that share one output.
constexpr int64_t kReductionThreads = 256;

/// Replaces kernel function `fn` by a `gpu.func` in `gpuModule` with one
/// block per output when its work is one reduction (alone or in a kernel
/// group) with static sizes, fewer outputs than would fill the GPU with
/// threads and at least 32 elements each; nullopt (and `fn` untouched)
/// otherwise.
std::optional<LaunchShape> reduceAcrossBlocks(mlir::func::FuncOp fn,
                                              mlir::gpu::GPUModuleOp gpuModule);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_BLOCKREDUCTION_H
