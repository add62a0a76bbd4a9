//===- TestArtifacts.h - Artifacts for the runtime's tests ------*- C++ -*-===//
//
// The model the runtime tests run, described with the artifact writer over
// the kernels of kernels/add_kernels.c:
//
//   inputs  x: float32[batch, 3], y: float32[batch, 4]
//   weight  w: float32[3, 4]
//   out = x @ w + y : float32[batch, 4]   (t = x @ w lives in the arena)
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H
#define KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H

#include "kiln/Target/Artifact/ArtifactWriter.h"

#include <string>
#include <vector>

namespace kiln::test {

/// The bytes of the file at `path` (empty if unreadable).
std::vector<uint8_t> readFile(const std::string &path);

/// The test kernels' shared object, built by CMake.
const std::vector<uint8_t> &testKernels();

/// The weight w, row-major [3, 4].
std::vector<float> testWeights();

/// The description of the test model; `externalWeights` moves w to the
/// parameter file "weights.bin".
artifact::ArtifactDesc testModelDesc(const std::vector<uint8_t> &code,
                                     bool externalWeights = false);

/// Serialized testModelDesc(testKernels()).
std::vector<uint8_t> testModelBytes();

/// x @ w + y computed in the test, for `batch` rows.
std::vector<float> referenceOutput(const std::vector<float> &x,
                                   const std::vector<float> &y, int64_t batch);

/// A CUDA model with hand-written PTX (cuda_kernel_abi.h), static shapes:
///
///   inputs  x, y: float32[1000]; weight w: float32[1000] (cudaTestWeights)
///   t = x + w (arena), out = t + y : float32[1000]
///
/// Its two kernels are one PTX entry, kiln_test_vadd, bound differently; a
/// third launch has an empty grid and must be skipped. The code object has
/// no cubin, so the driver JIT-compiles the PTX (chip "sm_90").
artifact::ArtifactDesc cudaTestModelDesc();
std::vector<float> cudaTestWeights();
constexpr int64_t kCudaTestSize = 1000;

} // namespace kiln::test

#endif // KILN_TEST_UNIT_RUNTIME_TESTARTIFACTS_H
