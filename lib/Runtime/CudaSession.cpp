//===- CudaSession.cpp - One session's state on the GPU -------------------===//

#include "CudaSession.h"

#include "ArenaPlan.h"

#include <cstring>

namespace kiln::runtime {
using namespace cuda;

namespace {

uint64_t alignUp(uint64_t value) {
  return (value + KILN_CUDA_BUFFER_ALIGNMENT - 1) / KILN_CUDA_BUFFER_ALIGNMENT *
         KILN_CUDA_BUFFER_ALIGNMENT;
}

} // namespace

CudaSession::CudaSession(const kiln_model_t &model, bool useGraph)
    : model(model), device(*model.cuda), api(model.cuda->api),
      useGraph(useGraph) {}

Status CudaSession::create(const kiln_model_t &model, bool useGraph,
                           std::unique_ptr<CudaSession> &out) {
  std::unique_ptr<CudaSession> session(new CudaSession(model, useGraph));
  ContextScope scope(session->api, session->device.context);
  KILN_RETURN_IF_ERROR(scope.status());
  const Driver &api = session->api;
  KILN_CUDA_CHECK(
      api.cuStreamCreate(&session->cudaStream, CU_STREAM_NON_BLOCKING),
      "creating the session's CUDA stream");
  KILN_RETURN_IF_ERROR(session->allocateTables());
  out = std::move(session);
  return nullptr;
}

CudaSession::~CudaSession() {
  ContextScope scope(api, device.context);
  if (cudaStream)
    api.cuStreamSynchronize(cudaStream);
  if (graph)
    api.cuGraphExecDestroy(graph);
  for (CUevent event : events)
    if (event)
      api.cuEventDestroy(event);
  for (CUdeviceptr memory : {arena, outputMemory, tables})
    if (memory)
      api.cuMemFree(memory);
  for (const InputBuffer &input : inputBuffers)
    if (input.pointer)
      api.cuMemFree(input.pointer);
  if (cudaStream)
    api.cuStreamDestroy(cudaStream);
}

void CudaSession::drain() {
  ContextScope scope(api, device.context);
  if (!scope.status() && cudaStream)
    api.cuStreamSynchronize(cudaStream);
}

Status CudaSession::allocateTables() {
  // The tables: the shape kernel's bindings, every kernel's bindings, then
  // the dims (at least one slot: the ABI promises a valid pointer). Their
  // size does not depend on the shapes, so the graph's pointers to them
  // stay valid.
  size_t slots = model.shapeKernel ? model.shapeKernel->bindings.size() : 0;
  for (const KernelLaunch &kernel : model.kernels)
    slots += kernel.bindings.size();
  size_t dimSlots = model.symbols.empty() ? 1 : model.symbols.size();
  hostTables.assign(slots + dimSlots, 0);
  KILN_CUDA_CHECK(
      api.cuMemAlloc(&tables, hostTables.size() * 8),
      ("allocating the binding tables on " + device.deviceName).c_str());
  dims = tables + slots * 8;
  inputBuffers.resize(model.inputs.size());
  launches.resize(model.kernels.size());
  size_t slot = model.shapeKernel ? model.shapeKernel->bindings.size() : 0;
  for (size_t k = 0; k < model.kernels.size(); ++k) {
    launches[k].table = tables + slot * 8;
    slot += model.kernels[k].bindings.size();
  }
  return nullptr;
}

Status CudaSession::uploadInputs(kiln_session_t &session) {
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const BoundInput &input = session.inputs[i];
    if (input.onDevice)
      continue;
    InputBuffer &buffer = inputBuffers[i];
    uint64_t bytes = input.sizeBytes;
    if (bytes > buffer.capacity || !buffer.pointer) {
      if (buffer.pointer) {
        // The stream may still read the old buffer.
        KILN_CUDA_CHECK(api.cuStreamSynchronize(cudaStream),
                        "waiting for the GPU before growing an input");
        api.cuMemFree(buffer.pointer);
        buffer.pointer = 0;
      }
      KILN_CUDA_CHECK(
          api.cuMemAlloc(&buffer.pointer, alignUp(bytes ? bytes : 1)),
          ("allocating " + std::to_string(bytes) + " bytes for input '" +
           model.inputs[i].name + "' on " + device.deviceName)
              .c_str());
      buffer.capacity = bytes;
    }
    if (bytes)
      KILN_CUDA_CHECK(
          api.cuMemcpyHtoDAsync(buffer.pointer, input.data, bytes, cudaStream),
          ("copying input '" + model.inputs[i].name + "' to the GPU").c_str());
  }
  return nullptr;
}

