//===- CudaDriver.cpp - Loading libcuda.so.1 and reporting its errors -----===//

#include "CudaDriver.h"

#include <dlfcn.h>
#include <mutex>
#include <string>
#include <type_traits>

namespace kiln::runtime::cuda {

namespace {

/// The outcome of the one attempt to load the driver.
struct LoadedDriver {
  Driver api = {};
  /// Why the driver cannot be used; empty when it can.
  std::string problem;
};

/// Resolves every entry point of `api` from `library`. The names are the
/// ones cuda.h maps the API to (the _v2 versions where they exist), so the
/// behaviour is that of a program compiled against a current cuda.h.
bool resolve(void *library, Driver &api, std::string &missing) {
  bool ok = true;
  auto get = [&](auto &slot, const char *name) {
    void *address = ::dlsym(library, name);
    if (!address && ok) {
      missing = name;
      ok = false;
    }
    slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(address);
  };
  get(api.cuInit, "cuInit");
  get(api.cuDriverGetVersion, "cuDriverGetVersion");
  get(api.cuDeviceGetCount, "cuDeviceGetCount");
  get(api.cuDeviceGet, "cuDeviceGet");
  get(api.cuDeviceGetName, "cuDeviceGetName");
  get(api.cuDeviceGetAttribute, "cuDeviceGetAttribute");
  get(api.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  get(api.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  get(api.cuCtxPushCurrent, "cuCtxPushCurrent_v2");
  get(api.cuCtxPopCurrent, "cuCtxPopCurrent_v2");
  get(api.cuModuleLoadData, "cuModuleLoadData");
  get(api.cuModuleLoadDataEx, "cuModuleLoadDataEx");
  get(api.cuModuleGetFunction, "cuModuleGetFunction");
  get(api.cuModuleUnload, "cuModuleUnload");
  get(api.cuFuncGetAttribute, "cuFuncGetAttribute");
  get(api.cuFuncSetAttribute, "cuFuncSetAttribute");
  get(api.cuMemAlloc, "cuMemAlloc_v2");
  get(api.cuMemFree, "cuMemFree_v2");
  get(api.cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  get(api.cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  get(api.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  get(api.cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
  get(api.cuMemsetD8Async, "cuMemsetD8Async");
  get(api.cuStreamCreate, "cuStreamCreate");
  get(api.cuStreamDestroy, "cuStreamDestroy_v2");
  get(api.cuStreamSynchronize, "cuStreamSynchronize");
  get(api.cuLaunchKernel, "cuLaunchKernel");
  get(api.cuStreamBeginCapture, "cuStreamBeginCapture_v2");
  get(api.cuStreamEndCapture, "cuStreamEndCapture");
  get(api.cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags");
  get(api.cuGraphLaunch, "cuGraphLaunch");
  get(api.cuGraphExecDestroy, "cuGraphExecDestroy");
  get(api.cuGraphDestroy, "cuGraphDestroy");
  get(api.cuEventCreate, "cuEventCreate");
  get(api.cuEventRecord, "cuEventRecord");
  get(api.cuEventSynchronize, "cuEventSynchronize");
  get(api.cuEventElapsedTime, "cuEventElapsedTime");
  get(api.cuEventDestroy, "cuEventDestroy_v2");
  get(api.cuGetErrorName, "cuGetErrorName");
  get(api.cuGetErrorString, "cuGetErrorString");
  return ok;
}

const LoadedDriver &loadOnce() {
  static LoadedDriver loaded;
  static std::once_flag once;
  std::call_once(once, [] {
    // Never dlclose'd: contexts and modules outlive any one model.
    void *library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      loaded.problem = "no CUDA driver (libcuda.so.1 not found)";
      return;
    }
    std::string missing;
    if (!resolve(library, loaded.api, missing)) {
      loaded.problem = "the CUDA driver is too old (libcuda.so.1 has no " +
                       missing + "; kiln needs CUDA 12 or newer)";
      return;
    }
    CUresult result = loaded.api.cuInit(0);
    if (result != CUDA_SUCCESS) {
      const char *name = "?";
      loaded.api.cuGetErrorName(result, &name);
      loaded.problem = std::string("the CUDA driver failed to initialize (") +
                       name + ": no usable NVIDIA GPU?)";
    }
  });
  return loaded;
}

} // namespace

Status driver(const Driver *&out, const char *target) {
  const LoadedDriver &loaded = loadOnce();
  if (!loaded.problem.empty())
    return makeError(KILN_STATUS_UNAVAILABLE,
                     "%s: this artifact was compiled for %s and needs an "
                     "NVIDIA GPU; compile with --target=cpu to run here",
                     loaded.problem.c_str(), target);
  out = &loaded.api;
  return nullptr;
}

Status driverError(const Driver &api, CUresult result, const char *what,
                   kiln_status_code_t code) {
  const char *name = nullptr, *text = nullptr;
  if (api.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "unknown error";
  if (api.cuGetErrorString(result, &text) != CUDA_SUCCESS || !text)
    text = "no description";
  // CUDA_ERROR_OUT_OF_MEMORY (2): the caller may retry with less.
  if (result == 2)
    code = KILN_STATUS_OUT_OF_MEMORY;
  return makeError(code, "%s: CUDA error %s (%d): %s", what, name, result,
                   text);
}

ContextScope::ContextScope(const Driver &api, CUcontext context)
    : api(api), pushed(api.cuCtxPushCurrent(context)) {}

ContextScope::~ContextScope() {
  if (pushed == CUDA_SUCCESS) {
    CUcontext popped = nullptr;
    api.cuCtxPopCurrent(&popped);
  }
}

Status ContextScope::status() {
  if (pushed != CUDA_SUCCESS)
    return driverError(api, pushed, "making the GPU's context current");
  return nullptr;
}

} // namespace kiln::runtime::cuda
