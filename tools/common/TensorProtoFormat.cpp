//===- TensorProtoFormat.cpp - ONNX TensorProto files ---------------------===//
//
// A minimal reader and writer of serialized onnx.TensorProto messages (the
// .pb files of ONNX's test data), straight on the protobuf wire format so
// that the tools depend on neither libprotobuf nor libonnx. The fields, from
// onnx.proto:
//
//   repeated int64 dims = 1;        optional int32 data_type = 2;
//   optional Segment segment = 3;   repeated float float_data = 4;
//   repeated int32 int32_data = 5;  repeated bytes string_data = 6;
//   repeated int64 int64_data = 7;  optional string name = 8;
//   optional bytes raw_data = 9;    repeated double double_data = 10;
//   repeated uint64 uint64_data = 11;
//   repeated StringStringEntryProto external_data = 13;
//   optional DataLocation data_location = 14;
//
// Repeated numeric fields may be packed or not (proto2 writers differ).
// int32_data also holds int8, uint8, int16, uint16, bool, float16 and
// bfloat16 elements, one per value; uint64_data holds uint32 and uint64.
//
//===----------------------------------------------------------------------===//

#include "TensorFile.h"

#include <cstring>
#include <limits>

namespace kiln::tools {

namespace {

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

/// Bounds-checked reads of wire-format primitives. Offsets in messages are
/// from the start of the whole file.
class WireReader {
public:
  WireReader(const uint8_t *data, size_t size, size_t base = 0)
      : data(data), size(size), base(base) {}

  bool atEnd() const { return pos == size; }
  size_t offset() const { return base + pos; }

  bool readVarint(uint64_t &out, std::string &error) {
    size_t start = offset();
    uint64_t value = 0;
    for (unsigned i = 0; i < 10; ++i) {
      if (pos == size) {
        error = "truncated varint at byte " + std::to_string(start);
        return false;
      }
      uint8_t byte = data[pos++];
      // The tenth byte holds bit 63 only.
      if (i == 9 && byte > 1) {
        error = "overlong varint at byte " + std::to_string(start);
        return false;
      }
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (!(byte & 0x80)) {
        out = value;
        return true;
      }
    }
    error = "overlong varint at byte " + std::to_string(start) +
            " (more than 10 bytes)";
    return false;
  }

  bool readFixed(size_t bytes, uint64_t &out, std::string &error) {
    if (size - pos < bytes) {
      error = "truncated " + std::to_string(bytes * 8) + "-bit value at byte " +
              std::to_string(offset());
      return false;
    }
    out = 0;
    for (size_t i = 0; i < bytes; ++i)
      out |= static_cast<uint64_t>(data[pos + i]) << (8 * i);
    pos += bytes;
    return true;
  }

