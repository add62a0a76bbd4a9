//===- Session.cpp - The C API: sessions, inputs, runs, outputs -----------===//
//
// A session owns what one run needs besides the model: the bound inputs, the
// values of the symbolic dimensions, the arena of the static memory plan and
// the outputs. Buffers grow as shapes grow and are reused across runs.
//
//===----------------------------------------------------------------------===//

#include "Session.h"
#include "ArenaPlan.h"
#include "CudaSession.h"
#include "ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace kiln::runtime;

namespace {

/// What the workers need to run one kernel's grid.
struct Dispatch {
  kiln_cpu_kernel_fn function;
  void **bindings;
  const int64_t *dims;
  int64_t gridX, gridY;
};

void runWorkgroup(void *context, int64_t index) {
  const Dispatch &d = *static_cast<const Dispatch *>(context);
  int64_t x = index % d.gridX;
  int64_t yz = index / d.gridX;
  d.function(d.bindings, d.dims, x, yz % d.gridY, yz / d.gridY);
}

std::string formatShape(const std::vector<int64_t> &dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

std::string formatSignatureShape(const TensorSignature &tensor) {
  std::string text = "[";
  for (size_t i = 0; i < tensor.dims.size(); ++i)
    text += (i ? ", " : "") + (tensor.staticDims[i] >= 0
                                   ? std::to_string(tensor.staticDims[i])
                                   : tensor.dimNames[i]);
  return text + "]";
}

} // namespace

Status kiln::runtime::byteSize(kiln_dtype_t dtype,
                               const std::vector<int64_t> &dims,
                               const std::string &what, uint64_t &out) {
  out = kiln_dtype_size(dtype);
  for (int64_t dim : dims)
    if (__builtin_mul_overflow(out, static_cast<uint64_t>(dim), &out))
      return makeError(KILN_STATUS_INVALID_ARGUMENT, "%s is too large",
                       what.c_str());
  return nullptr;
}

// With KILN_PROFILE set in the environment, each session times its kernels
// and prints the totals to stderr when destroyed: a developer's view of
// where a model spends its time.
bool KernelProfile::enabled() {
  static const bool on = std::getenv("KILN_PROFILE") != nullptr;
  return on;
}

void KernelProfile::add(size_t kernel, double s) {
  if (seconds.size() <= kernel) {
    seconds.resize(kernel + 1);
    calls.resize(kernel + 1);
  }
  seconds[kernel] += s;
  ++calls[kernel];
}

void KernelProfile::print(const kiln_model_t &model) const {
  double total = 0;
  for (double s : seconds)
    total += s;
  if (total <= 0)
    return;
  std::vector<size_t> order(seconds.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return seconds[a] > seconds[b]; });
  std::fprintf(stderr, "kiln profile: %.3f ms in kernels per run\n",
               1e3 * total / static_cast<double>(calls[order[0]]));
  for (size_t i : order) {
    if (calls[i] == 0)
      continue;
    std::fprintf(stderr, "  %6.2f%%  %9.3f ms  kernel %zu  %s\n",
                 100.0 * seconds[i] / total,
                 1e3 * seconds[i] / static_cast<double>(calls[i]), i,
                 model.kernels[i].name.c_str());
  }
}

// Out of line: CudaSession is complete only here.
kiln_session_t::kiln_session_t() = default;
kiln_session_t::~kiln_session_t() = default;

