//===- CPUProgram.h - A model split into CPU kernels ------------*- C++ -*-===//
//
// What the CPU code generator knows about a model between kernel formation
// and the artifact: its signature over symbolic dimensions, its weights, the
// intermediate buffers with their lifetimes, and the kernels in execution
// order with what each one binds. The MLIR module beside it holds the
// kernels' code.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_TARGET_CPU_CPUPROGRAM_H
#define KILN_LIB_TARGET_CPU_CPUPROGRAM_H

#include "SymbolicSize.h"

#include "kiln/Target/Artifact/ArtifactWriter.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace kiln::cpu {

struct ProgramTensor {
  std::string name;
  kiln_dtype_t dtype = KILN_DTYPE_FLOAT32;
  std::vector<SymbolicSize> dims;
};

struct ProgramConstant {
  std::string name;
  kiln_dtype_t dtype = KILN_DTYPE_FLOAT32;
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// An intermediate buffer: it lives in the session's arena from the first
/// kernel that binds it to the last.
struct ProgramBuffer {
  std::string name;
  SymbolicSize bytes;
  unsigned firstKernel = 0, lastKernel = 0;
  /// Filled by the memory planner.
  SymbolicSize offset;
};

struct ProgramKernel {
  /// The exported function in the code object.
  std::string symbol;
  /// The ops it runs, for --report.
  std::string description;
  std::vector<artifact::BindingDesc> bindings;
  std::array<SymbolicSize, 3> grid = {SymbolicSize::constant(1),
                                      SymbolicSize::constant(1),
                                      SymbolicSize::constant(1)};
};

struct CPUProgram {
  std::vector<std::string> symbols;
  std::vector<ProgramTensor> inputs, outputs;
  std::vector<ProgramConstant> constants;
  std::vector<ProgramBuffer> buffers;
  std::vector<ProgramKernel> kernels;
  SymbolicSize arenaBytes;
  /// Symbols no input dimension binds: sizes that depend on the inputs'
  /// values, written by `shapeKernel` before anything else runs.
  std::vector<uint32_t> computedSymbols;
  std::optional<ProgramKernel> shapeKernel;

  /// The index of symbol `name`, added when new.
  uint32_t getOrAddSymbol(const std::string &name);
};

} // namespace kiln::cpu

#endif // KILN_LIB_TARGET_CPU_CPUPROGRAM_H
