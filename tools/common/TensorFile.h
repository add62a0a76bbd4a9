//===- TensorFile.h - Tensors in .npy and TensorProto files -----*- C++ -*-===//
//
// The tensor files kiln-run and kiln-bench read and write:
//
//  - NumPy .npy, format versions 1.0, 2.0 and 3.0, little-endian (or
//    byte-order-free) dtypes <f2 <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1,
//    C order;
//  - ONNX TensorProto .pb (the files of ONNX's test data sets), read with a
//    hand-written protobuf wire-format parser so that the tools need neither
//    libprotobuf nor libonnx: dims, data_type, name, raw_data and the typed
//    fields float_data, int32_data, int64_data, double_data, uint64_data.
//
// Every malformed input is an error message saying what is wrong and where,
// never a crash: all reads are bounds-checked and all sizes overflow-checked.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_COMMON_TENSORFILE_H
#define KILN_TOOLS_COMMON_TENSORFILE_H

#include "HostTensor.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln::tools {

enum class TensorFileFormat { Npy, TensorProto };

/// The format named by the extension of `path`: ".npy" or ".pb".
std::optional<TensorFileFormat> formatFromExtension(const std::string &path);
/// The format called `name`: "npy" or "pb".
std::optional<TensorFileFormat> formatFromName(const std::string &name);
/// ".npy" or ".pb".
const char *formatExtension(TensorFileFormat format);

/// Parses the bytes of a .npy file. On failure returns false and sets
/// `error` to what is wrong (without a file name).
bool parseNpy(const uint8_t *data, size_t size, HostTensor &out,
              std::string &error);
/// Serializes `tensor` as a .npy file (version 1.0, or 2.0 when the header
/// needs it). Fails for dtypes NumPy has no name for (bfloat16).
bool serializeNpy(const HostTensor &tensor, std::vector<uint8_t> &out,
                  std::string &error);

/// Parses a serialized onnx.TensorProto; as parseNpy.
bool parseTensorProto(const uint8_t *data, size_t size, HostTensor &out,
                      std::string &error);
/// Serializes `tensor` as an onnx.TensorProto with name, dims, data_type
/// and raw_data (what onnx.numpy_helper.from_array writes).
bool serializeTensorProto(const HostTensor &tensor, std::vector<uint8_t> &out,
                          std::string &error);

/// Reads the tensor file at `path`, in the format its extension names.
/// Errors start with the path: "x.npy: truncated header ...".
bool readTensorFile(const std::string &path, HostTensor &out,
                    std::string &error);
/// Writes `tensor` to `path` in `format`; errors start with the path.
bool writeTensorFile(const std::string &path, const HostTensor &tensor,
                     TensorFileFormat format, std::string &error);

} // namespace kiln::tools

#endif // KILN_TOOLS_COMMON_TENSORFILE_H
