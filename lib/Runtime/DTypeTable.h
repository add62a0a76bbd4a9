//===- DTypeTable.h - Sizes and names of the kiln_dtype_t values -*- C++
//-*-===//
//
// One table for the runtime (kiln_dtype_size, kiln_dtype_name, the loader's
// validation) and the artifact writer, which must not link the runtime.
// Header-only and free of the compiler's libraries.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_RUNTIME_DTYPETABLE_H
#define KILN_RUNTIME_DTYPETABLE_H

#include "kiln-runtime/kiln_runtime.h"

#include <cstddef>
#include <cstdint>

namespace kiln::dtypes {

struct DTypeInfo {
  /// Bytes per element in kiln's buffers: the sub-byte types take a byte.
  size_t bytes;
  const char *name;
};

/// The entry for `dtype` read as an integer (from a file, say), or a zero
/// size and "invalid" for a value that is not a kiln_dtype_t. (Checking the
/// integer first: an out-of-range enum value is undefined behavior in C++.)
inline DTypeInfo lookup(int64_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32:
    return {4, "float32"};
  case KILN_DTYPE_UINT8:
    return {1, "uint8"};
  case KILN_DTYPE_INT8:
    return {1, "int8"};
  case KILN_DTYPE_UINT16:
    return {2, "uint16"};
  case KILN_DTYPE_INT16:
    return {2, "int16"};
  case KILN_DTYPE_INT32:
    return {4, "int32"};
  case KILN_DTYPE_INT64:
    return {8, "int64"};
  case KILN_DTYPE_BOOL:
    return {1, "bool"};
  case KILN_DTYPE_FLOAT16:
    return {2, "float16"};
  case KILN_DTYPE_FLOAT64:
    return {8, "float64"};
  case KILN_DTYPE_UINT32:
    return {4, "uint32"};
  case KILN_DTYPE_UINT64:
    return {8, "uint64"};
  case KILN_DTYPE_BFLOAT16:
    return {2, "bfloat16"};
  case KILN_DTYPE_FLOAT8E4M3FN:
    return {1, "float8e4m3fn"};
  case KILN_DTYPE_FLOAT8E4M3FNUZ:
    return {1, "float8e4m3fnuz"};
  case KILN_DTYPE_FLOAT8E5M2:
    return {1, "float8e5m2"};
  case KILN_DTYPE_FLOAT8E5M2FNUZ:
    return {1, "float8e5m2fnuz"};
  case KILN_DTYPE_UINT4:
    return {1, "uint4"};
  case KILN_DTYPE_INT4:
    return {1, "int4"};
  case KILN_DTYPE_FLOAT4E2M1:
    return {1, "float4e2m1"};
  case KILN_DTYPE_FLOAT8E8M0:
    return {1, "float8e8m0"};
  case KILN_DTYPE_UINT2:
    return {1, "uint2"};
  case KILN_DTYPE_INT2:
    return {1, "int2"};
  default:
    return {0, "invalid"};
  }
}

} // namespace kiln::dtypes

#endif // KILN_RUNTIME_DTYPETABLE_H
