//===- Model.h - A loaded, validated artifact -------------------*- C++ -*-===//
//
// kiln_model_t holds a validated artifact in the form the sessions use:
// the flatbuffer is read once, at load time, into plain structs with every
// index and bound already checked, so running never re-validates.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_MODEL_H
#define KILN_LIB_RUNTIME_MODEL_H

#include "CodeObject.h"
#include "Status.h"
#include "SymbolicExpr.h"
#include "kiln-runtime/kernel_abi.h"
#include "kiln-runtime/kiln_runtime.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiln::runtime {

/// Bytes the model reads from: a read-only mapping, a private copy, or the
/// caller's borrowed memory. Frees them on destruction.
class ByteRegion {
public:
  enum class Kind { None, Mapped, Owned, Borrowed };
  ByteRegion() = default;
  ~ByteRegion();
  ByteRegion(const ByteRegion &) = delete;
  ByteRegion &operator=(const ByteRegion &) = delete;

  /// Maps `path` read-only; `what` names the file in errors.
  Status mapFile(const std::string &path, const char *what);
  /// Copies `size` bytes into a 64-byte aligned allocation.
  Status copy(const void *data, size_t size);
  void borrow(const void *data, size_t size);

  const uint8_t *data() const { return bytes; }
  size_t size() const { return length; }

private:
  Kind kind = Kind::None;
  const uint8_t *bytes = nullptr;
  size_t length = 0;
};

/// An input or output, with the C API's view of it precomputed.
struct TensorSignature {
  std::string name;
  kiln_dtype_t dtype = KILN_DTYPE_INVALID;
  std::vector<SymbolicExpr> dims;
  std::vector<int64_t> staticDims;       // -1 where symbolic
  std::vector<std::string> dimNames;     // "" where static
  std::vector<const char *> dimNamePtrs; // into dimNames, NULL where static
};

struct BufferPlan {
  std::string name;
  SymbolicExpr offset, size;
};

enum class BindingKind : uint8_t { Input, Output, Buffer, Constant };

struct KernelBinding {
  BindingKind kind;
  uint32_t index;
};

struct KernelLaunch {
  std::string name;
  kiln_cpu_kernel_fn function = nullptr;
  SymbolicExpr grid[3];
  std::vector<KernelBinding> bindings;
};

} // namespace kiln::runtime

namespace kiln::runtime {
/// The symbolSources entry of a symbol the shape kernel computes.
constexpr uint32_t kComputedSymbol = UINT32_MAX - 1;
} // namespace kiln::runtime

struct kiln_model_t {
  std::atomic<int> refCount{1};

  kiln::runtime::ByteRegion file;       // the artifact
  kiln::runtime::ByteRegion parameters; // the external parameter file, if any

  std::vector<std::string> symbols;
  std::vector<kiln::runtime::TensorSignature> inputs, outputs;
  /// For each symbol, the (input, dim) that binds it, or
  /// (kComputedSymbol, 0) for one the shape kernel computes.
  std::vector<std::pair<uint32_t, uint32_t>> symbolSources;
  std::vector<uint32_t> computedSymbols;
  /// Run before the others to compute `computedSymbols` from the inputs.
  std::optional<kiln::runtime::KernelLaunch> shapeKernel;
  /// Constant data, 64-byte aligned, inside `file` or `parameters`.
  std::vector<const void *> constants;
  kiln::runtime::SymbolicExpr arenaSize;
  std::vector<kiln::runtime::BufferPlan> buffers;
  std::vector<kiln::runtime::KernelLaunch> kernels;
  kiln::runtime::CodeObject code;
};

namespace kiln::runtime {

/// Validates the artifact held in `model->file` and fills `model`.
/// `directory` is where a parameter file is looked up ("" for the current
/// directory).
Status loadArtifact(kiln_model_t &model, const std::string &directory);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_MODEL_H
