//===- ModelApi.cpp - The C API: versions, options, dtypes, models --------===//

#include "CudaModel.h"
#include "DTypeTable.h"
#include "Model.h"
#include "ThreadPool.h"

#include <cstring>

using namespace kiln::runtime;

#define KILN_RUNTIME_VERSION "0.1.0"

static kiln_status_t *nullArgument(const char *function, const char *name) {
  return makeError(KILN_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", function,
                   name)
      .release();
}

// Out of line: CudaModel is complete only here.
kiln_model_t::kiln_model_t() = default;
kiln_model_t::~kiln_model_t() = default;

extern "C" {

const char *kiln_version(void) { return KILN_RUNTIME_VERSION; }

void kiln_artifact_format_version(uint32_t *out_major, uint32_t *out_minor) {
  // Keep in step with kFormatMajor in ArtifactLoader.cpp and the writer.
  if (out_major)
    *out_major = 1;
  if (out_minor)
    *out_minor = 2;
}

void kiln_runtime_options_init(kiln_runtime_options_t *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
}

kiln_status_t *kiln_runtime_configure(const kiln_runtime_options_t *options) {
  if (!options)
    return nullArgument(__func__, "options");
  if (options->struct_size < sizeof(kiln_runtime_options_t))
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "kiln_runtime_configure: options.struct_size is %zu; "
                     "initialize the options with kiln_runtime_options_init",
                     options->struct_size)
        .release();
  if (options->num_threads < 0 || options->num_threads > 4096)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "kiln_runtime_configure: num_threads is %d; it must be "
                     "between 0 (one per CPU) and 4096",
                     options->num_threads)
        .release();
  ThreadPool::configureGlobal(options->num_threads);
  return nullptr;
}

size_t kiln_dtype_size(kiln_dtype_t dtype) {
  return kiln::dtypes::lookup(dtype).bytes;
}

const char *kiln_dtype_name(kiln_dtype_t dtype) {
  return kiln::dtypes::lookup(dtype).name;
}

void kiln_model_load_options_init(kiln_model_load_options_t *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof *options);
  options->struct_size = sizeof *options;
  options->device = KILN_DEVICE_DEFAULT;
  options->cuda_device = -1;
}

/// Both kiln_model_load_file functions; `function` names the caller's.
static kiln_status_t *loadFile(const char *function, const char *path,
                               const kiln_model_load_options_t *options,
                               kiln_model_t **out_model) {
  LoadOptions load;
  if (options) {
    if (options->struct_size < sizeof(kiln_model_load_options_t))
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "%s: options.struct_size is %zu; initialize the "
                       "options with kiln_model_load_options_init",
                       function, options->struct_size)
          .release();
    if (options->flags & ~uint32_t{KILN_LOAD_SYNTHETIC_WEIGHTS})
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "%s: unknown flags 0x%x in options.flags", function,
                       options->flags & ~uint32_t{KILN_LOAD_SYNTHETIC_WEIGHTS})
          .release();
    if (options->device != KILN_DEVICE_DEFAULT &&
        options->device != KILN_DEVICE_CPU &&
        options->device != KILN_DEVICE_CUDA)
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "%s: unknown device kind %d in options.device", function,
                       static_cast<int>(options->device))
          .release();
    load.syntheticWeights = options->flags & KILN_LOAD_SYNTHETIC_WEIGHTS;
    load.device = options->device;
    load.cudaDevice = options->cuda_device;
  }
  if (!path)
    return nullArgument(function, "path");
  if (!out_model)
    return nullArgument(function, "out_model");
  auto model = std::make_unique<kiln_model_t>();
  if (Status status = model->file.mapFile(path, "artifact"))
    return status.release();
  std::string directory = path;
  size_t slash = directory.rfind('/');
  directory = slash == std::string::npos ? "" : directory.substr(0, slash + 1);
  if (directory.size() > 1 && directory.back() == '/')
    directory.pop_back();
  if (Status status = loadArtifact(*model, directory, load))
    return prefixError(std::move(status), (std::string(path) + ": ").c_str())
        .release();
  *out_model = model.release();
  return nullptr;
}

kiln_status_t *kiln_model_load_file(const char *path,
                                    kiln_model_t **out_model) {
  return loadFile(__func__, path, nullptr, out_model);
}

kiln_status_t *
kiln_model_load_file_with_options(const char *path,
                                  const kiln_model_load_options_t *options,
                                  kiln_model_t **out_model) {
  return loadFile(__func__, path, options, out_model);
}