  /// A length-delimited payload: its bytes and a reader over them.
  bool readBytes(const uint8_t *&outData, size_t &outSize, size_t &outOffset,
                 std::string &error) {
    size_t start = offset();
    uint64_t length = 0;
    if (!readVarint(length, error))
      return false;
    if (length > size - pos) {
      error = "truncated field at byte " + std::to_string(start) + ": " +
              std::to_string(length) + " bytes announced, " +
              std::to_string(size - pos) + " left";
      return false;
    }
    outData = data + pos;
    outSize = static_cast<size_t>(length);
    outOffset = offset();
    pos += outSize;
    return true;
  }

private:
  const uint8_t *data;
  size_t size;
  size_t base;
  size_t pos = 0;
};

/// The fields of a TensorProto that kiln reads, as decoded.
struct TensorProtoFields {
  std::vector<int64_t> dims;
  int64_t dataType = 0;
  bool hasDataType = false;
  std::string name;
  bool hasRawData = false;
  const uint8_t *rawData = nullptr;
  size_t rawSize = 0;
  std::vector<float> floatData;
  std::vector<int64_t> int32Data; // As decoded; range-checked per dtype.
  std::vector<int64_t> int64Data;
  std::vector<double> doubleData;
  std::vector<uint64_t> uint64Data;
};

const char *fieldName(uint32_t field) {
  switch (field) {
  case 1:
    return "dims";
  case 4:
    return "float_data";
  case 5:
    return "int32_data";
  case 7:
    return "int64_data";
  case 10:
    return "double_data";
  case 11:
    return "uint64_data";
  default:
    return "?";
  }
}

/// Reads one value of repeated numeric field `field`, or all of them when
/// packed, calling `add` with the raw 64 bits of each (varints as decoded,
/// fixed-width values as their bit patterns).
template <typename Add>
bool readRepeated(WireReader &reader, uint32_t field, uint32_t wireType,
                  uint32_t elementWireType, Add add, std::string &error) {
  auto readOne = [&](WireReader &r) {
    uint64_t value = 0;
    bool ok = elementWireType == kVarint    ? r.readVarint(value, error)
              : elementWireType == kFixed32 ? r.readFixed(4, value, error)
                                            : r.readFixed(8, value, error);
    if (ok)
      add(value);
    return ok;
  };
  if (wireType == elementWireType)
    return readOne(reader);
  if (wireType != kLengthDelimited) {
    error = "field " + std::to_string(field) + " (" + fieldName(field) +
            ") at byte " + std::to_string(reader.offset()) + " has wire type " +
            std::to_string(wireType);
    return false;
  }
  const uint8_t *payload = nullptr;
  size_t payloadSize = 0, payloadOffset = 0;
  if (!reader.readBytes(payload, payloadSize, payloadOffset, error))
    return false;
  size_t width = elementWireType == kFixed32   ? 4
                 : elementWireType == kFixed64 ? 8
                                               : 0;
  if (width && payloadSize % width != 0) {
    error = "packed field " + std::to_string(field) + " (" + fieldName(field) +
            ") at byte " + std::to_string(payloadOffset) + " has " +
            std::to_string(payloadSize) + " bytes, not a multiple of " +
            std::to_string(width);
    return false;
  }
  WireReader packed(payload, payloadSize, payloadOffset);
  while (!packed.atEnd())
    if (!readOne(packed))
      return false;
  return true;
}

/// Skips a field kiln does not read.
bool skipField(WireReader &reader, uint32_t field, uint32_t wireType,
               std::string &error) {
  uint64_t ignored = 0;
  const uint8_t *payload = nullptr;
  size_t payloadSize = 0, payloadOffset = 0;
  switch (wireType) {
  case kVarint:
    return reader.readVarint(ignored, error);
  case kFixed64:
    return reader.readFixed(8, ignored, error);
  case kFixed32:
    return reader.readFixed(4, ignored, error);
  case kLengthDelimited:
    return reader.readBytes(payload, payloadSize, payloadOffset, error);
  default:
    error = "field " + std::to_string(field) + " at byte " +
            std::to_string(reader.offset()) + " has wire type " +
            std::to_string(wireType) +
            (wireType == kStartGroup || wireType == kEndGroup
                 ? " (groups are not used by TensorProto)"
                 : " (invalid)");
    return false;
  }
}

bool decodeFields(const uint8_t *data, size_t size, TensorProtoFields &out,
                  std::string &error) {
  WireReader reader(data, size);
  while (!reader.atEnd()) {
    size_t start = reader.offset();
    uint64_t key = 0;
    if (!reader.readVarint(key, error))
      return false;
    if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
      error = "invalid field number " + std::to_string(key >> 3) + " at byte " +
              std::to_string(start) + " (not a TensorProto, or corrupted)";
      return false;
    }
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wireType = static_cast<uint32_t>(key & 7);
    auto wrongType = [&]() {
      error = "field " + std::to_string(field) + " at byte " +
              std::to_string(start) + " has wire type " +
              std::to_string(wireType) + " (not a TensorProto, or corrupted)";
      return false;
    };
    bool ok = true;
    switch (field) {
    case 1: // dims
      ok = readRepeated(
          reader, field, wireType, kVarint,
          [&](uint64_t v) { out.dims.push_back(static_cast<int64_t>(v)); },
          error);
      break;
    case 2: { // data_type
      if (wireType != kVarint)
        return wrongType();
      uint64_t value = 0;
      ok = reader.readVarint(value, error);
      out.dataType = static_cast<int64_t>(value);
      out.hasDataType = true;
      break;
    }
    case 3:
      error = "segmented tensors (field 3, segment) are not supported";
      return false;
    case 4: // float_data
      ok = readRepeated(
          reader, field, wireType, kFixed32,
          [&](uint64_t v) {
            uint32_t bits = static_cast<uint32_t>(v);
            float f;
            std::memcpy(&f, &bits, sizeof f);
            out.floatData.push_back(f);
          },
          error);
      break;
    case 5: // int32_data: an int32 varint is the sign-extended 64-bit value.
      ok = readRepeated(
          reader, field, wireType, kVarint,
          [&](uint64_t v) { out.int32Data.push_back(static_cast<int64_t>(v)); },
          error);
      break;
    case 6:
      error = "string tensors (field 6, string_data) are not supported";
      return false;
    case 7: // int64_data
      ok = readRepeated(
          reader, field, wireType, kVarint,
          [&](uint64_t v) { out.int64Data.push_back(static_cast<int64_t>(v)); },
          error);
      break;
    case 8:   // name
    case 9: { // raw_data
      if (wireType != kLengthDelimited)
        return wrongType();
      const uint8_t *payload = nullptr;
      size_t payloadSize = 0, payloadOffset = 0;
      ok = reader.readBytes(payload, payloadSize, payloadOffset, error);
      if (ok && field == 8) {
        out.name.assign(reinterpret_cast<const char *>(payload), payloadSize);
      } else if (ok) {
        out.hasRawData = true;
        out.rawData = payload;
        out.rawSize = payloadSize;
      }
      break;
    }
    case 10: // double_data
      ok = readRepeated(
          reader, field, wireType, kFixed64,
          [&](uint64_t v) {
            double d;
            std::memcpy(&d, &v, sizeof d);
            out.doubleData.push_back(d);
          },
          error);
      break;
    case 11: // uint64_data
      ok = readRepeated(
          reader, field, wireType, kVarint,
          [&](uint64_t v) { out.uint64Data.push_back(v); }, error);
      break;
    case 13:
      error = "the tensor's data is external (field 13, external_data): "
              "kiln reads tensors with inline data only; save it with "
              "onnx.save_tensor(onnx.numpy_helper.from_array(array), path)";
      return false;
    case 14: { // data_location: 1 is EXTERNAL.
      if (wireType != kVarint)
        return wrongType();
      uint64_t location = 0;
      ok = reader.readVarint(location, error);
      if (ok && location == 1) {
        error = "the tensor's data is external (data_location = EXTERNAL): "
                "kiln reads tensors with inline data only";
        return false;
      }
      break;
    }
    default:
      ok = skipField(reader, field, wireType, error);
      break;
    }
    if (!ok)
      return false;
  }
  return true;
}

bool isSupportedDtype(int64_t dataType) {
  return dataType > 0 && dataType <= std::numeric_limits<int32_t>::max() &&
         kiln_dtype_size(static_cast<kiln_dtype_t>(dataType)) != 0;
}

/// The typed field that holds `dtype`'s elements when there is no raw_data.
uint32_t typedFieldFor(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32:
    return 4;
  case KILN_DTYPE_INT64:
    return 7;
  case KILN_DTYPE_FLOAT64:
    return 10;
  case KILN_DTYPE_UINT32:
  case KILN_DTYPE_UINT64:
    return 11;
  default:
    return 5;
  }
}