Status kiln_session_t::setInput(size_t index, kiln_dtype_t dtype,
                                const int64_t *dims, size_t rank,
                                const void *data, size_t sizeBytes,
                                bool onDevice) {
  const TensorSignature &tensor = model->inputs[index];
  const char *name = tensor.name.c_str();
  if (dtype != tensor.dtype)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "input '%s' has dtype %s but the model expects %s", name,
                     kiln_dtype_name(dtype), kiln_dtype_name(tensor.dtype));
  if (rank != tensor.dims.size())
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "input '%s' has rank %zu but the model expects rank %zu "
                     "(shape %s)",
                     name, rank, tensor.dims.size(),
                     formatSignatureShape(tensor).c_str());
  if (rank && !dims)
    return makeError(KILN_STATUS_INVALID_ARGUMENT, "input '%s': dims is NULL",
                     name);
  std::vector<int64_t> given(dims, dims + rank);
  for (size_t i = 0; i < rank; ++i) {
    if (given[i] < 0)
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "input '%s' dim %zu is negative (%lld)", name, i,
                       static_cast<long long>(given[i]));
    if (tensor.staticDims[i] >= 0 && given[i] != tensor.staticDims[i])
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "input '%s' has shape %s but the model expects %s: dim "
                       "%zu must be %lld",
                       name, formatShape(given).c_str(),
                       formatSignatureShape(tensor).c_str(), i,
                       static_cast<long long>(tensor.staticDims[i]));
  }
  uint64_t expected = 0;
  KILN_RETURN_IF_ERROR(
      byteSize(dtype, given, "input '" + tensor.name + "'", expected));
  if (sizeBytes != expected)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "input '%s' of shape %s and dtype %s needs %llu bytes, "
                     "but %zu were given",
                     name, formatShape(given).c_str(), kiln_dtype_name(dtype),
                     static_cast<unsigned long long>(expected), sizeBytes);
  if (!data && sizeBytes)
    return makeError(KILN_STATUS_INVALID_ARGUMENT, "input '%s': data is NULL",
                     name);
  if (reinterpret_cast<uintptr_t>(data) % kiln_dtype_size(dtype) != 0)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "input '%s': data is not aligned to its %zu-byte "
                     "elements",
                     name, kiln_dtype_size(dtype));
  if (onDevice &&
      (!data ||
       reinterpret_cast<uintptr_t>(data) % KILN_CUDA_BUFFER_ALIGNMENT != 0))
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "input '%s': the device pointer is NULL or not aligned "
                     "to %d bytes",
                     name, KILN_CUDA_BUFFER_ALIGNMENT);
  BoundInput &input = inputs[index];
  input.set = true;
  input.data = data;
  input.onDevice = onDevice;
  input.dims = std::move(given);
  input.sizeBytes = expected;
  return nullptr;
}

Status kiln_session_t::bindSymbols() {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].set)
      return makeError(KILN_STATUS_FAILED_PRECONDITION,
                       "input '%s' is not set: call kiln_session_set_input "
                       "for every input before kiln_session_run",
                       model->inputs[i].name.c_str());
  for (size_t s = 0; s < model->symbols.size(); ++s) {
    auto [input, dim] = model->symbolSources[s];
    symbolValues[s] = input == kComputedSymbol ? 0 : inputs[input].dims[dim];
  }
  // Every dim that depends on symbols must agree with their values: this
  // catches two inputs that disagree on "batch".
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSignature &tensor = model->inputs[i];
    for (size_t d = 0; d < tensor.dims.size(); ++d) {
      if (tensor.staticDims[d] >= 0)
        continue;
      std::string what = "input '" + tensor.name + "' dim " +
                         std::to_string(d) + " (" + tensor.dimNames[d] + ")";
      int64_t expected = 0;
      KILN_RETURN_IF_ERROR(
          tensor.dims[d].evaluate(symbolValues.data(), what.c_str(), expected));
      if (expected != inputs[i].dims[d]) {
        std::string bound;
        for (size_t s = 0; s < model->symbols.size(); ++s)
          if (model->symbolSources[s].first != kComputedSymbol)
            bound += (bound.empty() ? "" : ", ") + model->symbols[s] + "=" +
                     std::to_string(symbolValues[s]) + " (from input '" +
                     model->inputs[model->symbolSources[s].first].name + "')";
        return makeError(KILN_STATUS_INVALID_ARGUMENT,
                         "%s is %lld but the other inputs make it %lld: %s",
                         what.c_str(),
                         static_cast<long long>(inputs[i].dims[d]),
                         static_cast<long long>(expected), bound.c_str());
      }
    }
  }
  return computeSymbols();
}

