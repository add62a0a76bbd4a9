//===- SyntheticWeights.h - Made-up constants for benchmarks ----*- C++ -*-===//
//
// Big models are benchmarked on machines their weights do not travel to.
// With KILN_LOAD_SYNTHETIC_WEIGHTS, a missing parameter file is replaced by
// values made up from each constant's name alone, so that the CPU and the
// CUDA artifacts of one model get the same weights, run after run.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_RUNTIME_SYNTHETICWEIGHTS_H
#define KILN_LIB_RUNTIME_SYNTHETICWEIGHTS_H

#include "kiln-runtime/kiln_runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::runtime {

/// The bound of the uniform values of a floating constant of shape `dims`:
/// sqrt(3 / max(1, numel / largest dim)), the scale of a default-initialized
/// layer (unit variance out for unit variance in), so activations stay in
/// range through deep models.
double syntheticWeightBound(const std::vector<int64_t> &dims);

/// Fills `out` (`bytes` bytes, numel of `dims` elements of `dtype`): float32,
/// float16, bfloat16 and float64 get uniform values in (-a, a) (a as above)
/// from splitmix64 seeded with FNV-1a 64 of `name`; other dtypes zeros.
void fillSyntheticWeights(const std::string &name, kiln_dtype_t dtype,
                          const std::vector<int64_t> &dims, uint8_t *out,
                          uint64_t bytes);

} // namespace kiln::runtime

#endif // KILN_LIB_RUNTIME_SYNTHETICWEIGHTS_H
