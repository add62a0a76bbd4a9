//===- KernelProgram.h - A model as kernels over memrefs --------*- C++ -*-===//
//
// The half of code generation that the CPU and the CUDA targets share: the
// model is lowered to linalg, fused, bufferized and split into kernel
// functions (KernelFormation.h) with a static memory plan (CPUProgram.h).
// The CPU target shapes those kernels into vectorized workgroups for the
// runtime's thread pool; the CUDA target (lib/Target/CUDA) takes them as
// plain loops and maps them onto blocks and threads.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_KERNELPROGRAM_H
#define KILN_LIB_TARGET_CPU_KERNELPROGRAM_H

#include "CPUProgram.h"

#include "kiln/Target/CPU/CPUCompiler.h"

#include "mlir/Pass/PassManager.h"

namespace kiln::cpu {

/// How kernel formation shapes the kernels for their target.
enum class KernelStyle {
  /// Workgroups for the runtime's thread pool, vector code and packed
  /// weights, as `options` asks.
  CPU,
  /// One op per kernel (or a kernel group, KernelGroups.h), lowered no
  /// further than linalg on memrefs, and weights in their ONNX layout: the
  /// GPU code generator maps the loops.
  GPU,
};

/// Lowers the model in `module` (its function `main`) to kernel functions
/// with the kernel ABI and fills `program`, memory plan included. With
/// `options.stage` Linalg it stops after fusion, leaving linalg on tensors.
llvm::Error formKernelProgram(mlir::ModuleOp module,
                              const CPUCompileOptions &options,
                              KernelStyle style, CPUProgram &program);

/// The artifact of `program` without its code object.
artifact::ArtifactDesc toArtifact(const CPUProgram &program,
                                  const CPUCompileOptions &options);

/// The arena, the weights and the computed sizes, for --report.
std::string describePlan(const CPUProgram &program);

/// describePlan and one line per kernel, for the CPU target's --report.
std::string makeReport(const CPUProgram &program);

/// Appends a textual pipeline of upstream passes.
llvm::Error addPipeline(mlir::OpPassManager &pm, llvm::StringRef pipeline);

/// Runs the passes `build` adds; the error names `what` failed.
llvm::Error
runPipeline(mlir::ModuleOp module, llvm::StringRef what,
            llvm::function_ref<llvm::Error(mlir::PassManager &)> build);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_KERNELPROGRAM_H