/// Bits per element of the types ONNX packs several to a byte (the low
/// bits first), or 0.
unsigned packedBits(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_UINT4:
  case KILN_DTYPE_INT4:
  case KILN_DTYPE_FLOAT4E2M1:
    return 4;
  case KILN_DTYPE_UINT2:
  case KILN_DTYPE_INT2:
    return 2;
  default:
    return 0;
  }
}

/// Bytes of `count` elements packed `bits` to a byte.
uint64_t packedBytes(uint64_t count, unsigned bits) {
  return (count * bits + 7) / 8;
}

/// kiln's layout of packed elements: a byte each, in the low bits.
std::vector<uint8_t> unpack(const uint8_t *packed, uint64_t count,
                            unsigned bits) {
  std::vector<uint8_t> out(count);
  unsigned perByte = 8 / bits, mask = (1u << bits) - 1;
  for (uint64_t i = 0; i < count; ++i)
    out[i] = (packed[i / perByte] >> (bits * (i % perByte))) & mask;
  return out;
}

std::vector<uint8_t> pack(const std::vector<uint8_t> &elements, unsigned bits) {
  std::vector<uint8_t> out(packedBytes(elements.size(), bits), 0);
  unsigned perByte = 8 / bits, mask = (1u << bits) - 1;
  for (size_t i = 0; i < elements.size(); ++i)
    out[i / perByte] |= (elements[i] & mask) << (bits * (i % perByte));
  return out;
}