kiln_status_t *kiln_model_load_memory(const void *data, size_t size,
                                      kiln_load_mode_t mode,
                                      kiln_model_t **out_model) {
  if (!data && size)
    return nullArgument(__func__, "data");
  if (!out_model)
    return nullArgument(__func__, "out_model");
  auto model = std::make_unique<kiln_model_t>();
  // `mode` comes from C callers and may hold any value: no switch.
  if (mode == KILN_LOAD_COPY) {
    if (Status status = model->file.copy(data, size))
      return status.release();
  } else if (mode == KILN_LOAD_BORROW) {
    if (reinterpret_cast<uintptr_t>(data) % KILN_BUFFER_ALIGNMENT != 0)
      return makeError(KILN_STATUS_INVALID_ARGUMENT,
                       "kiln_model_load_memory: borrowed artifact bytes must "
                       "be 64-byte aligned (the weights are used in place); "
                       "align them or use KILN_LOAD_COPY")
          .release();
    model->file.borrow(data, size);
  } else {
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "kiln_model_load_memory: unknown load mode %d",
                     static_cast<int>(mode))
        .release();
  }
  if (Status status = loadArtifact(*model, ""))
    return status.release();
  *out_model = model.release();
  return nullptr;
}

kiln_device_kind_t kiln_model_device(const kiln_model_t *model) {
  return model ? model->device : KILN_DEVICE_DEFAULT;
}

const char *kiln_model_target(const kiln_model_t *model) {
  return model ? model->target.c_str() : "";
}

void kiln_model_retain(kiln_model_t *model) {
  if (model)
    model->refCount.fetch_add(1, std::memory_order_relaxed);
}

void kiln_model_release(kiln_model_t *model) {
  if (model && model->refCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete model;
}

size_t kiln_model_num_inputs(const kiln_model_t *model) {
  return model ? model->inputs.size() : 0;
}

size_t kiln_model_num_outputs(const kiln_model_t *model) {
  return model ? model->outputs.size() : 0;
}

static kiln_status_t *describe(const std::vector<TensorSignature> &list,
                               size_t index, const char *what,
                               kiln_tensor_info_t *out_info) {
  if (index >= list.size())
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "%s index %zu is out of range: the model has %zu %ss",
                     what, index, list.size(), what)
        .release();
  const TensorSignature &tensor = list[index];
  out_info->name = tensor.name.c_str();
  out_info->dtype = tensor.dtype;
  out_info->rank = tensor.dims.size();
  out_info->dims = tensor.staticDims.data();
  out_info->dim_names = tensor.dimNamePtrs.data();
  return nullptr;
}

kiln_status_t *kiln_model_input_info(const kiln_model_t *model, size_t index,
                                     kiln_tensor_info_t *out_info) {
  if (!model)
    return nullArgument(__func__, "model");
  if (!out_info)
    return nullArgument(__func__, "out_info");
  return describe(model->inputs, index, "input", out_info);
}

kiln_status_t *kiln_model_output_info(const kiln_model_t *model, size_t index,
                                      kiln_tensor_info_t *out_info) {
  if (!model)
    return nullArgument(__func__, "model");
  if (!out_info)
    return nullArgument(__func__, "out_info");
  return describe(model->outputs, index, "output", out_info);
}

static kiln_status_t *find(const std::vector<TensorSignature> &list,
                           const char *name, const char *what,
                           size_t *out_index) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name) {
      *out_index = i;
      return nullptr;
    }
  std::string known;
  for (const TensorSignature &tensor : list)
    known += (known.empty() ? "'" : ", '") + tensor.name + "'";
  return makeError(KILN_STATUS_INVALID_ARGUMENT,
                   "the model has no %s named '%s' (its %ss: %s)", what, name,
                   what, known.empty() ? "none" : known.c_str())
      .release();
}

kiln_status_t *kiln_model_find_input(const kiln_model_t *model,
                                     const char *name, size_t *out_index) {
  if (!model || !name || !out_index)
    return nullArgument(__func__, !model  ? "model"
                                  : !name ? "name"
                                          : "out_index");
  return find(model->inputs, name, "input", out_index);
}

kiln_status_t *kiln_model_find_output(const kiln_model_t *model,
                                      const char *name, size_t *out_index) {
  if (!model || !name || !out_index)
    return nullArgument(__func__, !model  ? "model"
                                  : !name ? "name"
                                          : "out_index");
  return find(model->outputs, name, "output", out_index);
}

} // extern "C"
