//===- CUDACompiler.h - kiln's CUDA code generator --------------*- C++ -*-===//
//
// Compiles a model in the kiln dialect (after the graph passes) into a .kiln
// artifact for NVIDIA GPUs: the kernels that the CPU target also forms
// (lib/Target/CPU/KernelProgram.h) are mapped onto blocks and threads,
// lowered through gpu/nvvm and LLVM NVPTX to PTX, and assembled into a cubin
// by ptxas when one is found (lib/Target/CUDA).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CUDA_CUDACOMPILER_H
#define KILN_TARGET_CUDA_CUDACOMPILER_H

#include "kiln/Target/CPU/CPUCompiler.h"

#include <string>

namespace kiln::cuda {

/// The chips `--target=cuda:CHIP` accepts, and the default.
inline constexpr const char *kSupportedChips[] = {"sm_80", "sm_86", "sm_89",
                                                  "sm_90", "sm_90a"};
inline constexpr const char *kDefaultChip = "sm_90";

/// Where compilation stops.
enum class CUDAStage {
  /// linalg/tensor/arith/math on tensors, after fusion.
  Linalg,
  /// The kernels mapped onto blocks and threads (gpu.func), before NVVM.
  Kernels,
  /// The PTX of all kernels (one module).
  PTX,
  /// The artifact.
  Artifact,
};

struct CUDACompileOptions {
  CUDAStage stage = CUDAStage::Artifact;
  /// sm_80, sm_86, sm_89, sm_90 or sm_90a.
  std::string chip = kDefaultChip;
  unsigned optLevel = 3;
  /// Iterations of a reduction's parallel loop one thread computes (1, the
  /// default: one output per thread). Experimental: more outputs per thread
  /// share the loads that do not depend on them; not yet measured on a GPU.
  int64_t outputsPerThread = 1;
  /// Whether a contraction (matrix product, convolution, reduction) runs in
  /// one kernel with its initial value and its elementwise consumer (bias,
  /// activation, residual add): lib/Target/CPU/KernelGroups.h. On by
  /// default; off for comparison and debugging.
  bool groupKernels = true;
  /// Whether matrix products and convolutions are tiled through shared
  /// memory (lib/Target/CUDA/ContractionTiling.h). Experimental until
  /// measured on a GPU: off by default.
  bool tileContractions = false;
  /// The largest side of a tiled contraction's register tile per thread: 2,
  /// 4 (the default) or 8 (up to 128x128 outputs a block, for large
  /// products). Experimental.
  int64_t maxRegisterTile = 4;
  /// Whether a reduction with few outputs (a layer norm's row statistics, a
  /// sum to a scalar) gives each output a block of threads that share its
  /// elements (lib/Target/CUDA/BlockReduction.h). Experimental until
  /// measured on a GPU: off by default.
  bool blockReductions = false;
  /// For testing without a GPU: an artifact for the host CPU that runs the
  /// CUDA kernels (compiled as for the GPU down to NVVM) on emulated
  /// threads (include/kiln-runtime/cuda_host_emulation.h). Stage Artifact
  /// only.
  bool hostEmulation = false;
  /// As for the CPU target (CPUCompileOptions).
  uint64_t externalWeightThreshold = 0;
  std::string parameterFile;
  /// ptxas to assemble the cubin with; empty: $KILN_PTXAS, then ptxas on
  /// PATH, then /usr/local/cuda/bin; "none": do not assemble. Without one
  /// the artifact carries PTX only, which the driver compiles when the
  /// model is loaded.
  std::string ptxasPath;
};

struct CUDACompileResult {
  artifact::ArtifactDesc artifact;
  /// The PTX of all kernels (stages PTX and Artifact).
  std::string ptx;
  /// A human-readable summary: the arena, every kernel with its launch
  /// shape, and ptxas's registers, spills and shared memory.
  std::string report;
  /// A note for the user (e.g. that no ptxas was found), or empty.
  std::string warning;
};

/// Whether `chip` is one of kSupportedChips.
bool isSupportedChip(llvm::StringRef chip);

/// "sm_80, sm_86, sm_89, sm_90 or sm_90a", for errors.
std::string listSupportedChips();

/// Compiles `module` (its function `main` is the model). Stages before the
/// artifact leave their result in `module` (or in `result.ptx`); the error
/// names the model part that failed.
llvm::Error compileForCUDA(mlir::ModuleOp module,
                           const CUDACompileOptions &options,
                           CUDACompileResult &result);

} // namespace kiln::cuda

#endif // KILN_TARGET_CUDA_CUDACOMPILER_H
