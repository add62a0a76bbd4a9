//===- HostEmulation.h - CUDA kernels compiled for the host -----*- C++ -*-===//
//
// For testing the CUDA code generator without a GPU: the kernels, lowered
// exactly as for the GPU down to the LLVM and NVVM dialects, are compiled
// for the host instead of PTX (include/kiln-runtime/cuda_host_emulation.h).
// The NVVM special registers become arguments of each kernel's per-thread
// function, barriers calls into the runtime's emulator, libdevice's math
// functions the C library's, and each kernel gets a CPU kernel entry that
// launches its grid through the emulator.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_HOSTEMULATION_H
#define KILN_LIB_TARGET_CUDA_HOSTEMULATION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <vector>

namespace kiln::cuda {

/// A kernel's launch: blocks and threads per block (1-D).
struct EmulatedLaunch {
  int64_t grid = 1;
  int64_t block = 1;
};

/// The host shared object that runs the kernels of `module`'s gpu.module
/// (already lowered to the LLVM and NVVM dialects; consumed) with the
/// launches of `launches`, by kernel name.
llvm::Expected<std::vector<uint8_t>>
emitHostEmulation(mlir::ModuleOp module,
                  const llvm::StringMap<EmulatedLaunch> &launches,
                  unsigned optLevel);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_HOSTEMULATION_H
