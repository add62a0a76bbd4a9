//===- ElementValues.cpp - Reading and writing single elements ------------===//

#include "ElementValues.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace kiln::tools {

namespace {

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

template <typename T> T load(const void *data, uint64_t index) {
  T value;
  std::memcpy(&value, static_cast<const uint8_t *>(data) + index * sizeof(T),
              sizeof(T));
  return value;
}

template <typename T> void store(void *data, uint64_t index, T value) {
  std::memcpy(static_cast<uint8_t *>(data) + index * sizeof(T), &value,
              sizeof(T));
}

/// Converts to an integer type without the undefined behaviour of an
/// out-of-range float-to-int cast: NaN gives 0, the rest saturates.
template <typename T> T saturate(double value) {
  if (std::isnan(value))
    return 0;
  double truncated = std::trunc(value);
  if (truncated <= static_cast<double>(std::numeric_limits<T>::min()))
    return std::numeric_limits<T>::min();
  if (truncated >= static_cast<double>(std::numeric_limits<T>::max()))
    return std::numeric_limits<T>::max();
  return static_cast<T>(truncated);
}

/// The value of an 8- or 4-bit float `code`, decoded from its format's
/// parameters; false for a dtype that is not one.
bool decodeMiniFloat(kiln_dtype_t dtype, uint8_t code, double &out) {
  if (dtype == KILN_DTYPE_FLOAT8E8M0) {
    out = code == 0xFF ? std::nan("") : std::ldexp(1.0, code - 127);
    return true;
  }
  unsigned width = 8, mantissaBits = 0;
  int minExponent = 0;
  switch (dtype) {
  case KILN_DTYPE_FLOAT8E4M3FN:
    mantissaBits = 3, minExponent = -6;
    if ((code & 0x7F) == 0x7F) {
      out = std::nan("");
      return true;
    }
    break;
  case KILN_DTYPE_FLOAT8E4M3FNUZ:
  case KILN_DTYPE_FLOAT8E5M2FNUZ:
    mantissaBits = dtype == KILN_DTYPE_FLOAT8E4M3FNUZ ? 3 : 2;
    minExponent = dtype == KILN_DTYPE_FLOAT8E4M3FNUZ ? -7 : -15;
    if (code == 0x80) {
      out = std::nan("");
      return true;
    }
    break;
  case KILN_DTYPE_FLOAT8E5M2:
    mantissaBits = 2, minExponent = -14;
    if ((code & 0x7F) >= 0x7C) {
      out = (code & 0x7F) == 0x7C ? std::numeric_limits<double>::infinity()
                                  : std::nan("");
      if (code & 0x80)
        out = -out;
      return true;
    }
    break;
  case KILN_DTYPE_FLOAT4E2M1:
    width = 4, mantissaBits = 1, minExponent = 0;
    break;
  default:
    return false;
  }
  unsigned magnitude = code & ((1u << (width - 1)) - 1);
  unsigned exponent = magnitude >> mantissaBits;
  unsigned mantissa = magnitude & ((1u << mantissaBits) - 1);
  double value =
      exponent == 0
          ? std::ldexp(mantissa, minExponent - static_cast<int>(mantissaBits))
          : std::ldexp(
                1.0 + std::ldexp(mantissa, -static_cast<int>(mantissaBits)),
                static_cast<int>(exponent) - 1 + minExponent);
  out = (code >> (width - 1)) & 1 ? -value : value;
  return true;
}

/// The code of the 8- or 4-bit float nearest to `value` (by search: there
/// are at most 256); NaN where the format has one, else zero.
uint8_t encodeMiniFloat(kiln_dtype_t dtype, double value) {
  unsigned codes = dtype == KILN_DTYPE_FLOAT4E2M1 ? 16 : 256;
  int best = -1, nan = -1;
  double bestDistance = 0;
  for (unsigned code = 0; code < codes; ++code) {
    double decoded = 0;
    decodeMiniFloat(dtype, static_cast<uint8_t>(code), decoded);
    if (std::isnan(decoded)) {
      nan = nan < 0 ? static_cast<int>(code) : nan;
      continue;
    }
    double distance = std::fabs(decoded - value);
    if (best < 0 || distance < bestDistance)
      best = static_cast<int>(code), bestDistance = distance;
  }
  if (std::isnan(value))
    return static_cast<uint8_t>(nan < 0 ? 0 : nan);
  return static_cast<uint8_t>(best);
}

/// The value of a sub-byte integer stored in the low `bits` of a byte.
int subByteInteger(uint8_t byte, unsigned bits, bool isSigned) {
  int value = byte & ((1 << bits) - 1);
  if (isSigned && (value >> (bits - 1)))
    value -= 1 << bits;
  return value;
}

} // namespace

float halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0x1f) // Inf or NaN.
    return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t floatToHalf(float value) {
  uint32_t bits = floatBits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) // NaN: keep it quiet.
    return sign | 0x7e00;
  if (magnitude >= 0x477ff000u) // Rounds to or beyond 65520: infinity.
    return sign | 0x7c00;
  if (magnitude < 0x38800000u) {
    // Below the smallest normal half: a subnormal, rounded to nearest even by
    // the float addition (2^-14 * 0.5 puts the half's ulp at float's ulp).
    float rounded = bitsToFloat(magnitude) + 0.5f;
    return sign | static_cast<uint16_t>(floatBits(rounded) - 0x3f000000u);
  }
  // Normal: rebias the exponent, round the 13 dropped bits to nearest even.
  uint32_t odd = (magnitude >> 13) & 1;
  magnitude += 0xc8000fffu + odd; // (15 - 127) << 23, plus the rounding.
  return sign | static_cast<uint16_t>(magnitude >> 13);
}

