//===- SyntheticWeights.cpp - Made-up constants for benchmarks ------------===//

#include "SyntheticWeights.h"

#include "CodeObject.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kiln::runtime {

namespace {

/// splitmix64: tiny, fast, and the same on every machine.
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// Round-to-nearest-even of a float's top 16 bits (finite values only).
uint16_t toBFloat16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

/// IEEE half of a float in (-2, 2), rounded to nearest even; the values
/// made here never overflow, subnormals are flushed to zero.
uint16_t toFloat16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  int32_t exponent = static_cast<int32_t>((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  if (exponent <= 0)
    return sign;
  // Round the 23-bit mantissa to 10 bits; a carry moves into the exponent.
  uint32_t rounded = mantissa + 0xfff + ((mantissa >> 13) & 1);
  uint32_t half = (static_cast<uint32_t>(exponent) << 10) + (rounded >> 13);
  return static_cast<uint16_t>(sign | std::min<uint32_t>(half, 0x7bff));
}

} // namespace

double syntheticWeightBound(const std::vector<int64_t> &dims) {
  double numel = 1, largest = 1;
  for (int64_t dim : dims) {
    numel *= static_cast<double>(dim);
    largest = std::max(largest, static_cast<double>(dim));
  }
  return std::sqrt(3.0 / std::max(1.0, numel / largest));
}

void fillSyntheticWeights(const std::string &name, kiln_dtype_t dtype,
                          const std::vector<int64_t> &dims, uint8_t *out,
                          uint64_t bytes) {
  std::memset(out, 0, bytes);
  size_t elementSize = kiln_dtype_size(dtype);
  bool floating = dtype == KILN_DTYPE_FLOAT32 || dtype == KILN_DTYPE_FLOAT16 ||
                  dtype == KILN_DTYPE_BFLOAT16 || dtype == KILN_DTYPE_FLOAT64;
  if (!floating)
    return;
  double bound = syntheticWeightBound(dims);
  uint64_t state =
      fnv1a64(reinterpret_cast<const uint8_t *>(name.data()), name.size());
  for (uint64_t i = 0; i < bytes / elementSize; ++i) {
    // 53 random bits, centred in their interval: strictly inside (0, 1).
    double unit =
        (static_cast<double>(nextRandom(state) >> 11) + 0.5) * 0x1.0p-53;
    double value = (2.0 * unit - 1.0) * bound;
    uint8_t *slot = out + i * elementSize;
    if (dtype == KILN_DTYPE_FLOAT64) {
      std::memcpy(slot, &value, sizeof value);
    } else if (dtype == KILN_DTYPE_FLOAT32) {
      float narrow = static_cast<float>(value);
      std::memcpy(slot, &narrow, sizeof narrow);
    } else {
      uint16_t half = dtype == KILN_DTYPE_FLOAT16
                          ? toFloat16(static_cast<float>(value))
                          : toBFloat16(static_cast<float>(value));
      std::memcpy(slot, &half, sizeof half);
    }
  }
}

} // namespace kiln::runtime