CUdeviceptr CudaSession::inputPointer(const kiln_session_t &session,
                                      size_t index) const {
  const BoundInput &input = session.inputs[index];
  return input.onDevice ? reinterpret_cast<CUdeviceptr>(input.data)
                        : inputBuffers[index].pointer;
}

Status CudaSession::uploadTables(kiln_session_t &session) {
  std::copy(session.symbolValues.begin(), session.symbolValues.end(),
            hostTables.begin() + (dims - tables) / 8);
  // Pageable memory: the driver has staged the bytes when the call returns,
  // so the host tables may change afterwards.
  if (hostTables != uploadedTables) {
    KILN_CUDA_CHECK(api.cuMemcpyHtoDAsync(tables, hostTables.data(),
                                          hostTables.size() * 8, cudaStream),
                    "copying the binding tables to the GPU");
    uploadedTables = hostTables;
  }
  return nullptr;
}

Status CudaSession::computeSymbols(kiln_session_t &session) {
  ContextScope scope(api, device.context);
  KILN_RETURN_IF_ERROR(scope.status());
  KILN_RETURN_IF_ERROR(uploadInputs(session));
  if (!model.shapeKernel)
    return nullptr;
  const KernelLaunch &kernel = *model.shapeKernel;
  for (size_t b = 0; b < kernel.bindings.size(); ++b)
    hostTables[b] = inputPointer(session, kernel.bindings[b].index);
  KILN_RETURN_IF_ERROR(uploadTables(session));
  CUdeviceptr table = tables;
  void *parameters[] = {&table, &dims};
  KILN_CUDA_CHECK(api.cuLaunchKernel(device.shapeFunction, 1, 1, 1, 1, 1, 1, 0,
                                     cudaStream, parameters, nullptr),
                  ("launching the shape kernel (symbol '" + kernel.symbol +
                   "') on " + device.deviceName)
                      .c_str());
  KILN_CUDA_CHECK(api.cuMemcpyDtoHAsync(session.symbolValues.data(), dims,
                                        session.symbolValues.size() * 8,
                                        cudaStream),
                  "copying the computed sizes from the GPU");
  KILN_CUDA_CHECK(api.cuStreamSynchronize(cudaStream),
                  ("running the shape kernel on " + device.deviceName).c_str());
  return nullptr;
}

Status CudaSession::plan(const std::vector<int64_t> &symbolValues,
                         const kiln_session_t &session) {
  // Until it succeeds, the session holds no plan for any shapes.
  planned = false;
  const int64_t *symbols = symbolValues.data();
  std::string where = " on " + device.deviceName;
  if (graph) {
    // The grids change with the shapes: capture again.
    api.cuGraphExecDestroy(graph);
    graph = nullptr;
  }
  if (arena || outputMemory) {
    KILN_CUDA_CHECK(api.cuStreamSynchronize(cudaStream),
                    "waiting for the GPU before planning new shapes");
    for (CUdeviceptr *memory : {&arena, &outputMemory})
      if (*memory) {
        api.cuMemFree(*memory);
        *memory = 0;
      }
  }
  bufferPointers.clear();
  outputBuffers.clear();

  int64_t arenaSize = 0;
  std::vector<int64_t> offsets;
  KILN_RETURN_IF_ERROR(evaluateArenaPlan(
      model, symbols, KILN_CUDA_BUFFER_ALIGNMENT, arenaSize, offsets));
  KILN_CUDA_CHECK(
      api.cuMemAlloc(&arena, alignUp(arenaSize ? arenaSize : 1)),
      ("allocating the " + std::to_string(arenaSize) + "-byte arena" + where)
          .c_str());
  for (int64_t offset : offsets)
    bufferPointers.push_back(arena + static_cast<uint64_t>(offset));

  // The outputs: one allocation, each tensor 256-byte aligned.
  std::vector<uint64_t> outputOffsets;
  uint64_t outputBytes = 0;
  for (const Output &output : session.outputs) {
    outputOffsets.push_back(outputBytes);
    outputBytes += alignUp(output.sizeBytes);
  }
  KILN_CUDA_CHECK(api.cuMemAlloc(&outputMemory, outputBytes ? outputBytes : 1),
                  ("allocating " + std::to_string(outputBytes) +
                   " bytes for the outputs" + where)
                      .c_str());
  for (uint64_t offset : outputOffsets)
    outputBuffers.push_back(outputMemory + offset);

  for (size_t k = 0; k < model.kernels.size(); ++k) {
    const KernelLaunch &kernel = model.kernels[k];
    // The driver's limits: x up to 2^31 - 1 blocks, y and z up to 65535.
    const int64_t limits[3] = {INT32_MAX, 65535, 65535};
    for (int d = 0; d < 3; ++d) {
      int64_t extent = 0;
      std::string what =
          "kernel '" + kernel.name + "' grid dim " + std::to_string(d);
      KILN_RETURN_IF_ERROR(
          kernel.grid[d].evaluate(symbols, what.c_str(), extent));
      if (extent < 0 || extent > limits[d])
        return makeError(KILN_STATUS_INVALID_ARTIFACT,
                         "%s is %lld blocks; CUDA allows 0 to %lld",
                         what.c_str(), static_cast<long long>(extent),
                         static_cast<long long>(limits[d]));
      launches[k].grid[d] = static_cast<unsigned>(extent);
    }
  }
  plannedSymbols = symbolValues;
  planned = true;
  return nullptr;
}

