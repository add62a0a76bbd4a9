//===- ThreadMapping.h - CPU-style kernels onto GPU threads -----*- C++ -*-===//
//
// Kernel formation (lib/Target/CPU/KernelFormation.h) leaves one function
// per kernel: it reads its buffers from a binding table and runs one op on
// memrefs (or a kernel group's ops, whose loops GroupLoopFusion.h makes
// one). Thread mapping turns each into a `gpu.func` kernel with the CUDA
// kernel ABI (cuda_kernel_abi.h: the binding table and the dims table, both
// in device memory): the op's loops become parallel loops with every
// parallel dimension outermost, and the iterations of those parallel
// dimensions are spread over the threads of a 1-D grid, one iteration per
// thread, consecutive threads on the innermost dimension so that a warp's
// accesses to row-major outputs coalesce (a fixed grid strides over loops
// whose extent is known only at run time). A reduction runs sequentially
// inside its thread. A kernel whose work is not one parallel loop (a
// reduction to a scalar, a recurrence) runs on a single thread.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_THREADMAPPING_H
#define KILN_LIB_TARGET_CUDA_THREADMAPPING_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/IRMapping.h"

#include <array>
#include <cstdint>

namespace kiln::cuda {

/// How a kernel is launched.
struct LaunchShape {
  std::array<int64_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  /// Whether all its work runs on one thread.
  bool singleThread = false;
  /// Iterations of its parallel loop each thread computes.
  int64_t outputsPerThread = 1;
  /// The block's tile of a contraction staged through shared memory (M, N
  /// and K; ContractionTiling.h), or zeros.
  std::array<int64_t, 3> sharedTile = {0, 0, 0};
  /// Threads of a block that share one output's reduction
  /// (BlockReduction.h), or 0.
  int64_t reductionThreads = 0;
};

/// Threads per block of a mapped parallel loop.
constexpr int64_t kThreadsPerBlock = 256;
/// Blocks that keep every SM of an H100/H200 (132) busy with two blocks.
constexpr int64_t kBlocksToFill = 264;
/// Blocks of a loop whose extent is known only at run time.
constexpr int64_t kStridingBlocks = kBlocksToFill;

/// Whether `op` at most reads memory (a binding table entry, an element of
/// an input that a size depends on): every thread may run it.
bool isReadOnly(mlir::Operation *op);

/// An empty `gpu.func` kernel named as kernel function `fn`, with the CUDA
/// kernel ABI and `shape`'s block size, in `gpuModule`; `mapping` takes
/// `fn`'s arguments to its own (the workgroup ids to 0).
mlir::gpu::GPUFuncOp createKernelFunc(mlir::func::FuncOp fn,
                                      mlir::gpu::GPUModuleOp gpuModule,
                                      const LaunchShape &shape,
                                      mlir::IRMapping &mapping);

/// Makes every linalg op's parallel dimensions its outermost loops, then
/// lowers linalg to loops (parallel loops for the parallel dimensions).
/// Runs on the kernel functions of `module`.
mlir::LogicalResult lowerKernelsToParallelLoops(mlir::ModuleOp module);

/// Replaces kernel function `fn` (lowered by lowerKernelsToParallelLoops) by
/// a `gpu.func` of the same name in `gpuModule`. With `coarsening` > 1, a
/// thread of a reduction's static parallel loop computes that many
/// consecutive iterations along an outer dimension, their reductions in
/// one loop (loads that do not depend on that dimension issued once).
mlir::FailureOr<LaunchShape>
mapKernelToThreads(mlir::func::FuncOp fn, mlir::gpu::GPUModuleOp gpuModule,
                   int64_t coarsening = 1);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_THREADMAPPING_H
