//===- Session.h - Session state of both devices ----------------*- C++ -*-===//
//
// kiln_session_t is defined here so that the CUDA device's code
// (CudaSession.cpp) sees the bound inputs and the outputs that the C API
// functions of Session.cpp manage.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_SESSION_H
#define KILN_LIB_RUNTIME_SESSION_H

#include "Model.h"
#include "kiln-runtime/cuda_kernel_abi.h"

#include <cstdlib>
#include <memory>
#include <vector>

namespace kiln::runtime {

/// 64-byte aligned storage that only grows.
class AlignedStorage {
public:
  AlignedStorage() = default;
  AlignedStorage(const AlignedStorage &) = delete;
  AlignedStorage &operator=(const AlignedStorage &) = delete;
  ~AlignedStorage() { std::free(data); }
  Status reserve(uint64_t size, const char *what) {
    if (data && size <= capacity)
      return nullptr;
    uint64_t rounded = 0;
    if (__builtin_add_overflow(size, KILN_BUFFER_ALIGNMENT - 1, &rounded))
      return makeError(KILN_STATUS_OUT_OF_MEMORY, "%s is too large", what);
    rounded = rounded / KILN_BUFFER_ALIGNMENT * KILN_BUFFER_ALIGNMENT;
    if (rounded == 0)
      rounded = KILN_BUFFER_ALIGNMENT;
    void *grown = std::aligned_alloc(KILN_BUFFER_ALIGNMENT, rounded);
    if (!grown)
      return makeError(KILN_STATUS_OUT_OF_MEMORY,
                       "cannot allocate %llu bytes for %s",
                       static_cast<unsigned long long>(size), what);
    std::free(data);
    data = grown;
    capacity = rounded;
    return nullptr;
  }
  void *data = nullptr;
  uint64_t capacity = 0;
};

struct BoundInput {
  bool set = false;
  /// A host pointer, or with `onDevice` a CUDA device pointer.
  const void *data = nullptr;
  bool onDevice = false;
  std::vector<int64_t> dims;
  uint64_t sizeBytes = 0;
};

struct Output {
  /// Host memory of the output (unused while `device` is set).
  AlignedStorage storage;
  /// CUDA: the caller's device memory the output is written to, or null.
  void *device = nullptr;
  /// The bytes at `device`, checked against each run's output size.
  uint64_t deviceBytes = 0;
  std::vector<int64_t> dims;
  uint64_t sizeBytes = 0;
};

class CudaSession;

/// Prints the kernels' times at session end when KILN_PROFILE is set.
struct KernelProfile {
  static bool enabled();
  std::vector<double> seconds;
  std::vector<uint64_t> calls;
  void add(size_t kernel, double s);
  void print(const kiln_model_t &model) const;
};

/// Bytes of a dense tensor of `dims`, or an error naming `what` on
/// overflow.
Status byteSize(kiln_dtype_t dtype, const std::vector<int64_t> &dims,
                const std::string &what, uint64_t &out);

} // namespace kiln::runtime

struct kiln_session_t {
  kiln_session_t();
  ~kiln_session_t();
  kiln_model_t *model = nullptr;
  kiln::runtime::KernelProfile profile;
  std::vector<kiln::runtime::BoundInput> inputs;
  std::vector<int64_t> symbolValues;
  kiln::runtime::AlignedStorage arena;
  std::vector<kiln::runtime::Output> outputs;
  bool hasResults = false;
  std::vector<void *> bindings;

  /// CUDA models: stream, device memory, captured graph.
  std::unique_ptr<kiln::runtime::CudaSession> cuda;

  kiln::runtime::Status setInput(size_t index, kiln_dtype_t dtype,
                                 const int64_t *dims, size_t rank,
                                 const void *data, size_t sizeBytes,
                                 bool onDevice = false);
  /// Evaluates the outputs' shapes and makes room for the host copies.
  kiln::runtime::Status prepareOutputs();
  kiln::runtime::Status bindSymbols();
  /// Runs the shape kernel, if any, on the bound inputs.
  kiln::runtime::Status computeSymbols();
  /// The CPU shape kernel, writing the computed symbols.
  void runShapeKernel();
  kiln::runtime::Status run();
  /// run's steps; on the GPU, run waits for the stream when one fails.
  kiln::runtime::Status runSteps();
  kiln::runtime::Status output(size_t index, kiln_tensor_view_t &view);
};

#endif // KILN_LIB_RUNTIME_SESSION_H
