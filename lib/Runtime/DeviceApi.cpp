//===- DeviceApi.cpp - The C API: CUDA device memory and streams ----------===//
//
// Serving systems keep tensors on the GPU: these functions bind their device
// memory to a CUDA session's inputs and outputs (no copies for those) and
// hand out the session's own device buffers and stream. On a CPU model they
// fail with FAILED_PRECONDITION.
//
//===----------------------------------------------------------------------===//

#include "CudaSession.h"

using namespace kiln::runtime;

namespace {

kiln_status_t *nullArgument(const char *function, const char *name) {
  return makeError(KILN_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", function,
                   name)
      .release();
}

/// Checks `session` is a CUDA session; the error names `function`.
Status requireCuda(const kiln_session_t *session, const char *function) {
  if (!session)
    return makeError(KILN_STATUS_INVALID_ARGUMENT, "%s: session is NULL",
                     function);
  if (!session->cuda)
    return makeError(KILN_STATUS_FAILED_PRECONDITION,
                     "%s: the model was compiled for %s; device memory is "
                     "only for CUDA models",
                     function, session->model->target.c_str());
  return nullptr;
}

Status checkIndex(size_t index, size_t count, const char *what) {
  if (index >= count)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "%s index %zu is out of range: the model has %zu %ss",
                     what, index, count, what);
  return nullptr;
}

} // namespace

extern "C" {

kiln_status_t *kiln_session_set_input_device(kiln_session_t *session,
                                             const char *name,
                                             kiln_dtype_t dtype,
                                             const int64_t *dims, size_t rank,
                                             const void *device_ptr,
                                             size_t size_bytes) {
  if (Status status = requireCuda(session, __func__))
    return status.release();
  if (!name)
    return nullArgument(__func__, "name");
  size_t index = 0;
  if (kiln_status_t *status =
          kiln_model_find_input(session->model, name, &index))
    return status;
  return session
      ->setInput(index, dtype, dims, rank, device_ptr, size_bytes,
                 /*onDevice=*/true)
      .release();
}

kiln_status_t *kiln_session_get_input_device(kiln_session_t *session,
                                             size_t index,
                                             kiln_tensor_view_t *out_view) {
  if (Status status = requireCuda(session, __func__))
    return status.release();
  if (!out_view)
    return nullArgument(__func__, "out_view");
  const kiln_model_t &model = *session->model;
  if (Status status = checkIndex(index, model.inputs.size(), "input"))
    return status.release();
  const TensorSignature &tensor = model.inputs[index];
  const BoundInput &input = session->inputs[index];
  // A symbolic input has the shape it was last set with.
  bool symbolic = tensor.hasSymbolicDims();
  if (symbolic && !input.set)
    return makeError(KILN_STATUS_FAILED_PRECONDITION,
                     "input '%s' has symbolic dimensions and is not set yet",
                     tensor.name.c_str())
        .release();
  const std::vector<int64_t> &dims = symbolic ? input.dims : tensor.staticDims;
  uint64_t bytes = 0;
  if (Status status =
          byteSize(tensor.dtype, dims, "input '" + tensor.name + "'", bytes))
    return status.release();
  out_view->dtype = tensor.dtype;
  out_view->rank = dims.size();
  out_view->dims = dims.data();
  out_view->data =
      input.set && input.onDevice
          ? input.data
          : reinterpret_cast<const void *>(session->cuda->inputBuffer(index));
  out_view->size_bytes = bytes;
  return nullptr;
}

kiln_status_t *kiln_session_set_output_device(kiln_session_t *session,
                                              size_t index, void *device_ptr,
                                              size_t size_bytes) {
  if (Status status = requireCuda(session, __func__))
    return status.release();
  const kiln_model_t &model = *session->model;
  if (Status status = checkIndex(index, model.outputs.size(), "output"))
    return status.release();
  const TensorSignature &tensor = model.outputs[index];
  // A symbolic output's size is checked at each run (prepareOutputs).
  bool symbolic = tensor.hasSymbolicDims();
  uint64_t bytes = 0;
  if (!symbolic)
    if (Status status = byteSize(tensor.dtype, tensor.staticDims,
                                 "output '" + tensor.name + "'", bytes))
      return status.release();
  if (device_ptr && !symbolic && size_bytes < bytes)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "output '%s' needs %llu bytes but the device memory "
                     "holds %zu",
                     tensor.name.c_str(),
                     static_cast<unsigned long long>(bytes), size_bytes)
        .release();
  if (reinterpret_cast<uintptr_t>(device_ptr) % KILN_CUDA_BUFFER_ALIGNMENT)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "output '%s': the device pointer is not aligned to %d "
                     "bytes",
                     tensor.name.c_str(), KILN_CUDA_BUFFER_ALIGNMENT)
        .release();
  session->outputs[index].device = device_ptr;
  session->outputs[index].deviceBytes = device_ptr ? size_bytes : 0;
  // The previous results may live elsewhere now.
  session->hasResults = false;
  return nullptr;
}

kiln_status_t *kiln_session_get_output_device(kiln_session_t *session,
                                              size_t index,
                                              kiln_tensor_view_t *out_view) {
  if (Status status = requireCuda(session, __func__))
    return status.release();
  if (!out_view)
    return nullArgument(__func__, "out_view");
  if (Status status =
          checkIndex(index, session->model->outputs.size(), "output"))
    return status.release();
  if (!session->hasResults)
    return makeError(KILN_STATUS_FAILED_PRECONDITION,
                     "no outputs yet: kiln_session_run has not succeeded on "
                     "this session since its outputs were last bound")
        .release();
  const Output &output = session->outputs[index];
  out_view->dtype = session->model->outputs[index].dtype;
  out_view->rank = output.dims.size();
  out_view->dims = output.dims.data();
  out_view->data =
      output.device
          ? output.device
          : reinterpret_cast<const void *>(session->cuda->outputBuffer(index));
  out_view->size_bytes = output.sizeBytes;
  return nullptr;
}

kiln_status_t *kiln_session_cuda_stream(kiln_session_t *session,
                                        void **out_stream) {
  if (Status status = requireCuda(session, __func__))
    return status.release();
  if (!out_stream)
    return nullArgument(__func__, "out_stream");
  *out_stream = session->cuda->stream();
  return nullptr;
}

} // extern "C"