/// The range int32_data values must lie in for `dtype`.
void int32DataRange(kiln_dtype_t dtype, int64_t &low, int64_t &high) {
  switch (dtype) {
  case KILN_DTYPE_BOOL:
    low = 0, high = 1;
    return;
  case KILN_DTYPE_INT8:
    low = -128, high = 127;
    return;
  case KILN_DTYPE_UINT8:
  case KILN_DTYPE_FLOAT8E4M3FN:
  case KILN_DTYPE_FLOAT8E4M3FNUZ:
  case KILN_DTYPE_FLOAT8E5M2:
  case KILN_DTYPE_FLOAT8E5M2FNUZ:
  case KILN_DTYPE_FLOAT8E8M0:
  case KILN_DTYPE_UINT4:
  case KILN_DTYPE_INT4:
  case KILN_DTYPE_FLOAT4E2M1:
  case KILN_DTYPE_UINT2:
  case KILN_DTYPE_INT2:
    low = 0, high = 255; // The packed types hold a packed byte each.
    return;
  case KILN_DTYPE_INT16:
    low = -32768, high = 32767;
    return;
  case KILN_DTYPE_UINT16:
  case KILN_DTYPE_FLOAT16:
  case KILN_DTYPE_BFLOAT16:
    low = 0, high = 65535;
    return;
  default:
    low = std::numeric_limits<int32_t>::min();
    high = std::numeric_limits<int32_t>::max();
    return;
  }
}

/// Copies `values` into `out` as `dtype` elements, `T` being the stored type.
template <typename T, typename V>
void storeAll(const std::vector<V> &values, std::vector<uint8_t> &out) {
  for (size_t i = 0; i < values.size(); ++i) {
    T element = static_cast<T>(values[i]);
    std::memcpy(out.data() + i * sizeof(T), &element, sizeof(T));
  }
}

void writeVarint(std::vector<uint8_t> &out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

void writeKey(std::vector<uint8_t> &out, uint32_t field, uint32_t wireType) {
  writeVarint(out, (static_cast<uint64_t>(field) << 3) | wireType);
}

} // namespace

