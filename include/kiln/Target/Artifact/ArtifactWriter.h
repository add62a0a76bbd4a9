//===- ArtifactWriter.h - Building .kiln artifacts --------------*- C++ -*-===//
//
// Serializes a compiled model into the artifact format that libkiln_runtime
// loads (lib/Runtime/Artifact.fbs, docs/runtime.md). The description is plain
// C++ data, so kiln-compile fills it from MLIR while the unit tests and the
// fuzzer's seed generator fill it by hand; this library itself needs neither
// MLIR nor LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_ARTIFACT_ARTIFACTWRITER_H
#define KILN_TARGET_ARTIFACT_ARTIFACTWRITER_H

#include "kiln-runtime/kiln_runtime.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln::artifact {

/// The format version the writer produces (see Artifact.fbs).
constexpr uint32_t kFormatMajor = 1;
constexpr uint32_t kFormatMinor = 2;

/// coeff * product(symbols): one term of a SizeExpr.
struct SizeTerm {
  int64_t coeff = 1;
  std::vector<uint32_t> symbols;
};

/// ceil((constant + sum(terms)) / divisor), over the artifact's symbols.
struct SizeExpr {
  int64_t constant = 0;
  std::vector<SizeTerm> terms;
  int64_t divisor = 1;

  static SizeExpr of(int64_t value) { return {value, {}, 1}; }
  static SizeExpr symbol(uint32_t index) { return {0, {{1, {index}}}, 1}; }
  /// coeff * symbols... + constant.
  static SizeExpr product(int64_t coeff, std::vector<uint32_t> symbols,
                          int64_t constant = 0) {
    return {constant, {{coeff, std::move(symbols)}}, 1};
  }
  SizeExpr ceilDiv(int64_t d) const {
    SizeExpr e = *this;
    e.divisor *= d;
    return e;
  }
};

struct TensorDesc {
  std::string name;
  kiln_dtype_t dtype = KILN_DTYPE_FLOAT32;
  std::vector<SizeExpr> dims;
};

struct ConstantDesc {
  std::string name;
  kiln_dtype_t dtype = KILN_DTYPE_FLOAT32;
  std::vector<int64_t> dims;
  /// The raw little-endian bytes, row-major.
  std::vector<uint8_t> data;
  /// Store in the parameter file rather than in the artifact.
  bool external = false;
};

struct BufferDesc {
  std::string name;
  SizeExpr offset, size;
};

enum class BindingKind : uint8_t {
  Input = 0,
  Output = 1,
  Buffer = 2,
  Constant = 3
};

struct BindingDesc {
  BindingKind kind;
  uint32_t index;
};

struct KernelDesc {
  std::string name;
  /// The exported name in the code object.
  std::string symbol;
  std::array<SizeExpr, 3> grid = {SizeExpr::of(1), SizeExpr::of(1),
                                  SizeExpr::of(1)};
  std::vector<BindingDesc> bindings;
  /// CUDA: threads per block (each >= 1, product <= 1024) and dynamic shared
  /// memory per block in bytes. Not written for CPU code.
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t sharedBytes = 0;
};

struct ArtifactDesc {
  std::string producer = "kiln";
  std::vector<std::string> symbols;
  std::vector<TensorDesc> inputs, outputs;
  std::vector<ConstantDesc> constants;
  SizeExpr arenaSize;
  std::vector<BufferDesc> buffers;
  std::vector<KernelDesc> kernels;
  /// Symbols computed from the inputs' values by `shapeKernel`.
  std::vector<uint32_t> computedSymbols;
  std::optional<KernelDesc> shapeKernel;
  /// ElfSharedObject: `codeObject` is an ELF shared object exporting the
  /// kernels (kernel_abi.h). Cuda: `codePtx` holds the PTX of every kernel
  /// (cuda_kernel_abi.h; required) and `codeObject` the cubin for `codeChip`
  /// (may be empty).
  enum class CodeFormat {
    ElfSharedObject,
    Cuda
  } codeFormat = CodeFormat::ElfSharedObject;
  std::vector<uint8_t> codeObject;
  std::string codeTriple;
  std::vector<uint8_t> codePtx;
  /// The GPU architecture of the cubin, e.g. "sm_90".
  std::string codeChip;
  /// Where external constants go, relative to the artifact's directory;
  /// needed only when some constant is external.
  std::string parameterFile;
  /// Format version overrides, for tests of the runtime's version checks.
  uint32_t formatMajor = kFormatMajor, formatMinor = kFormatMinor;
};

/// The artifact's bytes and, when constants are external, the parameter
/// file's bytes.
struct SerializedArtifact {
  std::vector<uint8_t> artifact;
  std::vector<uint8_t> parameters;
};

/// Serializes `desc`. Returns false and sets `error` when the description is
/// inconsistent (an index out of range, data not matching a shape...).
bool serializeArtifact(const ArtifactDesc &desc, SerializedArtifact &out,
                       std::string &error);

/// Serializes `desc` to `path` and, if needed, its parameter file next to it.
bool writeArtifactFile(const ArtifactDesc &desc, const std::string &path,
                       std::string &error);

} // namespace kiln::artifact

#endif // KILN_TARGET_ARTIFACT_ARTIFACTWRITER_H