bool CudaSession::Launch::isEmpty() const {
  return grid[0] == 0 || grid[1] == 0 || grid[2] == 0;
}

Status CudaSession::launchKernel(size_t k) {
  const KernelLaunch &kernel = model.kernels[k];
  Launch &launch = launches[k];
  if (launch.isEmpty())
    return nullptr;
  // The two parameters of cuda_kernel_abi.h: the kernel's table, the dims.
  void *parameters[] = {&launch.table, &dims};
  CUresult result = api.cuLaunchKernel(
      device.functions[k], launch.grid[0], launch.grid[1], launch.grid[2],
      kernel.block[0], kernel.block[1], kernel.block[2], kernel.sharedBytes,
      cudaStream, parameters, nullptr);
  if (result == CUDA_SUCCESS)
    return nullptr;
  std::string what =
      "launching kernel '" + kernel.name + "' (symbol '" + kernel.symbol +
      "', grid " + std::to_string(launch.grid[0]) + "x" +
      std::to_string(launch.grid[1]) + "x" + std::to_string(launch.grid[2]) +
      ", block " + std::to_string(kernel.block[0]) + "x" +
      std::to_string(kernel.block[1]) + "x" + std::to_string(kernel.block[2]) +
      ", " + std::to_string(kernel.sharedBytes) +
      " bytes of shared memory) on " + device.deviceName;
  return driverError(api, result, what.c_str());
}

Status CudaSession::launchKernels() {
  for (size_t k = 0; k < model.kernels.size(); ++k)
    KILN_RETURN_IF_ERROR(launchKernel(k));
  return nullptr;
}

Status CudaSession::launchKernelsTimed(KernelProfile &profile) {
  size_t count = model.kernels.size();
  // Created one at a time, so that a failed creation is retried next run
  // (and the destructor destroys those that were made).
  while (events.size() < count + 1) {
    CUevent event = nullptr;
    KILN_CUDA_CHECK(api.cuEventCreate(&event, 0),
                    "creating the events of KILN_PROFILE");
    events.push_back(event);
  }
  for (size_t k = 0; k < count; ++k) {
    KILN_CUDA_CHECK(api.cuEventRecord(events[k], cudaStream),
                    "recording a KILN_PROFILE event");
    KILN_RETURN_IF_ERROR(launchKernel(k));
  }
  KILN_CUDA_CHECK(api.cuEventRecord(events[count], cudaStream),
                  "recording a KILN_PROFILE event");
  KILN_CUDA_CHECK(api.cuEventSynchronize(events[count]),
                  ("running the model on " + device.deviceName).c_str());
  for (size_t k = 0; k < count; ++k) {
    // As on the CPU: a kernel that did not launch has no time.
    if (launches[k].isEmpty())
      continue;
    float ms = 0;
    KILN_CUDA_CHECK(api.cuEventElapsedTime(&ms, events[k], events[k + 1]),
                    "reading a KILN_PROFILE event");
    profile.add(k, ms / 1e3);
  }
  return nullptr;
}