bool parseTensorProto(const uint8_t *data, size_t size, HostTensor &out,
                      std::string &error) {
  TensorProtoFields fields;
  if (!decodeFields(data, size, fields, error))
    return false;
  if (!fields.hasDataType || fields.dataType == 0) {
    error = "the tensor has no data_type (field 2)";
    return false;
  }
  if (!isSupportedDtype(fields.dataType)) {
    error = "unsupported data_type " + std::to_string(fields.dataType) +
            " (supported: the numeric types and bool of "
            "TensorProto.DataType, 1-7, 9-13, 16-26)";
    return false;
  }
  HostTensor tensor;
  tensor.name = std::move(fields.name);
  tensor.dtype = static_cast<kiln_dtype_t>(fields.dataType);
  tensor.dims = std::move(fields.dims);
  std::string shape = formatShape(tensor.dims.data(), tensor.dims.size());
  for (int64_t dim : tensor.dims)
    if (dim < 0) {
      error = "negative dimension in dims " + shape;
      return false;
    }
  uint64_t count = 0, bytes = 0;
  if (!elementCount(tensor.dims.data(), tensor.dims.size(), count) ||
      !tensorByteSize(tensor.dtype, tensor.dims.data(), tensor.dims.size(),
                      bytes)) {
    error = "dims " + shape + " are too large";
    return false;
  }
  const std::string what = std::string("the ") + kiln_dtype_name(tensor.dtype) +
                           " tensor of shape " + shape;

  struct TypedField {
    uint32_t field;
    size_t count;
  };
  const TypedField typed[] = {{4, fields.floatData.size()},
                              {5, fields.int32Data.size()},
                              {7, fields.int64Data.size()},
                              {10, fields.doubleData.size()},
                              {11, fields.uint64Data.size()}};
  uint32_t expectedField = typedFieldFor(tensor.dtype);
  for (const TypedField &f : typed) {
    if (f.count == 0)
      continue;
    if (fields.hasRawData) {
      error =
          "the tensor has both raw_data and " + std::string(fieldName(f.field));
      return false;
    }
    if (f.field != expectedField) {
      error = what + " cannot hold its values in " + fieldName(f.field) +
              " (expected " + fieldName(expectedField) + " or raw_data)";
      return false;
    }
  }

  // The packed types: raw_data or int32_data holds the packed bytes.
  if (unsigned bits = packedBits(tensor.dtype)) {
    uint64_t packedSize = packedBytes(count, bits);
    std::vector<uint8_t> packed;
    if (fields.hasRawData) {
      packed.assign(fields.rawData, fields.rawData + fields.rawSize);
    } else {
      for (int64_t value : fields.int32Data) {
        if (value < 0 || value > 255) {
          error = "int32_data value " + std::to_string(value) +
                  " is not a packed byte of " + kiln_dtype_name(tensor.dtype);
          return false;
        }
        packed.push_back(static_cast<uint8_t>(value));
      }
    }
    if (packed.size() != packedSize) {
      error = "size mismatch: " + what + " needs " +
              std::to_string(packedSize) + " packed bytes but " +
              (fields.hasRawData ? "raw_data" : "int32_data") + " has " +
              std::to_string(packed.size());
      return false;
    }
    tensor.data = unpack(packed.data(), count, bits);
    out = std::move(tensor);
    return true;
  }

  if (fields.hasRawData) {
    if (fields.rawSize != bytes) {
      error = "size mismatch: " + what + " needs " + std::to_string(bytes) +
              " bytes but raw_data has " + std::to_string(fields.rawSize);
      return false;
    }
    tensor.data.assign(fields.rawData, fields.rawData + fields.rawSize);
    out = std::move(tensor);
    return true;
  }

  size_t given = 0;
  for (const TypedField &f : typed)
    if (f.field == expectedField)
      given = f.count;
  if (given == 0 && count != 0) {
    error = "the tensor has no data: " + what + " needs " +
            std::to_string(count) + " values in " + fieldName(expectedField) +
            " or raw_data";
    return false;
  }
  if (given != count) {
    error = "size mismatch: " + what + " needs " + std::to_string(count) +
            " values but " + fieldName(expectedField) + " has " +
            std::to_string(given);
    return false;
  }
  tensor.data.resize(bytes);
  switch (tensor.dtype) {
  case KILN_DTYPE_FLOAT32:
    storeAll<float>(fields.floatData, tensor.data);
    break;
  case KILN_DTYPE_INT64:
    storeAll<int64_t>(fields.int64Data, tensor.data);
    break;
  case KILN_DTYPE_FLOAT64:
    storeAll<double>(fields.doubleData, tensor.data);
    break;
  case KILN_DTYPE_UINT32:
    for (uint64_t value : fields.uint64Data)
      if (value > std::numeric_limits<uint32_t>::max()) {
        error = "uint64_data value " + std::to_string(value) +
                " is out of range for uint32";
        return false;
      }
    storeAll<uint32_t>(fields.uint64Data, tensor.data);
    break;
  case KILN_DTYPE_UINT64:
    storeAll<uint64_t>(fields.uint64Data, tensor.data);
    break;
  default: {
    int64_t low = 0, high = 0;
    int32DataRange(tensor.dtype, low, high);
    for (int64_t value : fields.int32Data)
      if (value < low || value > high) {
        error = "int32_data value " + std::to_string(value) +
                " is out of range for " + kiln_dtype_name(tensor.dtype);
        return false;
      }
    size_t width = kiln_dtype_size(tensor.dtype);
    for (size_t i = 0; i < fields.int32Data.size(); ++i) {
      // Little-endian: the low bytes are the element (two's complement for
      // the signed types, the bit pattern for float16 and bfloat16).
      uint32_t bits = static_cast<uint32_t>(fields.int32Data[i]);
      std::memcpy(tensor.data.data() + i * width, &bits, width);
    }
    break;
  }
  }
  out = std::move(tensor);
  return true;
}

bool serializeTensorProto(const HostTensor &tensor, std::vector<uint8_t> &out,
                          std::string &error) {
  uint64_t bytes = 0;
  if (!tensorByteSize(tensor.dtype, tensor.dims.data(), tensor.dims.size(),
                      bytes) ||
      bytes != tensor.data.size()) {
    error = "the tensor's data does not match its shape";
    return false;
  }
  out.clear();
  for (int64_t dim : tensor.dims) {
    writeKey(out, 1, kVarint);
    writeVarint(out, static_cast<uint64_t>(dim));
  }
  writeKey(out, 2, kVarint);
  writeVarint(out, static_cast<uint64_t>(tensor.dtype));
  if (!tensor.name.empty()) {
    writeKey(out, 8, kLengthDelimited);
    writeVarint(out, tensor.name.size());
    out.insert(out.end(), tensor.name.begin(), tensor.name.end());
  }
  std::vector<uint8_t> packed;
  const std::vector<uint8_t> *raw = &tensor.data;
  if (unsigned bits = packedBits(tensor.dtype)) {
    packed = pack(tensor.data, bits);
    raw = &packed;
  }
  writeKey(out, 9, kLengthDelimited);
  writeVarint(out, raw->size());
  out.insert(out.end(), raw->begin(), raw->end());
  return true;
}

} // namespace kiln::tools
