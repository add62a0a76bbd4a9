//===- HostTensor.cpp - A dense tensor in host memory ---------------------===//

#include "HostTensor.h"

namespace kiln::tools {

bool elementCount(const int64_t *dims, size_t rank, uint64_t &out) {
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0 ||
        __builtin_mul_overflow(count, static_cast<uint64_t>(dims[i]), &count))
      return false;
  }
  out = count;
  return true;
}

bool tensorByteSize(kiln_dtype_t dtype, const int64_t *dims, size_t rank,
                    uint64_t &out) {
  size_t elementSize = kiln_dtype_size(dtype);
  uint64_t count = 0;
  if (elementSize == 0 || !elementCount(dims, rank, count))
    return false;
  return !__builtin_mul_overflow(count, static_cast<uint64_t>(elementSize),
                                 &out);
}

std::string formatShape(const int64_t *dims, size_t rank) {
  std::string text = "[";
  for (size_t i = 0; i < rank; ++i)
    text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

std::string formatSignatureShape(const kiln_tensor_info_t &info) {
  std::string text = "[";
  for (size_t i = 0; i < info.rank; ++i) {
    if (i)
      text += ", ";
    if (info.dims[i] < 0 && info.dim_names && info.dim_names[i])
      text += info.dim_names[i];
    else
      text += std::to_string(info.dims[i]);
  }
  return text + "]";
}

} // namespace kiln::tools
