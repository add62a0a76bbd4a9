//===- CPUCompiler.h - kiln's CPU code generator ----------------*- C++ -*-===//
//
// Compiles a model in the kiln dialect (after the graph passes) into a .kiln
// artifact for the host CPU: lowering to linalg on tensors, fusion,
// bufferization, kernel formation with a static memory plan, and LLVM X86
// code generation (lib/Target/CPU).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CPU_CPUCOMPILER_H
#define KILN_TARGET_CPU_CPUCOMPILER_H

#include "kiln/Target/Artifact/ArtifactWriter.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln::cpu {

/// Where compilation stops.
enum class CompileStage {
  /// linalg/tensor/arith/math on tensors, after fusion.
  Linalg,
  /// Bufferized kernels in the kernel ABI, before lowering to LLVM.
  Kernels,
  /// The LLVM dialect.
  LLVMDialect,
  /// Optimized LLVM IR (text).
  LLVMIR,
  /// The artifact.
  Artifact,
};

struct CPUCompileOptions {
  CompileStage stage = CompileStage::Artifact;
  unsigned optLevel = 3;
  /// How many workgroups an op is split into (the runtime's threads share
  /// them out), and the fewest loop iterations worth one workgroup.
  int64_t targetWorkgroups = 64;
  int64_t minWorkPerWorkgroup = 4096;
  /// Register tiles and vector code (off: scalar loops, for debugging).
  bool vectorize = true;
  /// Constants of at least this many bytes go to the parameter file next to
  /// the artifact instead of into it; 0 keeps every constant inside.
  uint64_t externalWeightThreshold = 0;
  /// The parameter file's name, relative to the artifact's directory.
  std::string parameterFile;
  /// Each reduction with an initial value of its own (a zero fill shared by
  /// many products cloned for each: on the CPU their workgroups compute it
  /// tile by tile instead of copying it), and on the GPU in one kernel with
  /// it and its elementwise consumer (lib/Target/CPU/KernelGroups.h).
  bool groupKernels = true;
};

struct CPUCompileResult {
  artifact::ArtifactDesc artifact;
  /// The optimized LLVM IR when the stage is LLVMIR.
  std::string llvmIR;
  /// A human-readable summary: the arena size and every kernel.
  std::string report;
};

/// The dialects, interfaces and translations the CPU pipeline needs.
void registerCPUCompilerDialects(mlir::DialectRegistry &registry);

/// Compiles `module` (its function `main` is the model). Stages before the
/// artifact leave their result in `module`; the error names the model part
/// that failed.
llvm::Error compileForCPU(mlir::ModuleOp module,
                          const CPUCompileOptions &options,
                          CPUCompileResult &result);

} // namespace kiln::cpu

#endif // KILN_TARGET_CPU_CPUCOMPILER_H