Status kiln_session_t::computeSymbols() {
  // On the GPU the inputs move to the device first, and the shape kernel
  // runs there.
  if (cuda)
    KILN_RETURN_IF_ERROR(cuda->computeSymbols(*this));
  else if (model->shapeKernel)
    runShapeKernel();
  else
    return nullptr;
  for (uint32_t s : model->computedSymbols)
    if (symbolValues[s] < 0)
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "the inputs' values make size '%s' %lld, which is "
                       "negative: check the inputs that give shapes, axes "
                       "or counts",
                       model->symbols[s].c_str(),
                       static_cast<long long>(symbolValues[s]));
  return nullptr;
}

void kiln_session_t::runShapeKernel() {
  bindings.clear();
  for (const KernelBinding &binding : model->shapeKernel->bindings)
    bindings.push_back(const_cast<void *>(inputs[binding.index].data));
  model->shapeKernel->function(bindings.data(), symbolValues.data(), 0, 0, 0);
}

Status kiln_session_t::prepareOutputs() {
  const int64_t *symbols = symbolValues.data();
  for (size_t o = 0; o < model->outputs.size(); ++o) {
    const TensorSignature &tensor = model->outputs[o];
    Output &output = outputs[o];
    output.dims.resize(tensor.dims.size());
    for (size_t d = 0; d < tensor.dims.size(); ++d) {
      std::string what =
          "output '" + tensor.name + "' dim " + std::to_string(d);
      KILN_RETURN_IF_ERROR(
          tensor.dims[d].evaluate(symbols, what.c_str(), output.dims[d]));
    }
    std::string what = "output '" + tensor.name + "'";
    KILN_RETURN_IF_ERROR(
        byteSize(tensor.dtype, output.dims, what, output.sizeBytes));
    if (output.device && output.sizeBytes > output.deviceBytes)
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "%s needs %llu bytes this run but its device memory "
                       "holds %llu: bind a larger buffer with "
                       "kiln_session_set_output_device",
                       what.c_str(),
                       static_cast<unsigned long long>(output.sizeBytes),
                       static_cast<unsigned long long>(output.deviceBytes));
    if (!output.device)
      KILN_RETURN_IF_ERROR(
          output.storage.reserve(output.sizeBytes, what.c_str()));
  }
  return nullptr;
}

Status kiln_session_t::run() {
  hasResults = false;
  Status status = runSteps();
  if (status && cuda)
    cuda->drain();
  return status;
}

