//===- NativeCode.h - LLVM dialect to a loadable code object ----*- C++ -*-===//
//
// The last step of the CPU code generator: the kernels, lowered to the LLVM
// dialect, are translated to LLVM IR, optimized and compiled for the host
// CPU, and linked into the ELF shared object that the artifact carries and
// libkiln_runtime loads (kernel_abi.h).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_NATIVECODE_H
#define KILN_LIB_TARGET_CPU_NATIVECODE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::cpu {

struct NativeTarget {
  std::string triple;
  std::string cpu;
  std::string features;
};

/// The machine kiln-compile runs on.
NativeTarget getHostTarget();

/// Translates and optimizes `module` (LLVM dialect). When `llvmIR` is given,
/// it receives the optimized LLVM IR and no code is generated.
llvm::Expected<std::vector<uint8_t>>
emitSharedObject(mlir::ModuleOp module, const NativeTarget &target,
                 unsigned optLevel, std::string *llvmIR = nullptr);

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_NATIVECODE_H
