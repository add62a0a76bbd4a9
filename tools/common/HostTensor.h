//===- HostTensor.h - A dense tensor in host memory -------------*- C++ -*-===//
//
// What kiln-run and kiln-bench read from tensor files and hand to the
// runtime: an element type, a shape and the row-major little-endian bytes.
// Plain C++ on top of kiln_runtime.h, so that the tools need no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_HOSTTENSOR_H
#define KILN_TOOLS_COMMON_HOSTTENSOR_H

#include "kiln-runtime/kiln_runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::tools {

/// A dense row-major tensor owning its bytes.
struct HostTensor {
  /// The name stored in the file (TensorProto.name); empty when none.
  std::string name;
  kiln_dtype_t dtype = KILN_DTYPE_INVALID;
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// The number of elements of `dims` (1 for a scalar). False when a dim is
/// negative or the product overflows 64 bits.
bool elementCount(const int64_t *dims, size_t rank, uint64_t &out);

/// The bytes of a dense `dtype` tensor of `dims`. False for an unknown dtype,
/// a negative dim or an overflow.
bool tensorByteSize(kiln_dtype_t dtype, const int64_t *dims, size_t rank,
                    uint64_t &out);

/// "[2, 3]"; "[]" for a scalar.
std::string formatShape(const int64_t *dims, size_t rank);

/// The shape of a signature entry, symbolic dims by name: "[batch, 3]".
std::string formatSignatureShape(const kiln_tensor_info_t &info);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_HOSTTENSOR_H