Status kiln_session_t::runSteps() {
  KILN_RETURN_IF_ERROR(bindSymbols());
  KILN_RETURN_IF_ERROR(prepareOutputs());
  if (cuda) {
    KILN_RETURN_IF_ERROR(cuda->run(*this));
    hasResults = true;
    return nullptr;
  }
  const int64_t *symbols = symbolValues.data();

  int64_t arenaSize = 0;
  std::vector<int64_t> offsets;
  KILN_RETURN_IF_ERROR(evaluateArenaPlan(*model, symbols, KILN_BUFFER_ALIGNMENT,
                                         arenaSize, offsets));
  KILN_RETURN_IF_ERROR(
      arena.reserve(static_cast<uint64_t>(arenaSize), "the arena"));
  std::vector<void *> bufferPointers(model->buffers.size());
  for (size_t b = 0; b < model->buffers.size(); ++b)
    bufferPointers[b] = static_cast<uint8_t *>(arena.data) + offsets[b];

  std::shared_ptr<ThreadPool> pool = ThreadPool::global();
  for (const KernelLaunch &kernel : model->kernels) {
    bindings.clear();
    for (const KernelBinding &binding : kernel.bindings) {
      switch (binding.kind) {
      case BindingKind::Input:
        bindings.push_back(const_cast<void *>(inputs[binding.index].data));
        break;
      case BindingKind::Output:
        bindings.push_back(outputs[binding.index].storage.data);
        break;
      case BindingKind::Buffer:
        bindings.push_back(bufferPointers[binding.index]);
        break;
      case BindingKind::Constant:
        bindings.push_back(const_cast<void *>(model->constants[binding.index]));
        break;
      }
    }
    int64_t grid[3];
    int64_t count = 1;
    for (int d = 0; d < 3; ++d) {
      std::string what =
          "kernel '" + kernel.name + "' grid dim " + std::to_string(d);
      KILN_RETURN_IF_ERROR(
          kernel.grid[d].evaluate(symbols, what.c_str(), grid[d]));
      if (__builtin_mul_overflow(count, grid[d], &count))
        return makeError(KILN_STATUS_INVALID_ARTIFACT,
                         "kernel '%s' has too many workgroups",
                         kernel.name.c_str());
    }
    if (count == 0)
      continue;
    Dispatch dispatch{kernel.function, bindings.data(), symbols, grid[0],
                      grid[1]};
    if (!KernelProfile::enabled()) {
      pool->parallelFor(count, runWorkgroup, &dispatch);
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    pool->parallelFor(count, runWorkgroup, &dispatch);
    profile.add(
        &kernel - model->kernels.data(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  hasResults = true;
  return nullptr;
}

Status kiln_session_t::output(size_t index, kiln_tensor_view_t &view) {
  if (!hasResults)
    return makeError(KILN_STATUS_FAILED_PRECONDITION,
                     "no outputs yet: kiln_session_run has not succeeded on "
                     "this session");
  if (index >= outputs.size())
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "output index %zu is out of range: the model has %zu "
                     "outputs",
                     index, outputs.size());
  const Output &out = outputs[index];
  if (out.device)
    return makeError(KILN_STATUS_FAILED_PRECONDITION,
                     "output '%s' is bound to device memory "
                     "(kiln_session_set_output_device) and is not copied to "
                     "the host: use kiln_session_get_output_device",
                     model->outputs[index].name.c_str());
  view.dtype = model->outputs[index].dtype;
  view.rank = out.dims.size();
  view.dims = out.dims.data();
  view.data = out.storage.data;
  view.size_bytes = out.sizeBytes;
  return nullptr;
}

static kiln_status_t *nullArgument(const char *function, const char *name) {
  return makeError(KILN_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", function,
                   name)
      .release();
}

extern "C" {

void kiln_session_options_init(kiln_session_options_t *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
}

/// Both kiln_session_create functions; `function` names the caller's.
static kiln_status_t *createSession(const char *function, kiln_model_t *model,
                                    const kiln_session_options_t *options,
                                    kiln_session_t **out_session) {
  if (!model)
    return nullArgument(function, "model");
  if (!out_session)
    return nullArgument(function, "out_session");
  uint32_t flags = 0;
  if (options) {
    if (options->struct_size < sizeof(kiln_session_options_t))
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "%s: options.struct_size is %zu; initialize the "
                       "options with kiln_session_options_init",
                       function, options->struct_size)
          .release();
    if (options->flags & ~uint32_t{KILN_SESSION_NO_CUDA_GRAPH})
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "%s: unknown flags 0x%x in options.flags", function,
                       options->flags & ~uint32_t{KILN_SESSION_NO_CUDA_GRAPH})
          .release();
    flags = options->flags;
  }
  auto session = std::make_unique<kiln_session_t>();
  session->inputs.resize(model->inputs.size());
  session->symbolValues.assign(model->symbols.size(), 0);
  session->outputs = std::vector<Output>(model->outputs.size());
  if (model->cuda) {
    // KILN_CUDA_GRAPHS=0 turns graphs off for programs that do not expose
    // the session options.
    const char *env = std::getenv("KILN_CUDA_GRAPHS");
    bool graphs = !(flags & KILN_SESSION_NO_CUDA_GRAPH) &&
                  !(env && std::strcmp(env, "0") == 0);
    if (Status status = CudaSession::create(*model, graphs, session->cuda))
      return status.release();
  }
  kiln_model_retain(model);
  session->model = model;
  *out_session = session.release();
  return nullptr;
}

kiln_status_t *kiln_session_create(kiln_model_t *model,
                                   kiln_session_t **out_session) {
  return createSession(__func__, model, nullptr, out_session);
}

kiln_status_t *
kiln_session_create_with_options(kiln_model_t *model,
                                 const kiln_session_options_t *options,
                                 kiln_session_t **out_session) {
  return createSession(__func__, model, options, out_session);
}

void kiln_session_destroy(kiln_session_t *session) {
  if (!session)
    return;
  kiln_model_t *model = session->model;
  if (KernelProfile::enabled())
    session->profile.print(*model);
  delete session;
  kiln_model_release(model);
}

kiln_status_t *kiln_session_set_input(kiln_session_t *session, const char *name,
                                      kiln_dtype_t dtype, const int64_t *dims,
                                      size_t rank, const void *data,
                                      size_t size_bytes) {
  if (!session)
    return nullArgument(__func__, "session");
  if (!name)
    return nullArgument(__func__, "name");
  size_t index = 0;
  if (kiln_status_t *status =
          kiln_model_find_input(session->model, name, &index))
    return status;
  return session->setInput(index, dtype, dims, rank, data, size_bytes)
      .release();
}

kiln_status_t *kiln_session_set_input_by_index(kiln_session_t *session,
                                               size_t index, kiln_dtype_t dtype,
                                               const int64_t *dims, size_t rank,
                                               const void *data,
                                               size_t size_bytes) {
  if (!session)
    return nullArgument(__func__, "session");
  if (index >= session->inputs.size())
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "input index %zu is out of range: the model has %zu "
                     "inputs",
                     index, session->inputs.size())
        .release();
  return session->setInput(index, dtype, dims, rank, data, size_bytes)
      .release();
}

kiln_status_t *kiln_session_run(kiln_session_t *session) {
  if (!session)
    return nullArgument(__func__, "session");
  return session->run().release();
}

kiln_status_t *kiln_session_get_output(kiln_session_t *session, size_t index,
                                       kiln_tensor_view_t *out_view) {
  if (!session)
    return nullArgument(__func__, "session");
  if (!out_view)
    return nullArgument(__func__, "out_view");
  return session->output(index, *out_view).release();
}

kiln_status_t *kiln_session_get_output_by_name(kiln_session_t *session,
                                               const char *name,
                                               kiln_tensor_view_t *out_view) {
  if (!session)
    return nullArgument(__func__, "session");
  if (!name)
    return nullArgument(__func__, "name");
  if (!out_view)
    return nullArgument(__func__, "out_view");
  size_t index = 0;
  if (kiln_status_t *status =
          kiln_model_find_output(session->model, name, &index))
    return status;
  return session->output(index, *out_view).release();
}

kiln_status_t *kiln_session_copy_output(kiln_session_t *session, size_t index,
                                        void *dst, size_t dst_size) {
  if (!session)
    return nullArgument(__func__, "session");
  kiln_tensor_view_t view = {};
  if (Status status = session->output(index, view))
    return status.release();
  if (dst_size < view.size_bytes)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "output %zu ('%s') needs %zu bytes but the destination "
                     "holds %zu",
                     index, session->model->outputs[index].name.c_str(),
                     view.size_bytes, dst_size)
        .release();
  if (view.size_bytes) {
    if (!dst)
      return nullArgument(__func__, "dst");
    std::memcpy(dst, view.data, view.size_bytes);
  }
  return nullptr;
}

} // extern "C"