Status CudaSession::captureGraph() {
  // Thread-local capture: other sessions' threads keep launching normally.
  KILN_CUDA_CHECK(
      api.cuStreamBeginCapture(cudaStream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
      "starting to capture the kernels as a CUDA graph");
  Status launched = launchKernels();
  CUgraph captured = nullptr;
  // Always ended, even after a failed launch, so the stream stays usable.
  CUresult ended = api.cuStreamEndCapture(cudaStream, &captured);
  if (launched || ended != CUDA_SUCCESS) {
    if (captured)
      api.cuGraphDestroy(captured);
    if (launched)
      return prefixError(std::move(launched), "capturing a CUDA graph: ");
    return driverError(api, ended, "capturing the kernels as a CUDA graph");
  }
  CUresult result = api.cuGraphInstantiateWithFlags(&graph, captured, 0);
  // The executable graph is independent of the captured one.
  api.cuGraphDestroy(captured);
  if (result != CUDA_SUCCESS) {
    graph = nullptr;
    return driverError(api, result, "instantiating the CUDA graph");
  }
  return nullptr;
}

Status CudaSession::run(kiln_session_t &session) {
  ContextScope scope(api, device.context);
  KILN_RETURN_IF_ERROR(scope.status());
  // The inputs are on the GPU already (computeSymbols).
  if (!planned || session.symbolValues != plannedSymbols)
    KILN_RETURN_IF_ERROR(plan(session.symbolValues, session));

  std::vector<CUdeviceptr> outputs(model.outputs.size());
  for (size_t o = 0; o < model.outputs.size(); ++o)
    outputs[o] = session.outputs[o].device
                     ? reinterpret_cast<CUdeviceptr>(session.outputs[o].device)
                     : outputBuffers[o];
  size_t slot = model.shapeKernel ? model.shapeKernel->bindings.size() : 0;
  for (const KernelLaunch &kernel : model.kernels)
    for (const KernelBinding &binding : kernel.bindings) {
      CUdeviceptr pointer = 0;
      switch (binding.kind) {
      case BindingKind::Input:
        pointer = inputPointer(session, binding.index);
        break;
      case BindingKind::Output:
        pointer = outputs[binding.index];
        break;
      case BindingKind::Buffer:
        pointer = bufferPointers[binding.index];
        break;
      case BindingKind::Constant:
        pointer = device.constants[binding.index];
        break;
      }
      hostTables[slot++] = pointer;
    }
  KILN_RETURN_IF_ERROR(uploadTables(session));

  if (KernelProfile::enabled()) {
    // Timed one by one: graph replay would hide each kernel's time.
    KILN_RETURN_IF_ERROR(launchKernelsTimed(session.profile));
  } else if (!useGraph) {
    KILN_RETURN_IF_ERROR(launchKernels());
  } else {
    if (!graph)
      KILN_RETURN_IF_ERROR(captureGraph());
    KILN_CUDA_CHECK(
        api.cuGraphLaunch(graph, cudaStream),
        ("launching the CUDA graph of the kernels on " + device.deviceName)
            .c_str());
  }

  for (size_t o = 0; o < model.outputs.size(); ++o) {
    Output &output = session.outputs[o];
    if (output.device || output.sizeBytes == 0)
      continue;
    KILN_CUDA_CHECK(
        api.cuMemcpyDtoHAsync(output.storage.data, outputs[o], output.sizeBytes,
                              cudaStream),
        ("copying output '" + model.outputs[o].name + "' from the GPU")
            .c_str());
  }
  CUresult result = api.cuStreamSynchronize(cudaStream);
  if (result != CUDA_SUCCESS)
    return driverError(api, result,
                       ("running the model on " + device.deviceName +
                        " (a kernel failed; run with KILN_CUDA_GRAPHS=0 and "
                        "CUDA_LAUNCH_BLOCKING=1 to see which)")
                           .c_str());
  return nullptr;
}

} // namespace kiln::runtime
