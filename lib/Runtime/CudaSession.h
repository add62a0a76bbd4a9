//===- CudaSession.h - One session's state on the GPU -----------*- C++ -*-===//
//
// A CUDA session owns a stream and, from the static plan, its device memory:
// the arena, one buffer per input and per output, and the binding tables
// (every kernel's device pointers, then the dims table) in one allocation
// that is mirrored on the host and uploaded only when a pointer changed.
// The kernel launches are captured once as a CUDA graph and replayed: the
// graph reads the tables through fixed addresses, so rebinding a tensor
// never invalidates it.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_CUDASESSION_H
#define KILN_LIB_RUNTIME_CUDASESSION_H

#include "CudaModel.h"
#include "Session.h"

namespace kiln::runtime {

class CudaSession {
public:
  /// Creates the stream and allocates the device memory of a session of
  /// `model` (a CUDA model). `useGraph`: capture and replay the launches.
  static Status create(const kiln_model_t &model, bool useGraph,
                       std::unique_ptr<CudaSession> &out);
  ~CudaSession();
  CudaSession(const CudaSession &) = delete;
  CudaSession &operator=(const CudaSession &) = delete;

  /// One run of `session`, whose inputs are bound and outputs prepared:
  /// copies in, launches (or replays), copies out, synchronizes.
  Status run(kiln_session_t &session);

  /// The session's own device buffers.
  cuda::CUdeviceptr inputBuffer(size_t index) const {
    return inputBuffers[index];
  }
  cuda::CUdeviceptr outputBuffer(size_t index) const {
    return outputBuffers[index];
  }
  cuda::CUstream stream() const { return cudaStream; }

private:
  CudaSession(const kiln_model_t &model, bool useGraph);
  Status allocate();
  /// Queues every kernel launch on the stream (or into the capture).
  Status launchKernels();
  Status captureGraph();

  const kiln_model_t &model;
  const CudaModel &device;
  const cuda::Driver &api;
  bool useGraph;
  cuda::CUstream cudaStream = nullptr;
  cuda::CUdeviceptr arena = 0, io = 0, tables = 0;
  std::vector<cuda::CUdeviceptr> inputBuffers, outputBuffers;
  std::vector<cuda::CUdeviceptr> bufferPointers;
  /// Per kernel: the launch grid and the device address of its table.
  struct Launch {
    unsigned grid[3];
    cuda::CUdeviceptr table;
  };
  std::vector<Launch> launches;
  cuda::CUdeviceptr dims = 0;
  /// The tables as built for this run, and as last uploaded.
  std::vector<uint64_t> hostTables, uploadedTables;
  cuda::CUgraphExec graph = nullptr;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CUDASESSION_H