float bfloat16ToFloat(uint16_t bits) {
  return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t floatToBfloat16(float value) {
  uint32_t bits = floatBits(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

double elementAsDouble(kiln_dtype_t dtype, const void *data, uint64_t index) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32:
    return load<float>(data, index);
  case KILN_DTYPE_FLOAT64:
    return load<double>(data, index);
  case KILN_DTYPE_FLOAT16:
    return halfToFloat(load<uint16_t>(data, index));
  case KILN_DTYPE_BFLOAT16:
    return bfloat16ToFloat(load<uint16_t>(data, index));
  case KILN_DTYPE_INT8:
    return load<int8_t>(data, index);
  case KILN_DTYPE_UINT8:
  case KILN_DTYPE_BOOL:
    return load<uint8_t>(data, index);
  case KILN_DTYPE_INT16:
    return load<int16_t>(data, index);
  case KILN_DTYPE_UINT16:
    return load<uint16_t>(data, index);
  case KILN_DTYPE_INT32:
    return load<int32_t>(data, index);
  case KILN_DTYPE_UINT32:
    return load<uint32_t>(data, index);
  case KILN_DTYPE_INT64:
    return static_cast<double>(load<int64_t>(data, index));
  case KILN_DTYPE_UINT64:
    return static_cast<double>(load<uint64_t>(data, index));
  case KILN_DTYPE_INT4:
  case KILN_DTYPE_UINT4:
    return subByteInteger(load<uint8_t>(data, index), 4,
                          dtype == KILN_DTYPE_INT4);
  case KILN_DTYPE_INT2:
  case KILN_DTYPE_UINT2:
    return subByteInteger(load<uint8_t>(data, index), 2,
                          dtype == KILN_DTYPE_INT2);
  default: {
    double value = 0.0;
    decodeMiniFloat(dtype, load<uint8_t>(data, index), value);
    return value;
  }
  }
}

void setElementFromDouble(kiln_dtype_t dtype, void *data, uint64_t index,
                          double value) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32:
    return store<float>(data, index, static_cast<float>(value));
  case KILN_DTYPE_FLOAT64:
    return store<double>(data, index, value);
  case KILN_DTYPE_FLOAT16:
    return store<uint16_t>(data, index, floatToHalf(static_cast<float>(value)));
  case KILN_DTYPE_BFLOAT16:
    return store<uint16_t>(data, index,
                           floatToBfloat16(static_cast<float>(value)));
  case KILN_DTYPE_BOOL:
    return store<uint8_t>(data, index, value != 0.0 ? 1 : 0);
  case KILN_DTYPE_INT8:
    return store<int8_t>(data, index, saturate<int8_t>(value));
  case KILN_DTYPE_UINT8:
    return store<uint8_t>(data, index, saturate<uint8_t>(value));
  case KILN_DTYPE_INT16:
    return store<int16_t>(data, index, saturate<int16_t>(value));
  case KILN_DTYPE_UINT16:
    return store<uint16_t>(data, index, saturate<uint16_t>(value));
  case KILN_DTYPE_INT32:
    return store<int32_t>(data, index, saturate<int32_t>(value));
  case KILN_DTYPE_UINT32:
    return store<uint32_t>(data, index, saturate<uint32_t>(value));
  case KILN_DTYPE_INT64:
    return store<int64_t>(data, index, saturate<int64_t>(value));
  case KILN_DTYPE_UINT64:
    return store<uint64_t>(data, index, saturate<uint64_t>(value));
  case KILN_DTYPE_INT4:
  case KILN_DTYPE_UINT4:
    return store<uint8_t>(data, index, saturate<int8_t>(value) & 0xF);
  case KILN_DTYPE_INT2:
  case KILN_DTYPE_UINT2:
    return store<uint8_t>(data, index, saturate<int8_t>(value) & 0x3);
  case KILN_DTYPE_INVALID:
    break;
  default:
    return store<uint8_t>(data, index, encodeMiniFloat(dtype, value));
  }
}

std::string formatElements(kiln_dtype_t dtype, const void *data, uint64_t count,
                           uint64_t limit) {
  std::string text = "[";
  for (uint64_t i = 0; i < count && i < limit; ++i) {
    if (i)
      text += ", ";
    char buffer[32];
    switch (dtype) {
    case KILN_DTYPE_BOOL:
      text += load<uint8_t>(data, i) ? "true" : "false";
      continue;
    case KILN_DTYPE_INT64:
      std::snprintf(buffer, sizeof buffer, "%" PRId64, load<int64_t>(data, i));
      break;
    case KILN_DTYPE_UINT64:
      std::snprintf(buffer, sizeof buffer, "%" PRIu64, load<uint64_t>(data, i));
      break;
    case KILN_DTYPE_FLOAT32:
    case KILN_DTYPE_FLOAT64:
    case KILN_DTYPE_FLOAT16:
    case KILN_DTYPE_BFLOAT16:
    case KILN_DTYPE_FLOAT8E4M3FN:
    case KILN_DTYPE_FLOAT8E4M3FNUZ:
    case KILN_DTYPE_FLOAT8E5M2:
    case KILN_DTYPE_FLOAT8E5M2FNUZ:
    case KILN_DTYPE_FLOAT8E8M0:
    case KILN_DTYPE_FLOAT4E2M1:
      std::snprintf(buffer, sizeof buffer, "%.6g",
                    elementAsDouble(dtype, data, i));
      break;
    default:
      // Every other integer type is exact in a double.
      std::snprintf(buffer, sizeof buffer, "%.0f",
                    elementAsDouble(dtype, data, i));
      break;
    }
    text += buffer;
  }
  if (count > limit)
    text += ", ...";
  return text + "]";
}

} // namespace kiln::tools
