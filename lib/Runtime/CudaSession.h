//===- CudaSession.h - One session's state on the GPU -----------*- C++ -*-===//
//
// A CUDA session owns a stream and its device memory: the arena and the
// outputs, planned for the shapes of the last run (again when they change),
// one buffer per input, and the binding tables
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

  /// Copies the host inputs of `session` to the GPU and, when the model
  /// has a shape kernel, runs it there and reads the computed symbols back
  /// into `session.symbolValues`.
  Status computeSymbols(kiln_session_t &session);

  /// One run of `session`, after computeSymbols and with its outputs
  /// prepared: plans the arena for new shapes, launches (or replays),
  /// copies the outputs out, synchronizes.
  Status run(kiln_session_t &session);

  /// The session's own device buffers (valid after a run, until the shapes
  /// change).
  cuda::CUdeviceptr inputBuffer(size_t index) const {
    return inputBuffers[index].pointer;
  }
  cuda::CUdeviceptr outputBuffer(size_t index) const {
    return index < outputBuffers.size() ? outputBuffers[index] : 0;
  }
  cuda::CUstream stream() const { return cudaStream; }

  /// Waits for the stream, errors ignored: after a failed run no copy may
  /// still read the caller's memory.
  void drain();

private:
  CudaSession(const kiln_model_t &model, bool useGraph);
  Status allocateTables();
  Status uploadInputs(kiln_session_t &session);
  cuda::CUdeviceptr inputPointer(const kiln_session_t &session,
                                 size_t index) const;
  /// Uploads the binding tables and the symbol values when they changed.
  Status uploadTables(kiln_session_t &session);
  /// The arena, the outputs' buffers and the grids for `symbolValues`.
  Status plan(const std::vector<int64_t> &symbolValues,
              const kiln_session_t &session);
  /// Queues every kernel launch on the stream (or into the capture).
  Status launchKernels();
  /// Queues kernel `k`'s launch (none for an empty grid).
  Status launchKernel(size_t k);
  /// With KILN_PROFILE: launches the kernels one by one between events,
  /// waits for them, and adds each kernel's GPU time to `profile`.
  Status launchKernelsTimed(KernelProfile &profile);
  Status captureGraph();

  const kiln_model_t &model;
  const CudaModel &device;
  const cuda::Driver &api;
  bool useGraph;
  cuda::CUstream cudaStream = nullptr;
  cuda::CUdeviceptr arena = 0, outputMemory = 0, tables = 0;
  /// One allocation per input, grown when a larger input comes.
  struct InputBuffer {
    cuda::CUdeviceptr pointer = 0;
    uint64_t capacity = 0;
  };
  std::vector<InputBuffer> inputBuffers;
  std::vector<cuda::CUdeviceptr> outputBuffers;
  std::vector<cuda::CUdeviceptr> bufferPointers;
  /// Per kernel: the launch grid and the device address of its table.
  struct Launch {
    unsigned grid[3] = {0, 0, 0};
    cuda::CUdeviceptr table = 0;
    /// Whether the grid has no blocks: nothing to launch.
    bool isEmpty() const;
  };
  std::vector<Launch> launches;
  cuda::CUdeviceptr dims = 0;
  /// The tables as built for this run, and as last uploaded.
  std::vector<uint64_t> hostTables, uploadedTables;
  /// The symbol values the arena, the outputs and the grids were planned
  /// for.
  std::vector<int64_t> plannedSymbols;
  bool planned = false;
  cuda::CUgraphExec graph = nullptr;
  /// KILN_PROFILE's events: one before each kernel, one after the last.
  std::vector<cuda::CUevent> events;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CUDASESSION_H
