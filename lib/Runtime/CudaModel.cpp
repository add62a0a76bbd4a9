//===- CudaModel.cpp - A CUDA artifact loaded onto the GPU ----------------===//

#include "CudaModel.h"

#include "kiln-runtime/cuda_kernel_abi.h"

#include <cstdlib>
#include <cstring>

namespace kiln::runtime {
using namespace cuda;

Status CudaModel::create(const kiln_model_t &model, const CudaCode &code,
                         int32_t ordinal, std::unique_ptr<CudaModel> &out) {
  const Driver *api = nullptr;
  KILN_RETURN_IF_ERROR(driver(api, model.target.c_str()));
  std::unique_ptr<CudaModel> loaded(new CudaModel(*api));
  KILN_RETURN_IF_ERROR(loaded->openDevice(ordinal));
  ContextScope scope(*api, loaded->context);
  KILN_RETURN_IF_ERROR(scope.status());
  KILN_RETURN_IF_ERROR(loaded->loadModule(code));
  KILN_RETURN_IF_ERROR(loaded->resolveKernels(model));
  KILN_RETURN_IF_ERROR(loaded->uploadConstants(model));
  out = std::move(loaded);
  return nullptr;
}

CudaModel::~CudaModel() {
  if (!context)
    return;
  {
    ContextScope scope(api, context);
    if (constantMemory)
      api.cuMemFree(constantMemory);
    if (module)
      api.cuModuleUnload(module);
  }
  if (retainedContext)
    api.cuDevicePrimaryCtxRelease(device);
}

Status CudaModel::openDevice(int32_t ordinal) {
  if (ordinal < 0) {
    ordinal = 0;
    if (const char *env = std::getenv("KILN_CUDA_DEVICE")) {
      char *end = nullptr;
      long value = std::strtol(env, &end, 10);
      if (*env == '\0' || *end != '\0' || value < 0 || value > 1024)
        return makeError(KILN_STATUS_INVALID_ARGUMENT,
                         "KILN_CUDA_DEVICE is '%s'; it must be a device "
                         "number",
                         env);
      ordinal = static_cast<int32_t>(value);
    }
  }
  int count = 0;
  KILN_CUDA_CHECK(api.cuDeviceGetCount(&count), "counting the CUDA devices");
  if (count == 0)
    return makeError(KILN_STATUS_UNAVAILABLE,
                     "the CUDA driver sees no GPU: this artifact needs an "
                     "NVIDIA GPU; compile with --target=cpu to run here");
  if (ordinal >= count)
    return makeError(KILN_STATUS_INVALID_ARGUMENT,
                     "CUDA device %d was asked for (KILN_CUDA_DEVICE or the "
                     "load options) but there are only %d",
                     ordinal, count);
  KILN_CUDA_CHECK(api.cuDeviceGet(&device, ordinal), "opening the CUDA device");
  char name[256] = {};
  KILN_CUDA_CHECK(api.cuDeviceGetName(name, sizeof name - 1, device),
                  "reading the GPU's name");
  KILN_CUDA_CHECK(
      api.cuDeviceGetAttribute(
          &computeMajor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
      "reading the GPU's compute capability");
  KILN_CUDA_CHECK(
      api.cuDeviceGetAttribute(
          &computeMinor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
      "reading the GPU's compute capability");
  deviceName = std::string(name) + " (sm_" + std::to_string(computeMajor) +
               std::to_string(computeMinor) + ", device " +
               std::to_string(ordinal) + ")";
  KILN_CUDA_CHECK(api.cuDevicePrimaryCtxRetain(&context, device),
                  "retaining the GPU's primary context");
  retainedContext = true;
  return nullptr;
}

Status CudaModel::loadModule(const CudaCode &code) {
  // A cubin runs only on the architecture it was assembled for ("sm_90a"
  // is sm_90 with its architecture-specific features).
  std::string deviceChip =
      "sm_" + std::to_string(computeMajor) + std::to_string(computeMinor);
  bool cubinFits = code.cubinSize != 0 &&
                   (code.chip == deviceChip || code.chip == deviceChip + "a");
  if (cubinFits && api.cuModuleLoadData(&module, code.cubin) == CUDA_SUCCESS)
    return nullptr;
  // Else the driver compiles the PTX for this GPU. It wants a NUL-terminated
  // text; the artifact does not promise one.
  std::string ptx(reinterpret_cast<const char *>(code.ptx), code.ptxSize);
  char log[4096] = {};
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(sizeof log - 1)};
  CUresult result =
      api.cuModuleLoadDataEx(&module, ptx.c_str(), 2, options, values);
  if (result != CUDA_SUCCESS) {
    std::string what =
        "the GPU driver refused the kernels' PTX (compiled for " + code.chip +
        ") on " + deviceName;
    if (log[0])
      what += "; the PTX compiler says: " + std::string(log);
    module = nullptr;
    return driverError(api, result, what.c_str(), KILN_STATUS_UNAVAILABLE);
  }
  return nullptr;
}

Status CudaModel::resolveKernels(const kiln_model_t &model) {
  int optinShared = 0;
  KILN_CUDA_CHECK(api.cuDeviceGetAttribute(
                      &optinShared,
                      CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                      device),
                  "reading the GPU's shared memory size");
  for (const KernelLaunch &kernel : model.kernels) {
    std::string where =
        "kernel '" + kernel.name + "' (symbol '" + kernel.symbol + "')";
    CUfunction function = nullptr;
    CUresult result =
        api.cuModuleGetFunction(&function, module, kernel.symbol.c_str());
    if (result != CUDA_SUCCESS)
      return driverError(api, result,
                         (where + ": the PTX has no such entry").c_str(),
                         KILN_STATUS_INVALID_ARTIFACT);
    int maxThreads = 0;
    KILN_CUDA_CHECK(
        api.cuFuncGetAttribute(
            &maxThreads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function),
        (where + ": reading its thread limit").c_str());
    uint64_t threads =
        uint64_t{kernel.block[0]} * kernel.block[1] * kernel.block[2];
    if (threads > static_cast<uint64_t>(maxThreads))
      return makeError(KILN_STATUS_INVALID_ARTIFACT,
                       "%s is launched with %llu threads per block but can "
                       "run at most %d on %s (too many registers?)",
                       where.c_str(), static_cast<unsigned long long>(threads),
                       maxThreads, deviceName.c_str());
    if (kernel.sharedBytes > static_cast<uint32_t>(optinShared))
      return makeError(KILN_STATUS_INVALID_ARTIFACT,
                       "%s needs %u bytes of shared memory per block but %s "
                       "has %d",
                       where.c_str(), kernel.sharedBytes, deviceName.c_str(),
                       optinShared);
    // Above 48 KiB, dynamic shared memory must be opted into per function.
    if (kernel.sharedBytes > 48 * 1024)
      KILN_CUDA_CHECK(api.cuFuncSetAttribute(
                          function,
                          CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                          static_cast<int>(kernel.sharedBytes)),
                      (where + ": raising its shared memory limit").c_str());
    functions.push_back(function);
  }
  if (model.shapeKernel) {
    CUresult result = api.cuModuleGetFunction(
        &shapeFunction, module, model.shapeKernel->symbol.c_str());
    if (result != CUDA_SUCCESS)
      return driverError(api, result,
                         ("the shape kernel (symbol '" +
                          model.shapeKernel->symbol +
                          "'): the PTX has no such entry")
                             .c_str(),
                         KILN_STATUS_INVALID_ARTIFACT);
  }
  return nullptr;
}

Status CudaModel::uploadConstants(const kiln_model_t &model) {
  // One allocation for all: fewer driver calls, and one free.
  std::vector<uint64_t> offsets;
  uint64_t total = 0;
  for (uint64_t size : model.constantSizes) {
    offsets.push_back(total);
    total += (size + KILN_CUDA_BUFFER_ALIGNMENT - 1) /
             KILN_CUDA_BUFFER_ALIGNMENT * KILN_CUDA_BUFFER_ALIGNMENT;
  }
  if (total == 0) {
    constants.assign(model.constants.size(), 0);
    return nullptr;
  }
  std::string what = "allocating " + std::to_string(total) +
                     " bytes of GPU memory for the constants on " + deviceName;
  KILN_CUDA_CHECK(api.cuMemAlloc(&constantMemory, total), what.c_str());
  for (size_t i = 0; i < model.constants.size(); ++i) {
    constants.push_back(constantMemory + offsets[i]);
    if (model.constantSizes[i])
      KILN_CUDA_CHECK(api.cuMemcpyHtoD(constants[i], model.constants[i],
                                       model.constantSizes[i]),
                      "copying the constants to the GPU");
  }
  return nullptr;
}

} // namespace kiln::runtime
