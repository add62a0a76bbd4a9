//===- CudaModel.h - A CUDA artifact loaded onto the GPU --------*- C++ -*-===//
//
// What every session of a CUDA model shares: the device's primary context,
// the kernels' module (loaded once per model), their CUfunctions, and the
// constants, uploaded once into one device allocation.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_CUDAMODEL_H
#define KILN_LIB_RUNTIME_CUDAMODEL_H

#include "CudaDriver.h"
#include "Model.h"

#include <string>
#include <vector>

namespace kiln::runtime {

/// The code object of a CUDA artifact, borrowed from the artifact's bytes.
struct CudaCode {
  const uint8_t *cubin = nullptr;
  size_t cubinSize = 0;
  const uint8_t *ptx = nullptr;
  size_t ptxSize = 0;
  std::string chip;
};

class CudaModel {
public:
  /// Loads `code` onto the GPU for `model` (whose kernels, constants and
  /// target are already filled in): picks the device (`ordinal`, -1 for
  /// $KILN_CUDA_DEVICE or 0), loads the module, resolves and checks every
  /// kernel, uploads the constants.
  static Status create(const kiln_model_t &model, const CudaCode &code,
                       int32_t ordinal, std::unique_ptr<CudaModel> &out);
  ~CudaModel();
  CudaModel(const CudaModel &) = delete;
  CudaModel &operator=(const CudaModel &) = delete;

  const cuda::Driver &api;
  cuda::CUdevice device = 0;
  cuda::CUcontext context = nullptr;
  /// E.g. "NVIDIA H100 80GB HBM3 (sm_90, device 0)", for messages.
  std::string deviceName;
  cuda::CUmodule module = nullptr;
  /// One per model kernel, in order.
  std::vector<cuda::CUfunction> functions;
  /// The shape kernel's, when the model has one.
  cuda::CUfunction shapeFunction = nullptr;
  /// The device address of every constant, 256-byte aligned.
  std::vector<cuda::CUdeviceptr> constants;

private:
  explicit CudaModel(const cuda::Driver &api) : api(api) {}
  Status openDevice(int32_t ordinal);
  Status loadModule(const CudaCode &code);
  Status resolveKernels(const kiln_model_t &model);
  Status uploadConstants(const kiln_model_t &model);

  bool retainedContext = false;
  cuda::CUdeviceptr constantMemory = 0;
  int computeMajor = 0, computeMinor = 0;
};

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_CUDAMODEL_H
