//===- Ptxas.h - Assembling PTX into a cubin --------------------*- C++ -*-===//
//
// kiln-compile runs NVIDIA's ptxas, when it is installed, to turn the PTX of
// a model into a cubin for one chip, and reads its resource report
// (registers, spills, shared memory per kernel) for --report. Without
// ptxas the artifact carries PTX only, which the driver compiles at load.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CUDA_PTXAS_H
#define KILN_LIB_TARGET_CUDA_PTXAS_H

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln::cuda {

/// What ptxas reports about one kernel.
struct KernelResources {
  unsigned registers = 0;
  uint64_t spillStores = 0, spillLoads = 0;
  uint64_t stackFrame = 0;
  uint64_t sharedBytes = 0;
};

struct AssembledPTX {
  std::vector<uint8_t> cubin;
  llvm::StringMap<KernelResources> resources;
};

/// ptxas from `explicitPath` ("none": nullopt; an error when it is not an
/// executable), else $KILN_PTXAS, PATH, $CUDA_HOME/bin or
/// /usr/local/cuda/bin; nullopt when none is found.
llvm::Expected<std::optional<std::string>>
findPtxas(llvm::StringRef explicitPath);

/// The CUDA toolkit whose libdevice (nvvm/libdevice/libdevice.10.bc) the
/// kernels' math functions link: $CUDA_HOME, $CUDA_PATH, the toolkit of
/// `ptxas`, /usr/local/cuda; nullopt when none has it.
std::optional<std::string> findLibdeviceToolkit(llvm::StringRef ptxas);

/// Assembles `ptx` for `chip` (e.g. sm_90) with the ptxas at `ptxas`.
llvm::Expected<AssembledPTX> assemblePTX(llvm::StringRef ptxas,
                                         llvm::StringRef ptx,
                                         llvm::StringRef chip,
                                         unsigned optLevel);

/// The per-kernel resources in ptxas's verbose output (exposed for tests).
llvm::StringMap<KernelResources> parsePtxasReport(llvm::StringRef text);

} // namespace kiln::cuda

#endif // KILN_LIB_TARGET_CUDA_PTXAS_H
