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

#include <algorithm>
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
  /// A zero-filled, 64-byte aligned allocation of `size` bytes; `out` is
  /// where the caller may write them.
  Status allocateZeroed(size_t size, uint8_t *&out);
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

  bool hasSymbolicDims() const {
    return std::any_of(staticDims.begin(), staticDims.end(),
                       [](int64_t d) { return d < 0; });
  }
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
  /// The entry point's name in the code object.
  std::string symbol;
  /// CPU models only; CUDA models resolve `symbol` in their CudaModel.
  kiln_cpu_kernel_fn function = nullptr;
  SymbolicExpr grid[3];
  std::vector<KernelBinding> bindings;
  /// CUDA only: threads per block and dynamic shared memory bytes.
  uint32_t block[3] = {1, 1, 1};
  uint32_t sharedBytes = 0;
};

class CudaModel;

/// What kiln_model_load_options_t asks for, with the defaults resolved.
struct LoadOptions {
  bool syntheticWeights = false;
  kiln_device_kind_t device = KILN_DEVICE_DEFAULT;
  int32_t cudaDevice = -1;
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
  std::vector<uint64_t> constantSizes;
  kiln::runtime::SymbolicExpr arenaSize;
  std::vector<kiln::runtime::BufferPlan> buffers;
  std::vector<kiln::runtime::KernelLaunch> kernels;
  kiln::runtime::CodeObject code;

  /// KILN_DEVICE_CPU or KILN_DEVICE_CUDA; `target` says it for humans
  /// ("cpu", "cuda:sm_90").
  kiln_device_kind_t device = KILN_DEVICE_CPU;
  std::string target = "cpu";
  /// CUDA models: the module, functions and constants on the GPU.
  std::unique_ptr<kiln::runtime::CudaModel> cuda;

  kiln_model_t();
  ~kiln_model_t();
};

namespace kiln::runtime {

/// Validates the artifact held in `model->file` and fills `model`.
/// `directory` is where a parameter file is looked up ("" for the current
/// directory).
Status loadArtifact(kiln_model_t &model, const std::string &directory,
                    const LoadOptions &options = {});

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_MODEL_H
